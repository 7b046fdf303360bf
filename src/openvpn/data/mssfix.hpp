// data/mssfix.hpp: --mssfix on the userspace path. A TCP SYN passing the
// tunnel (either direction) gets its MSS option lowered so the peers' TCP
// segments, once encapsulated, fit the link MTU. Pure function, in place,
// with an incremental checksum update (RFC 1624). Non-TCP, non-SYN,
// fragmented or malformed packets are left untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::data {

// clamp_mss: if `ip_packet` is an IPv4/IPv6 TCP SYN with an MSS option above
// the limit, lower it. `max_mss_v4` is the limit for IPv4; IPv6 uses it minus
// 20 (the larger IP header). Returns true when the packet was changed.
bool clamp_mss(MutBytes ip_packet, std::uint16_t max_mss_v4) noexcept;

// mss_for_mssfix: 2.6's arithmetic from --mssfix N (encapsulated size) and
// the per-packet overhead of the data channel: N - 40 (IPv4+TCP) - overhead.
std::uint16_t mss_for_mssfix(std::uint16_t mssfix, std::uint16_t overhead) noexcept;

// MssfixSetting: --mssfix N [mtu|fixed] once 2.6's defaults are applied.
//   value: N (0 = off); encap ("mtu"): N counts the transport's IP and
//   UDP/TCP headers too; fixed: N - 40 is the MSS itself.
struct MssfixSetting {
    int value = 0;
    bool encap = false;
    bool fixed = false;
};

inline constexpr int kMssfixDefault = 1492; // 2.6: "--mssfix 1492 mtu"
inline constexpr int kTunMtuDefault = 1500;

// resolve_mssfix: from the --mssfix arguments (nullptr: option not given;
// empty: bare --mssfix), --fragment (0 = off), --tun-mtu and whether
// --link-mtu was given. 2.6's rules: an explicit N is used as given; else
// with --fragment N, mssfix = N; else with the default tun-mtu (1500),
// "1492 mtu"; with another tun-mtu, "tun-mtu fixed"; with only --link-mtu,
// off. Fails on a non-numeric N or an unknown second word.
Result<MssfixSetting> resolve_mssfix(const std::vector<std::string>* args, int fragment,
                                     std::optional<int> tun_mtu, bool link_mtu_given);

// MssfixFrame: what a data packet carries around the payload.
struct MssfixFrame {
    bool tcp = false;            // transport is TCP (2-byte length prefix)
    bool ipv6 = false;           // transport address family
    bool tls = true;             // TLS mode: opcode byte (or 4 with peer-id)
    bool peer_id = false;        // P_DATA_V2
    bool aead = false;           // AEAD: packet id (4) + tag (16)
    std::size_t iv_len = 0;      // CBC: IV / block size; 0 with cipher none
    std::size_t hmac_len = 0;    // CBC / none: HMAC size
    bool long_packet_id = false; // --secret: 8-byte packet id
    bool comp_v1 = false;        // compress lz4/stub, comp-lzo: 1 byte
    bool fragment = false;       // --fragment header: 4 bytes
    std::size_t extra_tun = 0;   // tap: --tun-mtu-extra (Ethernet header room, 2.6's 32)
};

// effective_mss: 2.6's MSS limit for IPv4 payloads (IPv6 ones get 20 less,
// see clamp_mss) from the setting and the frame; 0 when off. CBC rounds
// the room down to a whole number of blocks minus the padding byte.
std::uint16_t effective_mss(const MssfixSetting& s, const MssfixFrame& f) noexcept;

} // namespace ovpn::data
