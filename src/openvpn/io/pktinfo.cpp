// io/pktinfo.cpp: see pktinfo.hpp.
#include "openvpn/io/pktinfo.hpp"

#include <cerrno>
#include <cstring>

#include "openvpn/core/log.hpp"

namespace ovpn::io {

std::optional<std::string> enable_pktinfo(int fd, int family)
{
    const int on = 1;
    if (family == AF_INET && ::setsockopt(fd, SOL_IP, IP_PKTINFO, &on, sizeof on) != 0)
        return strfmt("UDP: failed setsockopt for IP_PKTINFO: %s (errno=%d)", std::strerror(errno), errno);
    if (family == AF_INET6 && ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) != 0)
        return strfmt("UDP: failed setsockopt for IPV6_RECVPKTINFO: %s (errno=%d)", std::strerror(errno),
                      errno);
    return std::nullopt;
}

LocalEnd read_pktinfo(const msghdr& msg)
{
    LocalEnd out;
    if ((msg.msg_flags & MSG_CTRUNC) != 0)
        return out;
    msghdr m = msg; // CMSG_NXTHDR wants it mutable; the control data is not copied
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_PKTINFO &&
            c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
            in_pktinfo pi{};
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            out.addr = SockAddr::from_v4(pi.ipi_spec_dst, 0);
            out.ifindex = static_cast<unsigned>(pi.ipi_ifindex);
            return out;
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
            c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo))) {
            in6_pktinfo pi{};
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            out.addr = SockAddr::from_v6(pi.ipi6_addr, 0);
            out.ifindex = pi.ipi6_ifindex;
            return out;
        }
    }
    return out;
}

bool write_pktinfo(msghdr& msg, PktinfoSpace& space, const SockAddr& to, const LocalEnd& local)
{
    if (local.empty() || local.addr.family() != to.family())
        return false;
    std::memset(space.bytes, 0, sizeof space.bytes);
    msg.msg_control = space.bytes;
    cmsghdr* c = nullptr;
    if (to.family() == AF_INET) {
        msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo pi{};
        pi.ipi_ifindex = static_cast<int>(local.ifindex);
        pi.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(&local.addr.ss)->sin_addr;
        std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
        return true;
    }
    msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
    in6_pktinfo pi{};
    pi.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(&local.addr.ss)->sin6_addr;
    pi.ipi6_ifindex = local.ifindex;
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    return true;
}

} // namespace ovpn::io
