// control/cert_checks.cpp: see cert_checks.hpp.
#include "openvpn/control/cert_checks.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>

namespace ovpn::control {

namespace {

// 2.6's limit for one user name field (TLS_USERNAME_LEN).
constexpr std::size_t kUsernameMax = 64;

std::string utf8_of(const ASN1_STRING* s)
{
    unsigned char* buf = nullptr;
    const int n = ASN1_STRING_to_UTF8(&buf, s);
    if (n < 0)
        return {};
    std::string out(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
    OPENSSL_free(buf);
    return out;
}

// subject_field: the last entry of `field` in the subject (2.6 takes the
// last, so "CN=a, CN=b" gives b).
Result<std::string> subject_field(X509* cert, const std::string& field)
{
    ASN1_OBJECT* obj = OBJ_txt2obj(field.c_str(), 0);
    if (obj == nullptr)
        return Err("Invalid X509 attribute name '" + field + "'");
    X509_NAME* name = X509_get_subject_name(cert);
    int last = -1;
    for (int i = X509_NAME_get_index_by_OBJ(name, obj, -1); i >= 0;
         i = X509_NAME_get_index_by_OBJ(name, obj, i))
        last = i;
    ASN1_OBJECT_free(obj);
    if (last < 0)
        return Err("no " + field + " in the subject");
    X509_NAME_ENTRY* e = X509_NAME_get_entry(name, last);
    if (e == nullptr)
        return Err("no " + field + " in the subject");
    std::string v = utf8_of(X509_NAME_ENTRY_get_data(e));
    // 2.6 copies up to the first NUL and needs it to fit its buffer
    v = v.substr(0, std::strlen(v.c_str()));
    if (v.size() > kUsernameMax)
        return Err(field + " is longer than the limit");
    return v;
}

// alt_name_email: the last e-mail entry of subjectAltName/issuerAltName.
Result<std::string> alt_name_email(X509* cert, const std::string& ext)
{
    const int nid = OBJ_txt2nid(ext.c_str());
    if (nid != NID_subject_alt_name && nid != NID_issuer_alt_name)
        return Err("--x509-username-field 'ext:" + ext + "' not supported");
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, nid, nullptr, nullptr));
    std::optional<std::string> found;
    for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        if (g->type != GEN_EMAIL)
            continue;
        std::string v = utf8_of(g->d.ia5);
        if (v.size() != static_cast<std::size_t>(ASN1_STRING_length(g->d.ia5)) ||
            std::strlen(v.c_str()) != v.size())
            continue; // an embedded NUL: 2.6 refuses that entry
        found = v.substr(0, kUsernameMax);
    }
    GENERAL_NAMES_free(names);
    if (!found)
        return Err("no e-mail in " + ext);
    return *found;
}

std::string bio_text(BIO* b)
{
    char* p = nullptr;
    const long n = BIO_get_mem_data(b, &p);
    return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

// track_value: one --x509-track attribute of a certificate, if it has it.
std::optional<std::string> track_value(X509* cert, int nid)
{
    if (nid == NID_sha1 || nid == NID_sha256)
        return hex_colon(cert_hash_of(cert, nid == NID_sha1 ? CertHashAlgo::Sha1 : CertHashAlgo::Sha256),
                         true);
    X509_NAME* name = X509_get_subject_name(cert);
    if (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0) {
        X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        if (e == nullptr)
            return std::nullopt;
        return utf8_of(X509_NAME_ENTRY_get_data(e));
    }
    const int i = X509_get_ext_by_NID(cert, nid, -1);
    X509_EXTENSION* ext = i >= 0 ? X509_get_ext(cert, i) : nullptr;
    if (ext == nullptr)
        return std::nullopt;
    BIO* b = BIO_new(BIO_s_mem());
    std::optional<std::string> out;
    if (b != nullptr && X509V3_EXT_print(b, ext, 0, 0) == 1)
        out = bio_text(b);
    BIO_free(b);
    return out;
}

} // namespace

std::string hex_colon(const std::vector<std::uint8_t>& b, bool upper)
{
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i > 0)
            s += ':';
        s += digits[b[i] >> 4];
        s += digits[b[i] & 0x0f];
    }
    return s;
}

