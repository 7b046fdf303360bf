// options/cert_options.cpp: see cert_options.hpp.
#include "openvpn/options/cert_options.hpp"

#include <openssl/objects.h>

#include <cctype>

#include "openvpn/options/handlers.hpp"

namespace ovpn::options {

namespace {

int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

bool all_lower(const std::string& s)
{
    for (char ch : s)
        if (std::isupper(static_cast<unsigned char>(ch)))
            return false;
    return true;
}

} // namespace

Result<std::vector<std::uint8_t>> parse_fingerprint(std::string_view s, std::size_t nbytes)
{
    const std::string all(s);
    std::vector<std::uint8_t> out;
    std::size_t i = 0;
    bool more = true;
    while (i < s.size() && out.size() < nbytes) {
        const int hi = hex_digit(s[i]);
        const int lo = i + 1 < s.size() ? hex_digit(s[i + 1]) : -1;
        const bool end = i + 2 == s.size();
        if (hi < 0 || lo < 0 || (!end && s[i + 2] != ':'))
            return Err("format error in hash fingerprint: " + all);
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
        more = !end;
        i += 3;
    }
    if (out.size() < nbytes)
        return Err(strfmt("hash fingerprint is wrong length - expected %zu bytes, got %zu: %s", nbytes,
                          out.size(), all.c_str()));
    if (more)
        return Err(strfmt("hash fingerprint too long - expected only %zu bytes: %s", nbytes, all.c_str()));
    return out;
}

Result<std::vector<std::vector<std::uint8_t>>> parse_fingerprint_lines(std::string_view text,
                                                                       std::size_t nbytes)
{
    std::vector<std::vector<std::uint8_t>> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
            line.remove_prefix(1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
            line.remove_suffix(1); // a CRLF file's '\r'
        if (line.empty() || line[0] == '#' || line[0] == ';')
            continue;
        auto fp = parse_fingerprint(line, nbytes);
        if (!fp)
            return Err(fp.error());
        out.push_back(std::move(*fp));
    }
    return out;
}

namespace h {

Status<> cert_hash(Ctx& c, Args a)
{
    const bool verify_hash = c.name == "verify-hash";
    if (!verify_hash && a.size() > 1)
        return fail("--peer-fingerprint takes one fingerprint");
    const int depth = verify_hash ? 1 : 0;
    if (verify_hash)
        warn(c,
             "DEPRECATED OPTION: The option --verify-hash is deprecated. You should switch to the either use "
             "the level 1 certificate as --ca option, use --tls-verify or use --peer-fingerprint");
    if (c.o.verify_hash && c.o.verify_hash->depth != depth)
        return fail(
            "ERROR: Setting %s not allowed. --verify-hash and --peer-fingerprint are mutually exclusive",
            std::string(c.name).c_str());
    bool sha1 = false;
    if (verify_hash) {
        if ((a.size() < 2 && !c.is_inline) || (a.size() > 1 && a[1] == "SHA1"))
            sha1 = true;
        else if (a.size() > 1 && a[1] != "SHA256")
            return fail("invalid or unsupported hashing algorithm: %s (only SHA1 and SHA256 are supported)",
                        a[1].c_str());
    }
    auto list = parse_fingerprint_lines(a[0], sha1 ? 20 : 32);
    if (!list)
        return Err(list.error());
    if (!c.o.verify_hash)
        c.o.verify_hash = CertHashList{depth, sha1, {}};
    c.o.verify_hash->sha1 = sha1; // 2.6: the last one sets the algorithm
    for (auto& fp : *list)
        c.o.verify_hash->hashes.push_back(std::move(fp));
    if (!verify_hash)
        c.o.peer_fingerprint = file_ref(c, a, "");
    return Ok{};
}

Status<> remote_cert_ku(Ctx& c, Args a)
{
    std::vector<unsigned> ku;
    for (const std::string& s : a) {
        // 2.6 reads each with sscanf("%x"): leading hex digits count
        std::size_t n = 0;
        unsigned v = 0;
        std::size_t i = s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
        for (; i < s.size() && hex_digit(s[i]) >= 0; ++i, ++n)
            v = v << 4 | static_cast<unsigned>(hex_digit(s[i]));
        if (n == 0)
            return fail("--remote-cert-ku: '%s' is not a hex key usage value", s.c_str());
        ku.push_back(v);
    }
    c.o.remote_cert_ku = std::move(ku); // empty: the extension must be there
    return Ok{};
}

Status<> remote_cert_eku(Ctx& c, Args a)
{
    c.o.remote_cert_eku = a[0];
    return Ok{};
}

Status<> x509_track(Ctx& c, Args a)
{
    const std::string name = !a[0].empty() && a[0][0] == '+' ? a[0].substr(1) : a[0];
    if (OBJ_txt2nid(name.c_str()) == NID_undef)
        return fail("x509_track: no such attribute '%s'", name.c_str());
    c.o.x509_track.push_back(a[0]);
    return Ok{};
}

Status<> x509_username_field(Ctx& c, Args a)
{
    std::vector<std::string> fields;
    for (std::string s : a) {
        if (s.rfind("ext:", 0) == 0) {
            const int nid = OBJ_txt2nid(s.c_str() + 4);
            if (nid != NID_subject_alt_name && nid != NID_issuer_alt_name)
                return fail("Unsupported x509-username-field extension: %s", s.c_str());
        } else if (all_lower(s)) {
            for (char& ch : s)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            warn(c,
                 "DEPRECATED FEATURE: automatically upcased the --x509-username-field parameter to '%s'; "
                 "please "
                 "update your configuration",
                 s.c_str());
        }
        fields.push_back(std::move(s));
    }
    c.o.x509_username_field = std::move(fields);
    return Ok{};
}

} // namespace h

} // namespace ovpn::options
