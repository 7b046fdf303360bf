#include "openvpn/wire/control_packet.hpp"

namespace ovpn::wire {

bool is_defined(const SessionId& sid) noexcept
{
    for (auto b : sid)
        if (b != 0)
            return true;
    return false;
}

Result<ControlPeek, Drop> peek_control(Bytes in) noexcept
{
    ByteReader r{in};
    std::uint8_t b0 = 0;
    ControlPeek p{};
    if (!r.read_u8(b0) || !r.copy_bytes(p.session_id))
        return Err{Drop::TooShort};
    auto op = opcode_of(b0);
    if (!op || !is_control(*op))
        return Err{Drop::BadOpcode};
    p.opcode = *op;
    p.key_id = key_id_of(b0);
    return p;
}

Result<ControlPacket, Drop> parse_control(Bytes in) noexcept
{
    auto peek = peek_control(in);
    if (!peek)
        return Err{peek.error()};
    ControlPacket p;
    p.opcode = peek->opcode;
    p.key_id = peek->key_id;
    p.session_id = peek->session_id;
    ByteReader r{in.subspan(kControlHeaderLen)};
    if (!r.read_u8(p.num_acks))
        return Err{Drop::TooShort};
    if (p.num_acks > kMaxAcks)
        return Err{Drop::TooManyAcks};
    for (std::size_t i = 0; i < p.num_acks; ++i)
        if (!r.read_u32(p.acks[i]))
            return Err{Drop::TooShort};
    if (p.num_acks > 0 && !r.copy_bytes(p.remote_session_id))
        return Err{Drop::TooShort};
    if (p.opcode == Opcode::AckV1) {
        if (p.num_acks == 0)
            return Err{Drop::TooShort};
        if (!r.empty())
            return Err{Drop::TrailingBytes};
        return p;
    }
    std::uint32_t mid = 0;
    if (!r.read_u32(mid))
        return Err{Drop::TooShort};
    p.message_id = mid;
    p.payload = r.rest();
    return p;
}

std::size_t control_size(const ControlPacket& p) noexcept
{
    std::size_t n = kControlHeaderLen + 1 + 4 * std::size_t{p.num_acks};
    if (p.num_acks > 0)
        n += kSessionIdLen;
    if (p.message_id)
        n += 4;
    return n + p.payload.size();
}

Result<std::size_t, Drop> write_control(MutBytes out, const ControlPacket& p) noexcept
{
    if (!is_control(p.opcode) || (p.opcode == Opcode::AckV1) == p.message_id.has_value())
        return Err{Drop::BadOpcode};
    if (p.num_acks > kMaxAcks)
        return Err{Drop::TooManyAcks};
    ByteWriter w{out};
    bool ok =
        w.write_u8(op_byte(p.opcode, p.key_id)) && w.write_bytes(p.session_id) && w.write_u8(p.num_acks);
    for (std::size_t i = 0; ok && i < p.num_acks; ++i)
        ok = w.write_u32(p.acks[i]);
    if (ok && p.num_acks > 0)
        ok = w.write_bytes(p.remote_session_id);
    if (ok && p.message_id)
        ok = w.write_u32(*p.message_id);
    if (ok)
        ok = w.write_bytes(p.payload);
    if (!ok)
        return Err{Drop::NoRoom};
    return w.written();
}

Result<EarlyNegotiation, Drop> parse_early_negotiation(Bytes payload) noexcept
{
    EarlyNegotiation en;
    ByteReader r{payload};
    while (!r.empty()) {
        std::uint16_t type = 0, len = 0;
        Bytes value;
        if (!r.read_u16(type) || !r.read_u16(len) || !r.read_bytes(len, value))
            return Err{Drop::TooShort};
        if (type == kTlvEarlyNegFlags) {
            if (len != 2)
                return Err{Drop::TooShort};
            en.flags = static_cast<std::uint16_t>((value[0] << 8) | value[1]);
        }
    }
    return en;
}

Result<std::size_t, Drop> write_early_negotiation(MutBytes out, std::uint16_t flags) noexcept
{
    ByteWriter w{out};
    if (!w.write_u16(kTlvEarlyNegFlags) || !w.write_u16(2) || !w.write_u16(flags))
        return Err{Drop::NoRoom};
    return w.written();
}

bool write_tcp_frame(ByteWriter& w, Bytes packet) noexcept
{
    if (packet.size() > 0xffff || w.room() < packet.size() + 2)
        return false;
    return w.write_u16(static_cast<std::uint16_t>(packet.size())) && w.write_bytes(packet);
}

TcpFrame parse_tcp_frame(Bytes stream, std::size_t max_len) noexcept
{
    ByteReader r{stream};
    std::uint16_t len = 0;
    if (!r.read_u16(len))
        return {TcpFrame::Status::NeedMore, 0, {}};
    if (len == 0 || len > max_len)
        return {TcpFrame::Status::Error, 0, {}};
    Bytes pkt;
    if (!r.read_bytes(len, pkt))
        return {TcpFrame::Status::NeedMore, 0, {}};
    return {TcpFrame::Status::Frame, std::size_t{len} + 2, pkt};
}

} // namespace ovpn::wire