std::vector<std::uint8_t> cert_hash_of(X509* cert, CertHashAlgo algo)
{
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    if (X509_digest(cert, algo == CertHashAlgo::Sha1 ? EVP_sha1() : EVP_sha256(), out.data(), &n) != 1)
        return {};
    out.resize(n);
    return out;
}

bool cert_hash_listed(X509* cert, CertHashAlgo algo, const std::vector<std::vector<std::uint8_t>>& list)
{
    const std::vector<std::uint8_t> h = cert_hash_of(cert, algo);
    if (h.empty())
        return false;
    bool found = false;
    for (const auto& want : list)
        if (want.size() == h.size() && CRYPTO_memcmp(want.data(), h.data(), h.size()) == 0)
            found = true;
    return found;
}

std::optional<unsigned> key_usage_of(X509* cert)
{
    auto* ku = static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(cert, NID_key_usage, nullptr, nullptr));
    if (ku == nullptr)
        return std::nullopt;
    unsigned v = 0;
    for (int i = 0; i < 8; ++i)
        if (ASN1_BIT_STRING_get_bit(ku, i) != 0)
            v |= 1u << (7 - i);
    ASN1_BIT_STRING_free(ku);
    if ((v & 0xff) == 0)
        v >>= 8;
    return v;
}

bool key_usage_accepts(unsigned ku, const std::vector<unsigned>& want)
{
    if (want.empty())
        return true;
    for (unsigned w : want)
        if (w != 0 && (ku & w) == w)
            return true;
    return false;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ext_key_usage_of(X509* cert)
{
    auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
    if (eku == nullptr)
        return std::nullopt;
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
        const ASN1_OBJECT* oid = sk_ASN1_OBJECT_value(eku, i);
        char name[1024], dotted[1024];
        if (OBJ_obj2txt(name, sizeof(name), oid, 0) < 0)
            name[0] = '\0';
        if (OBJ_obj2txt(dotted, sizeof(dotted), oid, 1) < 0)
            dotted[0] = '\0';
        out.emplace_back(name, dotted);
    }
    sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
    return out;
}

Result<std::string> x509_username(X509* cert, const std::string& field)
{
    if (field.rfind("ext:", 0) == 0)
        return alt_name_email(cert, field.substr(4));
    if (field == LN_serialNumber) {
        const ASN1_INTEGER* s = X509_get0_serialNumber(cert);
        const unsigned char* p = ASN1_STRING_get0_data(s);
        std::string hex;
        static const char* digits = "0123456789ABCDEF";
        for (int i = 0; i < ASN1_STRING_length(s); ++i) {
            hex += digits[p[i] >> 4];
            hex += digits[p[i] & 0x0f];
        }
        if (hex.size() + 2 >= kUsernameMax + 1)
            return Err(std::string("the serial number is longer than the limit"));
        return "0x" + hex;
    }
    return subject_field(cert, field);
}

std::vector<std::pair<std::string, std::string>> x509_track_env(X509* cert, int depth,
                                                                const std::vector<std::string>& names)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& given : names) {
        const bool chain = !given.empty() && given[0] == '+';
        const std::string name = chain ? given.substr(1) : given;
        if (depth != 0 && !chain)
            continue;
        const int nid = OBJ_txt2nid(name.c_str());
        if (nid == NID_undef)
            continue;
        auto v = track_value(cert, nid);
        if (!v)
            continue;
        std::string value = v->substr(0, std::strlen(v->c_str()));
        for (char& c : value)
            if (c == '\r' || c == '\n')
                c = '?'; // 2.6's mapping for these values
        out.emplace_back("X509_" + std::to_string(depth) + "_" + name, std::move(value));
    }
    return out;
}

Status<> write_cert_pem(X509* cert, const std::string& path)
{
    BIO* out = BIO_new_file(path.c_str(), "w");
    const bool ok = out != nullptr && PEM_write_bio_X509(out, cert) == 1;
    BIO_free(out);
    if (!ok)
        return Err("Error writing X509 certificate to file " + path);
    return Ok{};
}

} // namespace ovpn::control
