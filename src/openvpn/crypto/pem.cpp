#include "openvpn/crypto/pem.hpp"

#include <openssl/evp.h>

namespace ovpn::crypto {

std::string pem_encode(std::string_view label, Bytes data)
{
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    // 48 input bytes give exactly one 64-character line.
    for (std::size_t off = 0; off < data.size(); off += 48) {
        std::size_t n = std::min<std::size_t>(48, data.size() - off);
        unsigned char line[65];
        int len = EVP_EncodeBlock(line, data.data() + off, static_cast<int>(n));
        out.append(reinterpret_cast<const char*>(line), static_cast<std::size_t>(len));
        out += '\n';
    }
    out += "-----END " + std::string(label) + "-----\n";
    return out;
}

Result<SecureBytes> base64_decode(std::string_view text)
{
    std::string clean;
    clean.reserve(text.size());
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        clean += c;
    }
    if (clean.size() % 4 != 0)
        return Err{std::string("invalid base64 (length)")};
    std::size_t pad = 0;
    if (!clean.empty() && clean.back() == '=')
        pad = (clean.size() >= 2 && clean[clean.size() - 2] == '=') ? 2 : 1;
    SecureBytes out(clean.size() / 4 * 3);
    if (!clean.empty()) {
        int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
        if (n < 0 || static_cast<std::size_t>(n) != out.size())
            return Err{std::string("invalid base64")};
    }
    SecureBytes trimmed(out.span().first(out.size() - pad));
    // Wipe the local copy of the text too: it may hold key material.
    OPENSSL_cleanse(clean.data(), clean.size());
    return trimmed;
}

Result<SecureBytes> pem_decode(std::string_view label, std::string_view text)
{
    const std::string begin = "-----BEGIN " + std::string(label) + "-----";
    const std::string end = "-----END " + std::string(label) + "-----";
    auto b = text.find(begin);
    if (b == std::string_view::npos)
        return Err{"missing '" + begin + "'"};
    auto body = text.substr(b + begin.size());
    auto e = body.find(end);
    if (e == std::string_view::npos)
        return Err{"missing '" + end + "'"};
    auto r = base64_decode(body.substr(0, e));
    if (!r)
        return Err{r.error() + " in " + std::string(label)};
    return r;
}

} // namespace ovpn::crypto
