#include "openvpn/wire/tls_crypt.hpp"

#include <array>
#include <cstring>

#include <openssl/crypto.h>

#include "openvpn/wire/control_packet.hpp"

namespace ovpn::wire {

Result<TlsCrypt> TlsCrypt::create(Bytes key256, Role role, std::uint32_t session_start,
                                  unsigned replay_window, unsigned replay_time)
{
    if (key256.size() != 256)
        return Err{std::string("tls-crypt: key must be 256 bytes")};
    // Server = key direction normal: sends with keys[0]; client = inverse.
    const std::size_t send_off = role == Role::Server ? 0 : 128;
    const std::size_t recv_off = role == Role::Server ? 128 : 0;
    auto se = CtrCipher::create("AES-256-CTR", key256.subspan(send_off, 32));
    auto sa = Hmac::create("SHA256", key256.subspan(send_off + 64, 32));
    auto re = CtrCipher::create("AES-256-CTR", key256.subspan(recv_off, 32));
    auto ra = Hmac::create("SHA256", key256.subspan(recv_off + 64, 32));
    if (!se || !sa || !re || !ra)
        return Err{std::string("tls-crypt: AES-256-CTR or HMAC-SHA256 not available")};
    return TlsCrypt(std::move(*se), std::move(*sa), std::move(*re), std::move(*ra), session_start,
                    replay_window, replay_time);
}

Result<std::size_t, Drop> TlsCrypt::wrap(Bytes plain, MutBytes out, std::uint32_t now) noexcept
{
    if (plain.size() < kControlHeaderLen)
        return Err{Drop::TooShort};
    const std::size_t total = plain.size() + kTlsCryptOverhead;
    if (out.size() < total)
        return Err{Drop::NoRoom};
    const auto pid = tx_.next_long(now);
    if (!pid)
        return Err{Drop::PacketIdRollover};
    std::memcpy(out.data(), plain.data(), kControlHeaderLen);
    ByteWriter pw{out.subspan(kTlsCryptOffPid, 8)};
    write_packet_id(pw, true, *pid);
    Bytes body = plain.subspan(kControlHeaderLen);
    MutBytes tag = out.subspan(kTlsCryptOffTag, kTlsCryptTagLen);
    if (!send_ka_.compute({Bytes(out.data(), kTlsCryptOffTag), body}, tag))
        return Err{Drop::Crypto};
    if (!send_ke_.apply(Bytes(tag.data(), 16), body, out.subspan(kTlsCryptOffCt, body.size())))
        return Err{Drop::Crypto};
    return total;
}

Result<std::size_t, Drop> TlsCrypt::wrap_with_wkc(Bytes plain, Bytes wkc, MutBytes out,
                                                  std::uint32_t now) noexcept
{
    if (out.size() < plain.size() + kTlsCryptOverhead + wkc.size())
        return Err{Drop::NoRoom};
    auto n = wrap(plain, out, now);
    if (!n)
        return n;
    if (!wkc.empty())
        std::memcpy(out.data() + *n, wkc.data(), wkc.size());
    return *n + wkc.size();
}

Result<std::size_t, Drop> TlsCrypt::unwrap(Bytes wire, MutBytes out, std::uint32_t now,
                                           ReplayCheck check) noexcept
{
    if (wire.size() < kTlsCryptOffCt)
        return Err{Drop::TooShort};
    const std::size_t body_len = wire.size() - kTlsCryptOffCt;
    if (out.size() < kControlHeaderLen + body_len)
        return Err{Drop::NoRoom};
    Bytes tag = wire.subspan(kTlsCryptOffTag, kTlsCryptTagLen);
    MutBytes body = out.subspan(kControlHeaderLen, body_len);
    if (!recv_ke_.apply(tag.first(16), wire.subspan(kTlsCryptOffCt), body))
        return Err{Drop::Crypto};
    std::array<std::uint8_t, kTlsCryptTagLen> expect{};
    if (!recv_ka_.compute({wire.first(kTlsCryptOffTag), Bytes(body.data(), body.size())}, expect))
        return Err{Drop::Crypto};
    if (!ct_equal(expect, tag)) {
        OPENSSL_cleanse(body.data(), body.size());
        return Err{Drop::BadTag};
    }
    ByteReader pr{wire.subspan(kTlsCryptOffPid, 8)};
    PacketId pid;
    read_packet_id(pr, true, pid);
    if (check == ReplayCheck::Check) {
        if (auto d = rx_.check_and_add(pid, now))
            return Err{*d};
    }
    last_rx_ = pid;
    std::memcpy(out.data(), wire.data(), kControlHeaderLen);
    return kControlHeaderLen + body_len;
}

} // namespace ovpn::wire
