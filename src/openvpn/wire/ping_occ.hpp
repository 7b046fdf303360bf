// wire/ping_occ.hpp: the magic payloads that travel inside the data channel
// (protocol-facts §6.5, §6.6, §11): keepalive ping, OCC messages and the
// OCC_EXIT used by explicit-exit-notify without cc-exit. These are plaintext
// payloads: they go through compression framing and encryption like any
// packet, and the receiver recognises them after decryption/unframing.
//
//   ping: 2a 18 7b f3 64 1e b4 cb 07 ed 2d 0a 98 1f c7 48      (exactly 16 bytes)
//   OCC:  28 7f 34 6b d4 ef 7a 81 2d 56 b8 d3 af c5 45 9c || type (u8) || body
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/wire/drop.hpp"

namespace ovpn::wire {

inline constexpr std::array<std::uint8_t, 16> kPingMagic = {0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
                                                            0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48};
inline constexpr std::array<std::uint8_t, 16> kOccMagic = {0x28, 0x7f, 0x34, 0x6b, 0xd4, 0xef, 0x7a, 0x81,
                                                           0x2d, 0x56, 0xb8, 0xd3, 0xaf, 0xc5, 0x45, 0x9c};

enum class OccType : std::uint8_t {
    Request = 0,        // peer answers with Reply
    Reply = 1,          // options string incl. NUL
    MtuLoadRequest = 2, // u16 size
    MtuLoad = 3,        // filler
    MtuRequest = 4,
    MtuReply = 5, // u16 max_recv, u16 max_send
    Exit = 6,     // explicit-exit-notify: the peer is going away
};

// is_ping: the payload is exactly the ping magic.
bool is_ping(Bytes payload) noexcept;

struct OccMessage {
    OccType type;
    Bytes body; // view into the payload
};
// parse_occ: nullopt if the payload does not start with the OCC magic;
// TooShort / BadOpcode (unknown type) for a bad OCC message.
std::optional<Result<OccMessage, Drop>> parse_occ(Bytes payload) noexcept;

// write_occ: magic || type || body into out; returns the length.
Result<std::size_t, Drop> write_occ(MutBytes out, OccType type, Bytes body = {}) noexcept;
// write_occ_reply: OCC_REPLY with the options string and its trailing NUL.
Result<std::size_t, Drop> write_occ_reply(MutBytes out, std::string_view options) noexcept;
// write_occ_mtu_reply: OCC_MTU_REPLY with the two sizes.
Result<std::size_t, Drop> write_occ_mtu_reply(MutBytes out, std::uint16_t max_recv,
                                              std::uint16_t max_send) noexcept;

// occ_exit_payload: the 17 bytes a client/p2p peer sends once per second
// after SIGTERM with --explicit-exit-notify when cc-exit was not negotiated.
std::array<std::uint8_t, 17> occ_exit_payload() noexcept;

// kExitMessage: the control-channel text sent instead when cc-exit was
// negotiated (protocol-flags cc-exit); the control layer sends it reliably.
inline constexpr std::string_view kExitMessage = "EXIT";

} // namespace ovpn::wire
