// data/ethernet.hpp: the little of Ethernet that --dev tap needs on the
// userspace path: the two MAC addresses of a frame, where its IPv4/IPv6
// payload starts (also behind one 802.1Q tag, as 2.6's is_ipv4/is_ipv6 look),
// and MAC addresses as text ("--lladdr 02:00:5e:10:00:01").
// Pure functions; nothing allocates on the packet path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "openvpn/core/bytes.hpp"

namespace ovpn::data {

inline constexpr std::size_t kEthHeaderLen = 14;
inline constexpr std::size_t kVlanHeaderLen = 18; // with one 802.1Q tag
inline constexpr std::uint16_t kEthTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEthTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEthType8021q = 0x8100;

struct MacAddr {
    std::array<std::uint8_t, 6> b{};

    // key: the six bytes as one integer, for the MAC table.
    std::uint64_t key() const noexcept;
    // group: broadcast or multicast (the I/G bit of the first byte).
    bool group() const noexcept { return (b[0] & 1) != 0; }
    bool zero() const noexcept { return key() == 0; }
    bool operator==(const MacAddr&) const = default;
};

// EthFrame: the header of one frame. ethertype is the inner one for a
// tagged frame; vid the 802.1Q VLAN id (0 untagged).
struct EthFrame {
    MacAddr dst, src;
    std::uint16_t ethertype = 0;
    std::uint16_t vid = 0;
    std::size_t payload = kEthHeaderLen; // offset of what the ethertype names
};

// parse_ethernet: nullopt when the frame is shorter than its header.
std::optional<EthFrame> parse_ethernet(Bytes frame) noexcept;

// ip_offset: where the IPv4 or IPv6 packet in `frame` starts (14, or 18 with
// an 802.1Q tag), when the ethertype says IP and the version nibble agrees;
// nullopt for ARP and anything else.
std::optional<std::size_t> ip_offset(Bytes frame) noexcept;

// parse_mac: "xx:xx:xx:xx:xx:xx" (hex, either case); nullopt otherwise.
std::optional<MacAddr> parse_mac(std::string_view s);
// mac_string: lower-case "xx:xx:xx:xx:xx:xx" (2.6's MAC_FMT).
std::string mac_string(const MacAddr& m);

} // namespace ovpn::data
