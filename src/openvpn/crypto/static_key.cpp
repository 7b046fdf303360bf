#include "openvpn/crypto/static_key.hpp"

#include <openssl/rand.h>

#include "openvpn/core/hex.hpp"

namespace ovpn::crypto {

namespace {

constexpr std::string_view kBegin = "-----BEGIN OpenVPN Static key V1-----";
constexpr std::string_view kEnd = "-----END OpenVPN Static key V1-----";

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
    const HexStatus st = decode_hex(body, HexPolicy::Strict, [&](std::uint8_t b) {
        if (n == kStaticKeyLen)
            return false;
        key.bytes[n++] = b;
        return true;
    });
    if (st == HexStatus::NonHex)
        return Err{std::string("static key: non-hex character in key body")};
    if (st == HexStatus::SinkFull)
        return Err{std::string("static key: more than 256 bytes of key material")};
    if (st == HexStatus::OddDigits)
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
