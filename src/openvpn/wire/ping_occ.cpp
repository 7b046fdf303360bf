#include "openvpn/wire/ping_occ.hpp"

#include <algorithm>

namespace ovpn::wire {

bool is_ping(Bytes payload) noexcept
{
    return payload.size() == kPingMagic.size() &&
           std::equal(payload.begin(), payload.end(), kPingMagic.begin());
}

std::optional<Result<OccMessage, Drop>> parse_occ(Bytes payload) noexcept
{
    if (payload.size() < kOccMagic.size() || !std::equal(kOccMagic.begin(), kOccMagic.end(), payload.begin()))
        return std::nullopt;
    if (payload.size() < kOccMagic.size() + 1)
        return Result<OccMessage, Drop>(Err{Drop::TooShort});
    const std::uint8_t t = payload[kOccMagic.size()];
    if (t > static_cast<std::uint8_t>(OccType::Exit))
        return Result<OccMessage, Drop>(Err{Drop::BadOpcode});
    const auto type = static_cast<OccType>(t);
    Bytes body = payload.subspan(kOccMagic.size() + 1);
    if ((type == OccType::MtuLoadRequest && body.size() < 2) ||
        (type == OccType::MtuReply && body.size() < 4))
        return Result<OccMessage, Drop>(Err{Drop::TooShort});
    return Result<OccMessage, Drop>(OccMessage{type, body});
}

Result<std::size_t, Drop> write_occ(MutBytes out, OccType type, Bytes body) noexcept
{
    ByteWriter w{out};
    if (!w.write_bytes(kOccMagic) || !w.write_u8(static_cast<std::uint8_t>(type)) || !w.write_bytes(body))
        return Err{Drop::NoRoom};
    return w.written();
}

Result<std::size_t, Drop> write_occ_reply(MutBytes out, std::string_view options) noexcept
{
    ByteWriter w{out};
    if (!w.write_bytes(kOccMagic) || !w.write_u8(static_cast<std::uint8_t>(OccType::Reply)) ||
        !w.write_string(options) || !w.write_u8(0))
        return Err{Drop::NoRoom};
    return w.written();
}

Result<std::size_t, Drop> write_occ_mtu_reply(MutBytes out, std::uint16_t max_recv,
                                              std::uint16_t max_send) noexcept
{
    ByteWriter w{out};
    if (!w.write_bytes(kOccMagic) || !w.write_u8(static_cast<std::uint8_t>(OccType::MtuReply)) ||
        !w.write_u16(max_recv) || !w.write_u16(max_send))
        return Err{Drop::NoRoom};
    return w.written();
}

std::array<std::uint8_t, 17> occ_exit_payload() noexcept
{
    std::array<std::uint8_t, 17> p{};
    std::copy(kOccMagic.begin(), kOccMagic.end(), p.begin());
    p[16] = static_cast<std::uint8_t>(OccType::Exit);
    return p;
}

} // namespace ovpn::wire
