#include "openvpn/wire/tls_auth.hpp"

#include <array>
#include <cstring>

#include "openvpn/wire/control_packet.hpp"

namespace ovpn::wire {

namespace {
constexpr std::size_t kMaxHmac = 64;
} // namespace

Result<TlsAuth> TlsAuth::create(const std::string& digest, Bytes send_hmac_slot, Bytes recv_hmac_slot,
                                std::uint32_t session_start, unsigned replay_window, unsigned replay_time)
{
    const std::size_t h = digest_size(digest);
    if (h == 0 || h > kMaxHmac)
        return Err{"tls-auth: unsupported digest '" + digest + "'"};
    if (send_hmac_slot.size() < h || recv_hmac_slot.size() < h)
        return Err{std::string("tls-auth: key slice shorter than the digest")};
    auto s = Hmac::create(digest, send_hmac_slot.first(h));
    if (!s)
        return Err{s.error()};
    auto r = Hmac::create(digest, recv_hmac_slot.first(h));
    if (!r)
        return Err{r.error()};
    return TlsAuth(std::move(*s), std::move(*r), session_start, replay_window, replay_time);
}

Result<std::size_t, Drop> TlsAuth::wrap(Bytes plain, MutBytes out, std::uint32_t now) noexcept
{
    const std::size_t h = send_.size();
    if (plain.size() < kControlHeaderLen)
        return Err{Drop::TooShort};
    const std::size_t total = plain.size() + h + 8;
    if (out.size() < total)
        return Err{Drop::NoRoom};
    const auto pid = tx_.next_long(now);
    if (!pid)
        return Err{Drop::PacketIdRollover};
    std::uint8_t pid_bytes[8];
    ByteWriter pw{pid_bytes};
    write_packet_id(pw, true, *pid);
    Bytes head = plain.first(kControlHeaderLen);
    Bytes rest = plain.subspan(kControlHeaderLen);
    if (!send_.compute({Bytes(pid_bytes, 8), head, rest}, out.subspan(kControlHeaderLen, h)))
        return Err{Drop::Crypto};
    std::memcpy(out.data(), head.data(), head.size());
    std::memcpy(out.data() + kControlHeaderLen + h, pid_bytes, 8);
    if (!rest.empty())
        std::memcpy(out.data() + kControlHeaderLen + h + 8, rest.data(), rest.size());
    return total;
}

Result<std::size_t, Drop> TlsAuth::unwrap(Bytes wire, MutBytes out, std::uint32_t now,
                                          ReplayCheck check) noexcept
{
    const std::size_t h = recv_.size();
    if (wire.size() < kControlHeaderLen + h + 8)
        return Err{Drop::TooShort};
    const std::size_t plain_len = wire.size() - h - 8;
    if (out.size() < plain_len)
        return Err{Drop::NoRoom};
    Bytes head = wire.first(kControlHeaderLen);
    Bytes tag = wire.subspan(kControlHeaderLen, h);
    Bytes pid_bytes = wire.subspan(kControlHeaderLen + h, 8);
    Bytes rest = wire.subspan(kControlHeaderLen + h + 8);
    std::array<std::uint8_t, kMaxHmac> expect{};
    if (!recv_.compute({pid_bytes, head, rest}, expect))
        return Err{Drop::Crypto};
    if (!ct_equal(Bytes(expect.data(), h), tag))
        return Err{Drop::BadHmac};
    ByteReader pr{pid_bytes};
    PacketId pid;
    read_packet_id(pr, true, pid);
    if (check == ReplayCheck::Check) {
        if (auto d = rx_.check_and_add(pid, now))
            return Err{*d};
    }
    last_rx_ = pid;
    std::memcpy(out.data(), head.data(), head.size());
    if (!rest.empty())
        std::memcpy(out.data() + kControlHeaderLen, rest.data(), rest.size());
    return plain_len;
}

} // namespace ovpn::wire
