// Unit tests for session/external_key (what a >PK_SIGN: query carries, as
// 2.6.14's xkey_management_sign) and crypto/external_key (the provider key:
// OpenSSL signs through the callback and the signature verifies with the
// real key).
#include "openvpn/session/external_key.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

namespace ovpn::session {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view s)
{
    return Bytes(s.begin(), s.end());
}

Bytes digest(const char* md, const Bytes& msg)
{
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), out.data(), &n, EVP_get_digestbyname(md), nullptr), 1);
    out.resize(n);
    return out;
}

crypto::SignRequest request(const char* keytype, const char* op, const char* md, const char* pad = "pkcs1")
{
    crypto::SignRequest r;
    r.keytype = keytype;
    r.op = op;
    r.mdname = md;
    r.padmode = pad;
    return r;
}

options::ExternalKeyFlags flags(bool pkcs1, bool pss = false, bool digest = false, bool nopadding = false)
{
    options::ExternalKeyFlags f;
    f.pkcs1 = pkcs1;
    f.pss = pss;
    f.digest = digest;
    f.nopadding = nopadding;
    return f;
}

TEST(PkSignQuery, RsaPkcs1GetsTheDigestInfoOfTheHash)
{
    const Bytes msg = bytes("handshake transcript");
    auto q = pk_sign_query(msg, request("RSA", "DigestSign", "SHA256"), flags(true));
    ASSERT_TRUE(q) << q.error();
    EXPECT_EQ(q->algorithm, "RSA_PKCS1_PADDING");
    const Bytes h = digest("SHA256", msg);
    ASSERT_EQ(q->data.size(), 19u + 32u);
    EXPECT_EQ(Bytes(q->data.begin() + 19, q->data.end()), h);
    EXPECT_EQ(q->data[0], 0x30);
    EXPECT_EQ(q->data[1], 0x31); // SEQUENCE of 49 bytes
}

TEST(PkSignQuery, PssNeedsThePssFlag)
{
    const Bytes msg = bytes("m");
    auto refused = pk_sign_query(msg, request("RSA", "DigestSign", "SHA256", "pss"), flags(true));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), "RSA padding mode not supported by management-client <pss>");
    auto q = pk_sign_query(msg, request("RSA", "DigestSign", "SHA256", "pss"), flags(true, true));
    ASSERT_TRUE(q) << q.error();
    EXPECT_EQ(q->algorithm, "RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest");
    EXPECT_EQ(q->data, digest("SHA256", msg));
}

TEST(PkSignQuery, DigestFlagSendsTheMessage)
{
    const Bytes msg = bytes("the whole message");
    auto rsa = pk_sign_query(msg, request("RSA", "DigestSign", "SHA384"), flags(true, false, true));
    ASSERT_TRUE(rsa) << rsa.error();
    EXPECT_EQ(rsa->algorithm, "RSA_PKCS1_PADDING,hashalg=SHA384,data=message");
    EXPECT_EQ(rsa->data, msg);
    auto ec = pk_sign_query(msg, request("EC", "DigestSign", "SHA256"), flags(true, false, true));
    ASSERT_TRUE(ec) << ec.error();
    EXPECT_EQ(ec->algorithm, "ECDSA,hashalg=SHA256,data=message");
    EXPECT_EQ(ec->data, msg);
}

TEST(PkSignQuery, EcGetsTheHash)
{
    const Bytes msg = bytes("ec message");
    auto q = pk_sign_query(msg, request("EC", "DigestSign", "SHA384"), flags(true));
    ASSERT_TRUE(q) << q.error();
    EXPECT_EQ(q->algorithm, "ECDSA");
    EXPECT_EQ(q->data, digest("SHA384", msg));
}

TEST(PkSignQuery, NoPaddingOnlyForDigestsAndOnlyWhenDeclared)
{
    const Bytes d(32, 0xab);
    auto q = pk_sign_query(d, request("RSA", "Sign", "SHA256", "none"), flags(false, false, false, true));
    ASSERT_TRUE(q) << q.error();
    EXPECT_EQ(q->algorithm, "RSA_NO_PADDING");
    EXPECT_EQ(q->data, d);
    auto refused = pk_sign_query(d, request("RSA", "Sign", "SHA256", "none"), flags(true));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), "RSA padding mode not supported by management-client <none>");
    // pkcs1 on a digest: the DigestInfo of that digest
    auto p = pk_sign_query(d, request("RSA", "Sign", "SHA256"), flags(true));
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->algorithm, "RSA_PKCS1_PADDING");
    EXPECT_EQ(p->data.size(), 51u);
}

