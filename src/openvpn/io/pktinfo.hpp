// io/pktinfo.hpp: --multihome's ancillary data, as 2.6's
// link_socket_read_udp_posix_recvmsg / link_socket_write_udp_posix_sendmsg:
// the local end of a received datagram (IP_PKTINFO on an IPv4 socket,
// IPV6_PKTINFO on an IPv6 one, IPv4-mapped for its IPv4 peers) and the same
// data on a reply, so it leaves from the address the peer talked to.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>

#include "openvpn/io/link_socket.hpp"

namespace ovpn::io {

// PktinfoSpace: room for one IPv4 or IPv6 pktinfo message (2.6's
// PKTINFO_BUF_SIZE), aligned for cmsghdr.
struct PktinfoSpace {
    alignas(cmsghdr) unsigned char bytes[std::max(CMSG_SPACE(sizeof(in6_pktinfo)),
                                                  CMSG_SPACE(sizeof(in_pktinfo)))];
};

// enable_pktinfo: IP_PKTINFO (AF_INET) or IPV6_RECVPKTINFO (AF_INET6) on
// fd; 2.6's fatal error text when the kernel refuses.
std::optional<std::string> enable_pktinfo(int fd, int family);

// read_pktinfo: the LocalEnd in a received message's control data; empty
// when it carries none (or the control data was truncated).
LocalEnd read_pktinfo(const msghdr& msg);

// write_pktinfo: point msg's control data at `space`, filled for a datagram
// to `to` leaving from `local` (IPv4: ipi_spec_dst and ipi_ifindex, as 2.6;
// IPv6: ipi6_addr and ipi6_ifindex). False, msg untouched, when `local` is
// empty or of another family than `to`.
bool write_pktinfo(msghdr& msg, PktinfoSpace& space, const SockAddr& to, const LocalEnd& local);

} // namespace ovpn::io
