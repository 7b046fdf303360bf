#include "openvpn/wire/tls_crypt_v2.hpp"

#include "openvpn/wire/evp.hpp"

namespace ovpn::wire {

const char* to_string(WkcError e) noexcept
{
    switch (e) {
    case WkcError::BadServerKey:
        return "tls-crypt-v2 server key must be 128 bytes";
    case WkcError::BadClientKey:
        return "tls-crypt-v2 client key must be 256 bytes";
    case WkcError::TooLong:
        return "tls-crypt-v2 metadata too long";
    case WkcError::TooShort:
        return "tls-crypt-v2 wrapped key too short";
    case WkcError::BadLength:
        return "tls-crypt-v2 wrapped key length mismatch";
    case WkcError::BadTag:
        return "tls-crypt-v2 wrapped key authentication failed";
    case WkcError::Crypto:
        return "tls-crypt-v2 crypto failure";
    }
    return "tls-crypt-v2 error";
}

namespace {

struct ServerKeys {
    Bytes ke;
    Bytes ka;
};

ServerKeys server_slices(Bytes server_key)
{
    return {server_key.subspan(0, 32), server_key.subspan(64, 32)};
}

} // namespace

Result<std::vector<std::uint8_t>, WkcError> wrap_client_key(Bytes server_key, Bytes kc, Bytes metadata)
{
    if (server_key.size() != kTlsCryptV2ServerKeyLen)
        return Err{WkcError::BadServerKey};
    if (kc.size() != kTlsCryptV2ClientKeyLen)
        return Err{WkcError::BadClientKey};
    if (metadata.size() > kTlsCryptV2MaxMetadataLen)
        return Err{WkcError::TooLong};
    const std::size_t total = kTlsCryptV2MinWkcLen + metadata.size();
    const std::uint8_t len_be[2] = {static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total)};
    auto keys = server_slices(server_key);
    auto hmac = Hmac::create("SHA256", keys.ka);
    auto ctr = CtrCipher::create("AES-256-CTR", keys.ke);
    if (!hmac || !ctr)
        return Err{WkcError::Crypto};
    std::vector<std::uint8_t> out(total);
    MutBytes tag{out.data(), kTlsCryptV2TagLen};
    if (!hmac->compute({Bytes(len_be, 2), kc, metadata}, tag))
        return Err{WkcError::Crypto};
    // Encrypt Kc || metadata in place after the tag.
    MutBytes body{out.data() + kTlsCryptV2TagLen, kc.size() + metadata.size()};
    std::copy(kc.begin(), kc.end(), body.begin());
    std::copy(metadata.begin(), metadata.end(), body.begin() + static_cast<std::ptrdiff_t>(kc.size()));
    if (!ctr->apply(Bytes(tag.data(), 16), body, body))
        return Err{WkcError::Crypto};
    out[total - 2] = len_be[0];
    out[total - 1] = len_be[1];
    return out;
}

Result<UnwrappedClientKey, WkcError> unwrap_client_key(Bytes server_key, Bytes wkc)
{
    if (server_key.size() != kTlsCryptV2ServerKeyLen)
        return Err{WkcError::BadServerKey};
    if (wkc.size() < kTlsCryptV2MinWkcLen)
        return Err{WkcError::TooShort};
    if (wkc.size() > kTlsCryptV2MaxWkcLen)
        return Err{WkcError::TooLong};
    const std::size_t len = (std::size_t{wkc[wkc.size() - 2]} << 8) | wkc[wkc.size() - 1];
    if (len != wkc.size())
        return Err{WkcError::BadLength};
    auto keys = server_slices(server_key);
    auto hmac = Hmac::create("SHA256", keys.ka);
    auto ctr = CtrCipher::create("AES-256-CTR", keys.ke);
    if (!hmac || !ctr)
        return Err{WkcError::Crypto};
    Bytes tag = wkc.subspan(0, kTlsCryptV2TagLen);
    Bytes ct = wkc.subspan(kTlsCryptV2TagLen, len - kTlsCryptV2TagLen - 2);
    SecureBytes plain(ct.size());
    if (!ctr->apply(tag.subspan(0, 16), ct, plain.span()))
        return Err{WkcError::Crypto};
    std::uint8_t expect[kTlsCryptV2TagLen];
    if (!hmac->compute({wkc.subspan(len - 2, 2), plain.span()}, expect))
        return Err{WkcError::Crypto};
    if (!ct_equal(Bytes(expect, sizeof expect), tag))
        return Err{WkcError::BadTag};
    UnwrappedClientKey out;
    out.kc = SecureBytes(plain.span().subspan(0, kTlsCryptV2ClientKeyLen));
    auto md = plain.span().subspan(kTlsCryptV2ClientKeyLen);
    out.metadata.assign(md.begin(), md.end());
    return out;
}

Result<WkcSplit, WkcError> split_wkc(Bytes packet)
{
    if (packet.size() < 2)
        return Err{WkcError::TooShort};
    const std::size_t len = (std::size_t{packet[packet.size() - 2]} << 8) | packet[packet.size() - 1];
    if (len < kTlsCryptV2MinWkcLen || len > kTlsCryptV2MaxWkcLen)
        return Err{WkcError::BadLength};
    if (len > packet.size())
        return Err{WkcError::TooShort};
    return WkcSplit{packet.first(packet.size() - len), packet.last(len)};
}

Result<OpenedWkcPacket, WkcError> open_wkc_packet(Bytes server_key, Bytes packet)
{
    auto split = split_wkc(packet);
    if (!split)
        return Err{split.error()};
    auto key = unwrap_client_key(server_key, split->wkc);
    if (!key)
        return Err{key.error()};
    return OpenedWkcPacket{split->packet, split->wkc, std::move(*key)};
}

std::vector<std::uint8_t> timestamp_metadata(std::int64_t unix_time)
{
    std::vector<std::uint8_t> md(9);
    md[0] = kMetadataTypeTimestamp;
    auto t = static_cast<std::uint64_t>(unix_time);
    for (int i = 0; i < 8; ++i)
        md[1 + i] = static_cast<std::uint8_t>(t >> (8 * (7 - i)));
    return md;
}

} // namespace ovpn::wire