TEST(DigestInfo, KnownPrefixesAndLengths)
{
    const Bytes sha1(20, 1);
    auto di = digest_info("SHA1", sha1);
    ASSERT_TRUE(di);
    const Bytes prefix = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                          0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
    EXPECT_EQ(Bytes(di->begin(), di->begin() + 15), prefix);
    EXPECT_FALSE(digest_info("SHA1", Bytes(21, 1)));  // wrong length
    EXPECT_FALSE(digest_info("SHA3-256", Bytes(32))); // no such entry
    EXPECT_EQ(digest_info("MD5-SHA1", Bytes(36, 7))->size(), 36u);
    EXPECT_EQ(digest_info("SHA512", Bytes(64, 7))->size(), 19u + 64u);
}

TEST(Base64, RoundTripAndRefusals)
{
    const Bytes data = {0, 1, 2, 0xfe, 0xff};
    EXPECT_EQ(base64(data), "AAEC/v8=");
    EXPECT_EQ(unbase64("AAEC/v8="), data);
    EXPECT_EQ(unbase64("AAEC\n/v8=\n"), data); // the client's lines, joined
    EXPECT_FALSE(unbase64(""));
    EXPECT_FALSE(unbase64("not base64!"));
    EXPECT_FALSE(unbase64("AAE")); // truncated
}

// ---- the provider key -------------------------------------------------------

struct Pkey {
    EVP_PKEY* p = nullptr;
    ~Pkey() { EVP_PKEY_free(p); }
};

// public_of: the public half of `k`, as a certificate would give it.
EVP_PKEY* public_of(EVP_PKEY* k)
{
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(k, &der);
    const unsigned char* p = der;
    EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, n);
    OPENSSL_free(der);
    return pub;
}

// real_signer: a management client with the real key (as the tests'
// `openssl pkeyutl`): signs what pk_sign_query would ask for.
crypto::ExternalSigner real_signer(EVP_PKEY* key, std::vector<crypto::SignRequest>& seen)
{
    return [key, &seen](std::span<const std::uint8_t> tbs,
                        const crypto::SignRequest& req) -> std::optional<std::vector<std::uint8_t>> {
        seen.push_back(req);
        EVP_MD_CTX* m = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pc = nullptr;
        std::vector<std::uint8_t> sig(EVP_PKEY_get_size(key));
        std::size_t len = sig.size();
        bool ok = EVP_DigestSignInit_ex(m, &pc, req.mdname.c_str(), nullptr, nullptr, key, nullptr) == 1;
        if (ok && req.padmode == "pss")
            ok = EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1 &&
                 EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1;
        ok = ok && EVP_DigestSign(m, sig.data(), &len, tbs.data(), tbs.size()) == 1;
        EVP_MD_CTX_free(m);
        if (!ok)
            return std::nullopt;
        sig.resize(len);
        return sig;
    };
}

// sign_and_verify: OpenSSL signs `msg` with `ext` as libssl does (one-shot
// DigestSign, PSS when asked); the signature must verify with `real`.
bool sign_and_verify(EVP_PKEY* ext, EVP_PKEY* real, bool pss)
{
    const Bytes msg = bytes("TLS 1.3, server CertificateVerify");
    EVP_MD_CTX* m = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pc = nullptr;
    std::size_t len = 0;
    bool ok = EVP_DigestSignInit_ex(m, &pc, "SHA256", nullptr, nullptr, ext, nullptr) == 1;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1;
    ok = ok && EVP_DigestSign(m, nullptr, &len, msg.data(), msg.size()) == 1;
    Bytes sig(len);
    ok = ok && EVP_DigestSign(m, sig.data(), &len, msg.data(), msg.size()) == 1;
    EVP_MD_CTX_free(m);
    if (!ok)
        return false;
    sig.resize(len);
    m = EVP_MD_CTX_new();
    pc = nullptr;
    ok = EVP_DigestVerifyInit_ex(m, &pc, "SHA256", nullptr, nullptr, real, nullptr) == 1;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1;
    ok = ok && EVP_DigestVerify(m, sig.data(), sig.size(), msg.data(), msg.size()) == 1;
    EVP_MD_CTX_free(m);
    return ok;
}

