// data/ip_rewrite.hpp: what the userspace data path reads from or rewrites
// in a plaintext IP packet for the session options 2.6 applies there
// (forward.c's process_ip_header): --block-ipv6's ICMPv6 answer and the
// inner TOS --passtos copies. Pure functions on one packet; nothing
// allocates or logs.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <span>

#include "openvpn/core/packet_buf.hpp"

namespace ovpn::data {

// kIcmp6QuoteMax: at most this much of the refused packet is quoted in the
// answer (2.6: 1280, the IPv6 minimum MTU).
inline constexpr std::size_t kIcmp6QuoteMax = 1280;

// is_ipv6_packet: version 6 and long enough for its header.
bool is_ipv6_packet(std::span<const std::uint8_t> pkt) noexcept;

// icmp6_unreachable: into `out`, the answer 2.6 gives to an IPv6 packet it
// refuses under --block-ipv6: ICMPv6 destination unreachable, code 0 (no
// route), from `src` to the packet's source, with its traffic class, flow
// label and hop limit, quoting as much of it as fits kIcmp6QuoteMax. false:
// `pkt` is not an IPv6 packet (nothing is answered).
bool icmp6_unreachable(std::span<const std::uint8_t> pkt, const in6_addr& src, PacketBuf& out) noexcept;

// ipv4_tos: the TOS byte (DSCP and ECN) of an IPv4 packet; nullopt for
// anything else (2.6's --passtos applies to IPv4 only).
std::optional<std::uint8_t> ipv4_tos(std::span<const std::uint8_t> pkt) noexcept;

// internet_checksum_add: the one's complement sum of `b` added to `sum`
// (not folded); fold_checksum folds and complements it.
std::uint32_t internet_checksum_add(std::uint32_t sum, std::span<const std::uint8_t> b) noexcept;
std::uint16_t fold_checksum(std::uint32_t sum) noexcept;

} // namespace ovpn::data
