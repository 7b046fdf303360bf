// wire/stream_probe.cpp: see stream_probe.hpp.
#include "openvpn/wire/stream_probe.hpp"

#include "openvpn/wire/opcode.hpp"

namespace ovpn::wire {

namespace {

// the record lengths 2.6 accepts for a client's first packet
constexpr unsigned kMinResetV2 = 14, kMaxResetV2 = 255;
// tls-crypt-v2: WKc (>= 290 bytes) + the reset + tls-crypt overhead, up to
// the largest WKc with metadata (1024) plus 255 spare, as 2.6 reckons it
constexpr unsigned kMinResetV3 = 336, kMaxResetV3 = 1024 + 255; // exclusive

bool in_v2_range(unsigned len) noexcept
{
    return len >= kMinResetV2 && len <= kMaxResetV2;
}

} // namespace

StreamHead classify_stream_head(std::span<const std::uint8_t> head) noexcept
{
    if (head.size() < 2)
        return StreamHead::NeedMore;
    const unsigned len = (static_cast<unsigned>(head[0]) << 8) | head[1];
    bool ours = false;
    if (head.size() == 2)
        ours = in_v2_range(len);
    else if (head[2] == op_byte(Opcode::ControlHardResetClientV3, 0))
        ours = len >= kMinResetV3 && len < kMaxResetV3;
    else
        ours = in_v2_range(len) && head[2] == op_byte(Opcode::ControlHardResetClientV2, 0);
    return ours ? StreamHead::OpenVpn : StreamHead::Foreign;
}

} // namespace ovpn::wire
