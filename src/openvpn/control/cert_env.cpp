#include "openvpn/control/cert_env.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <map>

#include "openvpn/control/cert_checks.hpp"
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

namespace {

// username_of: 2.6's common name from --x509-username-field (CN by
// default): the fields' values joined by '_'. At depth 0 a missing field is
// an error; above it the name stops at the first missing one.
void username_of(X509* x, const CertNaming& naming, CertFacts& f)
{
    static const std::vector<std::string> kDefault = {"CN"};
    const auto& fields = naming.username_fields.empty() ? kDefault : naming.username_fields;
    std::string name;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        auto v = x509_username(x, fields[i]);
        if (!v) {
            if (f.depth == 0)
                f.username_error = "could not extract " + fields[i] + " from X509 subject string ('" +
                                   f.subject + "') -- note that the field length is limited to 64 characters";
            break;
        }
        name += (i > 0 ? "_" : "") + *v;
    }
    f.common_name = no_leading_dash(safe_env_value(name));
}

// subject_fields: every subject entry OpenSSL has a short name for.
void subject_fields(X509* x, CertFacts& f)
{
    X509_NAME* name = X509_get_subject_name(x);
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
        f.fields.emplace_back(safe_env_value(sn), safe_env_value(value));
    }
}

} // namespace

CertFacts cert_facts_of(const void* x509, int depth, const CertNaming& naming)
{
    CertFacts f;
    f.depth = depth;
    auto* x = const_cast<X509*>(static_cast<const X509*>(x509));
    if (x == nullptr)
        return f;
    X509_up_ref(x);
    f.cert = std::shared_ptr<X509>(x, X509_free);
    f.subject = no_leading_dash(safe_env_value(x509_subject_line(X509_get_subject_name(x))));
    username_of(x, naming, f);
    if (naming.track.empty()) {
        subject_fields(x, f);
    } else {
        const std::string prefix = "X509_" + std::to_string(depth) + "_";
        for (auto& [var, value] : x509_track_env(x, depth, naming.track))
            f.fields.emplace_back(var.substr(prefix.size()), std::move(value));
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
