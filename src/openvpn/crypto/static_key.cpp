#include "openvpn/crypto/static_key.hpp"

#include <openssl/rand.h>

namespace ovpn::crypto {

namespace {

constexpr std::string_view kBegin = "-----BEGIN OpenVPN Static key V1-----";
constexpr std::string_view kEnd = "-----END OpenVPN Static key V1-----";

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

} // namespace

Result<KeyDirection> parse_key_direction(std::string_view s)
{
    if (s == "0")
        return KeyDirection::Normal;
    if (s == "1")
        return KeyDirection::Inverse;
    return Err{"bad key direction '" + std::string(s) + "' (must be 0 or 1)"};
}

KeySlices key_slices(const StaticKey& key, KeyDirection dir) noexcept
{
    const int send = dir == KeyDirection::Inverse ? 1 : 0;
    const int recv = dir == KeyDirection::Normal ? 1 : 0;
    return {key.cipher(send), key.hmac(send), key.cipher(recv), key.hmac(recv)};
}

Result<StaticKey> parse_static_key(std::string_view text)
{
    auto begin = text.find(kBegin);
    if (begin == std::string_view::npos)
        return Err{std::string("static key: missing '-----BEGIN OpenVPN Static key V1-----'")};
    std::string_view body = text.substr(begin + kBegin.size());
    auto end = body.find(kEnd);
    if (end == std::string_view::npos)
        return Err{std::string("static key: missing '-----END OpenVPN Static key V1-----'")};
    body = body.substr(0, end);

    StaticKey key;
    key.bytes.resize(kStaticKeyLen);
    std::size_t n = 0;
    int high = -1;
    for (char c : body) {
        if (is_space(c))
            continue;
        int v = hex_value(c);
        if (v < 0)
            return Err{std::string("static key: non-hex character in key body")};
        if (high < 0) {
            high = v;
            continue;
        }
        if (n == kStaticKeyLen)
            return Err{std::string("static key: more than 256 bytes of key material")};
        key.bytes[n++] = static_cast<std::uint8_t>((high << 4) | v);
        high = -1;
    }
    if (high >= 0)
        return Err{std::string("static key: odd number of hex digits")};
    if (n != kStaticKeyLen)
        return Err{"static key: need 256 bytes of key material, found " + std::to_string(n)};
    return key;
}

std::string format_static_key(const StaticKey& key)
{
    static const char kHex[] = "0123456789abcdef";
    std::string out = "#\n# 2048 bit OpenVPN static key\n#\n";
    out += kBegin;
    out += '\n';
    for (std::size_t i = 0; i < key.bytes.size(); ++i) {
        out += kHex[key.bytes[i] >> 4];
        out += kHex[key.bytes[i] & 0x0f];
        if (i % 16 == 15)
            out += '\n';
    }
    out += kEnd;
    out += '\n';
    return out;
}

Result<StaticKey> generate_static_key()
{
    StaticKey key;
    key.bytes.resize(kStaticKeyLen);
    if (RAND_bytes(key.bytes.data(), static_cast<int>(kStaticKeyLen)) != 1)
        return Err{std::string("RAND_bytes failed")};
    return key;
}

} // namespace ovpn::crypto
