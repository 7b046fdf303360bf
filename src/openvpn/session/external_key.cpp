// session/external_key.cpp: see external_key.hpp.
#include "openvpn/session/external_key.hpp"

#include <openssl/evp.h>

#include <array>

#include "openvpn/crypto/pem.hpp"
#include "openvpn/session/management.hpp"

namespace ovpn::session {

namespace {

// The DER prefix of a DigestInfo (SEQUENCE { AlgorithmIdentifier with NULL
// parameters, OCTET STRING digest }) for each hash, from the OIDs of
// RFC 8017 section 9.2 note 1; the digest follows it.
struct DigestInfoPrefix {
    std::string_view md;
    std::size_t len; // digest length
    std::array<std::uint8_t, 19> der;
    std::size_t der_len;
};

constexpr DigestInfoPrefix kPrefixes[] = {
    {"SHA1",
     20,
     {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
     15},
    {"SHA224",
     28,
     {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00,
      0x04, 0x1c},
     19},
    {"SHA256",
     32,
     {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
      0x04, 0x20},
     19},
    {"SHA384",
     48,
     {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
      0x04, 0x30},
     19},
    {"SHA512",
     64,
     {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00,
      0x04, 0x40},
     19},
};

// hash: the `mdname` digest of `msg`.
std::optional<std::vector<std::uint8_t>> hash(std::string_view mdname, std::span<const std::uint8_t> msg)
{
    EVP_MD* md = EVP_MD_fetch(nullptr, std::string(mdname).c_str(), nullptr);
    if (md == nullptr)
        return std::nullopt;
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    const bool ok = EVP_Digest(msg.data(), msg.size(), out.data(), &n, md, nullptr) == 1;
    EVP_MD_free(md);
    if (!ok)
        return std::nullopt;
    out.resize(n);
    return out;
}

// rsa_query: the RSA cases of 2.6's choice; `digested`: tbs is a digest.
Result<PkSignQuery> rsa_query(std::vector<std::uint8_t> tbs, bool digested, const crypto::SignRequest& req,
                              const options::ExternalKeyFlags& f)
{
    if (req.padmode == "pkcs1" && f.pkcs1) {
        if (!digested)
            return PkSignQuery{std::move(tbs), "RSA_PKCS1_PADDING,hashalg=" + req.mdname};
        auto di = digest_info(req.mdname, tbs);
        if (!di)
            return Err("Error: encode_pkcs11: unsupported hash algorithm <" + req.mdname + ">");
        return PkSignQuery{std::move(*di), "RSA_PKCS1_PADDING"};
    }
    if (req.padmode == "none" && f.nopadding && digested)
        return PkSignQuery{std::move(tbs), "RSA_NO_PADDING"};
    if (req.padmode == "pss" && f.pss)
        return PkSignQuery{std::move(tbs),
                           "RSA_PKCS1_PSS_PADDING,hashalg=" + req.mdname + ",saltlen=" + req.saltlen};
    return Err("RSA padding mode not supported by management-client <" + req.padmode + ">");
}

} // namespace

std::optional<std::vector<std::uint8_t>> digest_info(std::string_view mdname,
                                                     std::span<const std::uint8_t> digest)
{
    if (mdname == "MD5-SHA1")
        return digest.size() == 36 ? std::optional(std::vector<std::uint8_t>(digest.begin(), digest.end()))
                                   : std::nullopt;
    for (const auto& p : kPrefixes) {
        if (p.md != mdname)
            continue;
        if (digest.size() != p.len)
            return std::nullopt;
        std::vector<std::uint8_t> out(p.der.begin(), p.der.begin() + static_cast<std::ptrdiff_t>(p.der_len));
        out.insert(out.end(), digest.begin(), digest.end());
        return out;
    }
    return std::nullopt;
}

Result<PkSignQuery> pk_sign_query(std::span<const std::uint8_t> tbs, const crypto::SignRequest& req,
                                  const options::ExternalKeyFlags& flags)
{
    std::vector<std::uint8_t> data(tbs.begin(), tbs.end());
    bool message = req.op == "DigestSign";
    // Without `digest`, the client cannot hash: it gets the digest.
    if (message && !flags.digest && req.mdname != "none") {
        auto h = hash(req.mdname, tbs);
        if (!h)
            return Err("WARN: xkey_digest: EVP_Digest failed");
        data = std::move(*h);
        message = false;
    }
    Result<PkSignQuery> q = Err(std::string());
    if (req.keytype == "EC")
        q = PkSignQuery{std::move(data), message ? "ECDSA,hashalg=" + req.mdname : std::string("ECDSA")};
    else
        q = rsa_query(std::move(data), !message, req, flags);
    if (q && message)
        q->algorithm += ",data=message";
    return q;
}

std::string base64(std::span<const std::uint8_t> data)
{
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                                  static_cast<int>(data.size()));
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

std::optional<std::vector<std::uint8_t>> unbase64(std::string_view text)
{
    auto b = crypto::base64_decode(text);
    if (!b || b->size() == 0)
        return std::nullopt;
    return std::vector<std::uint8_t>(b->data(), b->data() + b->size());
}

crypto::ExternalSigner management_signer(Management& m, options::ExternalKeyFlags flags, Logger& log)
{
    return [&m, flags, &log](std::span<const std::uint8_t> tbs,
                             const crypto::SignRequest& req) -> std::optional<std::vector<std::uint8_t>> {
        auto q = pk_sign_query(tbs, req, flags);
        if (!q) {
            log.write(Verb::Fatal, mute::None, Severity::NonFatal, q.error());
            return std::nullopt;
        }
        auto answer = m.ask_pk_sig(base64(q->data), q->algorithm);
        if (!answer)
            return std::nullopt;
        return unbase64(*answer);
    };
}

} // namespace ovpn::session