TEST(ExternalKey, RsaSignsThroughTheCallbackWithPssAndPkcs1)
{
    Pkey real{EVP_RSA_gen(2048)};
    Pkey pub{public_of(real.p)};
    std::vector<crypto::SignRequest> seen;
    auto ext = crypto::make_external_key(pub.p, real_signer(real.p, seen));
    ASSERT_TRUE(ext) << ext.error();
    EXPECT_EQ(EVP_PKEY_eq(pub.p, ext->get()), 1); // the certificate/key match libssl checks
    EXPECT_EQ(EVP_PKEY_get_size(ext->get()), 256);
    EXPECT_EQ(EVP_PKEY_get_bits(ext->get()), 2048);
    EXPECT_TRUE(EVP_PKEY_is_a(ext->get(), "RSA"));
    EXPECT_TRUE(sign_and_verify(ext->get(), real.p, true));
    EXPECT_TRUE(sign_and_verify(ext->get(), real.p, false));
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].keytype, "RSA");
    EXPECT_EQ(seen[0].op, "DigestSign");
    EXPECT_EQ(seen[0].mdname, "SHA256");
    EXPECT_EQ(seen[0].padmode, "pss");
    EXPECT_EQ(seen[0].saltlen, "digest");
    EXPECT_EQ(seen[1].padmode, "pkcs1");
}

TEST(ExternalKey, EcSignsThroughTheCallback)
{
    Pkey real{EVP_EC_gen("P-256")};
    Pkey pub{public_of(real.p)};
    std::vector<crypto::SignRequest> seen;
    auto ext = crypto::make_external_key(pub.p, real_signer(real.p, seen));
    ASSERT_TRUE(ext) << ext.error();
    EXPECT_EQ(EVP_PKEY_eq(pub.p, ext->get()), 1);
    char group[64] = {};
    EXPECT_EQ(EVP_PKEY_get_group_name(ext->get(), group, sizeof group, nullptr), 1);
    EXPECT_STREQ(group, "prime256v1");
    EXPECT_TRUE(sign_and_verify(ext->get(), real.p, false));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].keytype, "EC");
}

TEST(ExternalKey, AFailedCallbackFailsTheSignatureAndOtherKeysAreRefused)
{
    Pkey real{EVP_EC_gen("P-256")};
    Pkey other{EVP_EC_gen("P-256")};
    Pkey pub{public_of(real.p)};
    auto ext = crypto::make_external_key(
        pub.p, [](std::span<const std::uint8_t>, const crypto::SignRequest&) { return std::nullopt; });
    ASSERT_TRUE(ext) << ext.error();
    EXPECT_FALSE(sign_and_verify(ext->get(), real.p, false));
    Pkey other_pub{public_of(other.p)};
    EXPECT_NE(EVP_PKEY_eq(other_pub.p, ext->get()), 1);
    Pkey ed{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")};
    auto refused = crypto::make_external_key(
        ed.p, [](std::span<const std::uint8_t>, const crypto::SignRequest&) { return std::nullopt; });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), "management-external-key requires an RSA or EC certificate");
}

// Keys of the default provider still come from it (the provider is only
// preferred for our own keys).
TEST(ExternalKey, OrdinaryKeysStayWithTheDefaultProvider)
{
    Pkey real{EVP_EC_gen("P-256")};
    Pkey pub{public_of(real.p)};
    auto ext = crypto::make_external_key(
        pub.p, [](std::span<const std::uint8_t>, const crypto::SignRequest&) { return std::nullopt; });
    ASSERT_TRUE(ext);
    Pkey fresh{EVP_RSA_gen(1024)};
    ASSERT_NE(fresh.p, nullptr);
    EXPECT_STREQ(OSSL_PROVIDER_get0_name(EVP_PKEY_get0_provider(fresh.p)), "default");
    EXPECT_TRUE(sign_and_verify(fresh.p, fresh.p, true));
}

} // namespace
} // namespace ovpn::session
