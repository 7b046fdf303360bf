// data/mssfix.hpp: --mssfix on the userspace path. A TCP SYN passing the
// tunnel (either direction) gets its MSS option lowered so the peers' TCP
// segments, once encapsulated, fit the link MTU. Pure function, in place,
// with an incremental checksum update (RFC 1624). Non-TCP, non-SYN,
// fragmented or malformed packets are left untouched.
#pragma once

#include <cstdint>

#include "openvpn/core/bytes.hpp"

namespace ovpn::data {

// clamp_mss: if `ip_packet` is an IPv4/IPv6 TCP SYN with an MSS option above
// the limit, lower it. `max_mss_v4` is the limit for IPv4; IPv6 uses it minus
// 20 (the larger IP header). Returns true when the packet was changed.
bool clamp_mss(MutBytes ip_packet, std::uint16_t max_mss_v4) noexcept;

// mss_for_mssfix: 2.6's arithmetic from --mssfix N (encapsulated size) and
// the per-packet overhead of the data channel: N - 40 (IPv4+TCP) - overhead.
std::uint16_t mss_for_mssfix(std::uint16_t mssfix, std::uint16_t overhead) noexcept;

} // namespace ovpn::data
