// wire/opcode.hpp: the first byte of every OpenVPN packet and the P_DATA_V2
// peer id (protocol-facts §1.2, §6.1).
//
//    7 6 5 4 3   2 1 0
//   +---------+-------+
//   | opcode  | keyid |      byte0 = opcode << 3 | key_id
//   +---------+-------+
//
//   P_DATA_V2:  | byte0 | peer_id (24 bit, big-endian) |   4 bytes
//
// key_id starts at 0 for a new TLS session and advances 1..7, wrapping 7 -> 1.
#pragma once

#include <cstdint>
#include <optional>

#include "openvpn/core/bytes.hpp"

namespace ovpn::wire {

enum class Opcode : std::uint8_t {
    ControlHardResetClientV1 = 1, // key-method 1: refused by 2.6
    ControlHardResetServerV1 = 2, // key-method 1: refused by 2.6
    ControlSoftResetV1 = 3,
    ControlV1 = 4,
    AckV1 = 5,
    DataV1 = 6,
    ControlHardResetClientV2 = 7,
    ControlHardResetServerV2 = 8,
    DataV2 = 9,
    ControlHardResetClientV3 = 10, // tls-crypt-v2: WKc appended
    ControlWkcV1 = 11,             // P_CONTROL_V1 with WKc appended
};

inline constexpr unsigned kOpcodeShift = 3;
inline constexpr std::uint8_t kKeyIdMask = 0x07;
inline constexpr std::uint32_t kMaxPeerId = 0xFFFFFF; // "no peer id"
inline constexpr std::size_t kDataV1HeaderLen = 1;
inline constexpr std::size_t kDataV2HeaderLen = 4;

constexpr std::uint8_t op_byte(Opcode op, std::uint8_t key_id) noexcept
{
    return static_cast<std::uint8_t>((static_cast<std::uint8_t>(op) << kOpcodeShift) | (key_id & kKeyIdMask));
}
constexpr std::uint8_t opcode_bits(std::uint8_t byte0) noexcept
{
    return byte0 >> kOpcodeShift;
}
constexpr std::uint8_t key_id_of(std::uint8_t byte0) noexcept
{
    return byte0 & kKeyIdMask;
}

// opcode_of: the opcode of byte0, or nullopt for 0 and 12..31.
constexpr std::optional<Opcode> opcode_of(std::uint8_t byte0) noexcept
{
    const std::uint8_t v = opcode_bits(byte0);
    if (v < 1 || v > 11)
        return std::nullopt;
    return static_cast<Opcode>(v);
}

constexpr bool is_data(Opcode op) noexcept
{
    return op == Opcode::DataV1 || op == Opcode::DataV2;
}
// is_control: every opcode 2.6 accepts on the control channel (3..11 minus data).
constexpr bool is_control(Opcode op) noexcept
{
    const auto v = static_cast<std::uint8_t>(op);
    return v >= 3 && v <= 11 && !is_data(op);
}
constexpr bool is_hard_reset(Opcode op) noexcept
{
    return op == Opcode::ControlHardResetClientV2 || op == Opcode::ControlHardResetServerV2 ||
           op == Opcode::ControlHardResetClientV3;
}
// carries_wkc: the packet has a tls-crypt-v2 wrapped client key appended.
constexpr bool carries_wkc(Opcode op) noexcept
{
    return op == Opcode::ControlHardResetClientV3 || op == Opcode::ControlWkcV1;
}

// next_key_id: the key id after k for a renegotiation (0,1..7,1..7,...).
constexpr std::uint8_t next_key_id(std::uint8_t k) noexcept
{
    return static_cast<std::uint8_t>((k & kKeyIdMask) == 7 ? 1 : (k & kKeyIdMask) + 1);
}

// opcode_name: 2.6's name, e.g. "P_CONTROL_V1", for logs.
const char* opcode_name(Opcode op) noexcept;

// data_v2_header: the 4 header bytes of P_DATA_V2 as one u32.
constexpr std::uint32_t data_v2_header(std::uint8_t key_id, std::uint32_t peer_id) noexcept
{
    return (std::uint32_t{op_byte(Opcode::DataV2, key_id)} << 24) | (peer_id & kMaxPeerId);
}

// write_data_v2_header: 4 bytes into out; false if out is shorter.
inline bool write_data_v2_header(MutBytes out, std::uint8_t key_id, std::uint32_t peer_id) noexcept
{
    if (out.size() < kDataV2HeaderLen)
        return false;
    const std::uint32_t h = data_v2_header(key_id, peer_id);
    out[0] = static_cast<std::uint8_t>(h >> 24);
    out[1] = static_cast<std::uint8_t>(h >> 16);
    out[2] = static_cast<std::uint8_t>(h >> 8);
    out[3] = static_cast<std::uint8_t>(h);
    return true;
}

// peer_id_of: the peer id of a P_DATA_V2 packet (nullopt if shorter than 4 or not V2).
inline std::optional<std::uint32_t> peer_id_of(Bytes pkt) noexcept
{
    if (pkt.size() < kDataV2HeaderLen || opcode_bits(pkt[0]) != static_cast<std::uint8_t>(Opcode::DataV2))
        return std::nullopt;
    return (std::uint32_t{pkt[1]} << 16) | (std::uint32_t{pkt[2]} << 8) | pkt[3];
}

} // namespace ovpn::wire
