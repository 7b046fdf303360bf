#include "openvpn/control/cert_env.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <map>

#include "openvpn/control/tls_engine.hpp"

namespace ovpn::control {

namespace {

std::string colon_hex(const unsigned char* p, std::size_t n)
{
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0)
            s += ':';
        s += digits[p[i] >> 4];
        s += digits[p[i] & 0x0f];
    }
    return s;
}

std::string digest_of(X509* x, const EVP_MD* md)
{
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(x, md, buf, &n) != 1)
        return {};
    return colon_hex(buf, n);
}

std::string serial_decimal(const ASN1_INTEGER* serial)
{
    BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
    if (bn == nullptr)
        return {};
    char* dec = BN_bn2dec(bn);
    std::string s = dec != nullptr ? dec : "";
    OPENSSL_free(dec);
    BN_free(bn);
    return s;
}

std::string no_leading_dash(std::string s)
{
    if (!s.empty() && s[0] == '-')
        s[0] = '_';
    return s;
}

} // namespace

std::string safe_env_value(std::string s)
{
    for (char& c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u < 32 || u == 127)
            c = '_';
    }
    return s;
}

CertFacts cert_facts_of(const void* x509, int depth)
{
    CertFacts f;
    f.depth = depth;
    auto* x = const_cast<X509*>(static_cast<const X509*>(x509));
    if (x == nullptr)
        return f;
    X509_NAME* name = X509_get_subject_name(x);
    f.subject = no_leading_dash(safe_env_value(x509_subject_line(name)));
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
        const char* sn = nid != NID_undef ? OBJ_nid2sn(nid) : nullptr;
        if (sn == nullptr)
            continue; // 2.6 skips entries OpenSSL has no name for
        unsigned char* utf8 = nullptr;
        int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        if (len < 0)
            continue;
        std::string value(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
        OPENSSL_free(utf8);
        value = safe_env_value(value);
        if (nid == NID_commonName && f.common_name.empty())
            f.common_name = no_leading_dash(value);
        f.fields.emplace_back(safe_env_value(sn), std::move(value));
    }
    const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
    f.serial_dec = serial_decimal(serial);
    f.serial_hex =
        colon_hex(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial)));
    f.sha1 = digest_of(x, EVP_sha1());
    f.sha256 = digest_of(x, EVP_sha256());
    return f;
}

std::vector<std::pair<std::string, std::string>> cert_env(const std::vector<CertFacts>& chain)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const CertFacts& c : chain) {
        const std::string d = std::to_string(c.depth);
        std::map<std::string, int> seen;
        for (const auto& [field, value] : c.fields) {
            std::string name = "X509_" + d + "_" + field;
            int n = seen[field]++;
            if (n > 0)
                name += "_" + std::to_string(n);
            out.emplace_back(std::move(name), value);
        }
        out.emplace_back("tls_id_" + d, c.subject);
        out.emplace_back("tls_serial_" + d, c.serial_dec);
        out.emplace_back("tls_serial_hex_" + d, c.serial_hex);
        out.emplace_back("tls_digest_" + d, c.sha1);
        out.emplace_back("tls_digest_sha256_" + d, c.sha256);
        if (c.depth == 0)
            out.emplace_back("common_name", c.common_name);
    }
    return out;
}

} // namespace ovpn::control
