// wire/stream_probe.hpp: --port-share's question about the first bytes of a
// new TCP connection: is this an OpenVPN client? (2.6's is_openvpn_protocol.)
//
//   +--------+--------+--------+-------------------------
//   | len (u16, big-endian)    | opcode|key | rest of the first packet
//   +--------+--------+--------+-------------------------
//
// An OpenVPN client opens with a hard reset: P_CONTROL_HARD_RESET_CLIENT_V2
// in a record of 14..255 bytes, or with tls-crypt-v2 _V3 in a record of
// 336..1278 bytes (the wrapped client key makes it that long). Anything else
// (an HTTP request starts "GE", a TLS ClientHello 0x16 0x03) is foreign.
#pragma once

#include <cstdint>
#include <span>

namespace ovpn::wire {

enum class StreamHead : std::uint8_t { NeedMore, OpenVpn, Foreign };

// classify_stream_head: the verdict on the bytes a connection sent first,
// as 2.6 gives it: nothing before 2 bytes (NeedMore); with exactly 2, only
// the record length counts (14..255); from 3 on, the opcode too.
StreamHead classify_stream_head(std::span<const std::uint8_t> head) noexcept;

} // namespace ovpn::wire
