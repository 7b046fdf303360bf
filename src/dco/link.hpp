// dco/link.hpp: the `ovpn-dco` network device, created and deleted over
// rtnetlink exactly like OpenVPN 2.6 does (docs/dco-facts.md §2):
//
//   RTM_NEWLINK, NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL,
//   ifinfomsg{family AF_PACKET}, IFLA_IFNAME "name\0",
//   IFLA_LINKINFO { IFLA_INFO_KIND "ovpn-dco\0",
//                   IFLA_INFO_DATA { IFLA_OVPN_MODE u8 (0 P2P, 1 MP) } }
//
// The builders are pure (unit-tested); create_link/delete_link do the I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::dco {

enum class LinkMode : std::uint8_t { P2P = 0, MP = 1 };

// build_newlink / build_dellink: complete rtnetlink requests.
Result<SecureBytes> build_newlink(std::string_view name, LinkMode mode, std::uint32_t seq);
Result<SecureBytes> build_dellink(std::uint32_t ifindex, std::uint32_t seq);

// create_link: make the device; returns its ifindex. An existing device of
// that name is an error (EEXIST), as the caller must decide whether to reuse it.
Result<std::uint32_t> create_link(std::string_view name, LinkMode mode);
Status<> delete_link(std::uint32_t ifindex);
// link_index: the ifindex of `name`, or an error when there is none.
Result<std::uint32_t> link_index(std::string_view name);

} // namespace ovpn::dco
