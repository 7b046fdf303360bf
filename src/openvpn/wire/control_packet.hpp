// wire/control_packet.hpp: control-channel packets in their plain (unwrapped)
// form (protocol-facts §2.1, §2.2a). tls-auth and tls-crypt (tls_auth.hpp,
// tls_crypt.hpp) turn a wire packet into exactly this plain form and back, so
// the reliability layer parses and builds one format whatever the wrapping:
//
//   | op|kid (1) | own session id (8) | ack_count (1) | acks (4 x n) |
//   | remote session id (8, only if n > 0) | message id (4, not in P_ACK_V1) |
//   | payload (rest; TLS bytes, or TLVs in a hard reset) |
//
// n <= 8 on receive. 2.6 sends at most 4 acks piggybacked on a message and 8
// in P_ACK_V1. All integers big-endian. Parsing never copies the payload: it
// is a view into the input, valid as long as the input is.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/wire/drop.hpp"
#include "openvpn/wire/opcode.hpp"

namespace ovpn::wire {

inline constexpr std::size_t kSessionIdLen = 8;
inline constexpr std::size_t kMaxAcks = 8;          // RELIABLE_ACK_SIZE
inline constexpr std::size_t kMaxPiggybackAcks = 4; // CONTROL_SEND_ACK_MAX
inline constexpr std::size_t kControlHeaderLen = 1 + kSessionIdLen;

using SessionId = std::array<std::uint8_t, kSessionIdLen>;

// is_defined: all-zero means "no session id yet".
bool is_defined(const SessionId& sid) noexcept;

struct ControlPacket {
    Opcode opcode = Opcode::ControlV1;
    std::uint8_t key_id = 0;
    SessionId session_id{}; // the sender's
    std::uint8_t num_acks = 0;
    std::array<std::uint32_t, kMaxAcks> acks{};
    SessionId remote_session_id{};           // meaningful only if num_acks > 0
    std::optional<std::uint32_t> message_id; // absent only for P_ACK_V1
    Bytes payload;                           // empty for P_ACK_V1
};

// parse_control: parse a plain control packet. Refuses data opcodes, opcodes
// outside 3..11, more than 8 acks, a P_ACK_V1 with bytes after the acks or
// without acks, and truncation.
Result<ControlPacket, Drop> parse_control(Bytes in) noexcept;

// control_size: the bytes write_control needs for p.
std::size_t control_size(const ControlPacket& p) noexcept;

// write_control: serialise p into out; returns the length written.
// Fails with NoRoom, TooManyAcks or BadOpcode (a P_ACK_V1 with a message id,
// or another opcode without one).
Result<std::size_t, Drop> write_control(MutBytes out, const ControlPacket& p) noexcept;

// peek_session_id: byte0 and the sender's session id of any control packet,
// wrapped or not (they are never encrypted), without verifying anything.
struct ControlPeek {
    Opcode opcode;
    std::uint8_t key_id;
    SessionId session_id;
};
Result<ControlPeek, Drop> peek_control(Bytes in) noexcept;

// Early negotiation TLVs in the payload of a hard reset (§3.6).
inline constexpr std::uint16_t kTlvEarlyNegFlags = 0x0001;
inline constexpr std::uint16_t kEarlyNegFlagResendWkc = 0x0001;
inline constexpr std::uint32_t kEarlyNegStart = 0x0f000000; // client's tls-crypt-v2 counter base

struct EarlyNegotiation {
    std::uint16_t flags = 0; // kEarlyNegFlag* bits
};
// parse_early_negotiation: walk the TLVs, skipping unknown types; a truncated
// TLV fails the handshake (TooShort).
Result<EarlyNegotiation, Drop> parse_early_negotiation(Bytes payload) noexcept;
// write_early_negotiation: the 6-byte EARLY_NEG_FLAGS TLV.
Result<std::size_t, Drop> write_early_negotiation(MutBytes out, std::uint16_t flags) noexcept;
// supports_early_negotiation: a client's wrap packet id marks it (id & 0x0f000000 == 0x0f000000).
constexpr bool supports_early_negotiation(std::uint32_t packet_id) noexcept
{
    return ((packet_id & 0xff000000u) & kEarlyNegStart) == kEarlyNegStart;
}

// --- TCP length framing (§1.1): u16 length (network order) || packet ---

// write_tcp_frame: prefix packet with its length; false if packet > 65535 or no room.
bool write_tcp_frame(ByteWriter& w, Bytes packet) noexcept;

struct TcpFrame {
    enum class Status : std::uint8_t { NeedMore, Frame, Error } status;
    std::size_t consumed = 0; // bytes of the stream this frame used (0 unless Frame)
    Bytes packet;             // the frame's packet (a view into the stream)
};
// parse_tcp_frame: the first frame of a byte stream. Length 0 or > max_len is
// Error (2.6 resets the connection then); an incomplete frame is NeedMore.
TcpFrame parse_tcp_frame(Bytes stream, std::size_t max_len) noexcept;

} // namespace ovpn::wire
