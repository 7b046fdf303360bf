// dco/link.hpp: the `ovpn-dco` network device and the iroute routes through
// it, over rtnetlink, the way OpenVPN 2.6 does it (docs/dco-facts.md §2,
// §3.5):
//
//   RTM_NEWLINK, NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL,
//   ifinfomsg{family AF_PACKET}, IFLA_IFNAME "name\0",
//   IFLA_LINKINFO { IFLA_INFO_KIND "ovpn-dco\0",
//                   IFLA_INFO_DATA { IFLA_OVPN_MODE u8 (0 P2P, 1 MP) } }
//   RTM_GETLINK by IFLA_IFNAME -> ifindex and IFLA_INFO_KIND
//   RTM_NEWROUTE / RTM_DELROUTE (built by libnl-route): dst/len via <peer's
//   VPN address> dev <ifindex> metric 100, main table, proto boot
//
// The builders and the reply parser are pure (unit-tested). RtnlSocket does
// the I/O on one NETLINK_ROUTE socket that stays in the network namespace it
// was opened in, so a data plane keeps working on its own device whatever
// namespace the process enters later.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dco/mapping.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::dco {

class NlSocket;

// build_newlink / build_dellink / build_getlink: complete rtnetlink requests.
Result<SecureBytes> build_newlink(std::string_view name, LinkMode mode, std::uint32_t seq);
Result<SecureBytes> build_dellink(std::uint32_t ifindex, std::uint32_t seq);
Result<SecureBytes> build_getlink(std::string_view name, std::uint32_t seq);
// build_route: RTM_NEWROUTE (add) or RTM_DELROUTE for `r`, via libnl-route,
// with NLM_F_REQUEST|NLM_F_ACK (add also NLM_F_CREATE, like 2.6).
Result<std::vector<std::uint8_t>> build_route(const RouteSpec& r, bool add, std::uint32_t seq);

// LinkInfo: what RTM_GETLINK says about a device.
struct LinkInfo {
    std::uint32_t ifindex = 0;
    std::string name;
    std::string kind; // IFLA_INFO_KIND, e.g. "ovpn-dco"; empty when none (lo)
};
// parse_link_reply: the payload of an RTM_NEWLINK reply (ifinfomsg + attrs).
Result<LinkInfo> parse_link_reply(Bytes payload);

class RtnlSocket {
public:
    static Result<std::unique_ptr<RtnlSocket>> open();
    ~RtnlSocket();
    RtnlSocket(const RtnlSocket&) = delete;
    RtnlSocket& operator=(const RtnlSocket&) = delete;

    // get_link: the device `name`; an error with last_errno() == ENODEV
    // when there is none.
    Result<LinkInfo> get_link(std::string_view name);
    // new_link: create an ovpn-dco device; EEXIST / EPERM in last_errno().
    Result<LinkInfo> new_link(std::string_view name, LinkMode mode);
    Status<> del_link(std::uint32_t ifindex);
    Status<> add_route(const RouteSpec& r);
    Status<> del_route(const RouteSpec& r);

    int last_errno() const;

private:
    explicit RtnlSocket(std::unique_ptr<NlSocket> s);
    Status<> send(Result<SecureBytes> msg, std::uint32_t seq, std::string_view what);

    std::unique_ptr<NlSocket> sock_;
};

// One-shot helpers on a fresh socket (ovpn-dco-cli, tests).
Result<std::uint32_t> create_link(std::string_view name, LinkMode mode);
Status<> delete_link(std::uint32_t ifindex);
// link_index: the ifindex of `name`, or an error when there is none.
Result<std::uint32_t> link_index(std::string_view name);

} // namespace ovpn::dco
