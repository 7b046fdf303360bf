#include "openvpn/io/socket_setup.hpp"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "openvpn/core/log.hpp"

namespace ovpn::io {

std::optional<int> mtu_discover_type(const std::string& word)
{
    if (word == "yes")
        return IP_PMTUDISC_DO;
    if (word == "maybe")
        return IP_PMTUDISC_WANT;
    if (word == "no")
        return IP_PMTUDISC_DONT;
    return std::nullopt;
}

namespace {

int socket_family(int fd)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
        return AF_UNSPEC;
    return ss.ss_family;
}

} // namespace

std::optional<std::string> set_mtu_discover(int fd, std::optional<int> type)
{
    if (!type)
        return std::nullopt;
    const int t = *type;
    if (socket_family(fd) == AF_INET6) {
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &t, sizeof t) != 0)
            return strfmt("Error setting IPV6_MTU_DISCOVER type=%d on TCP6/UDP6 socket: %s", t,
                          std::strerror(errno));
        // a dual-stack socket sends to v4-mapped peers as IPv4: those
        // packets follow IP_MTU_DISCOVER (2.6 binds IPv4 there)
        (void)::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &t, sizeof t);
    } else if (::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &t, sizeof t) != 0) {
        return strfmt("Error setting IP_MTU_DISCOVER type=%d on TCP/UDP socket: %s", t, std::strerror(errno));
    }
    return std::nullopt;
}

std::optional<std::string> mark_and_bind(int fd, const char* proto, int mark,
                                         const std::optional<SockAddr>& bind_addr)
{
    if (mark != 0 && ::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0)
        return strfmt("%s: SO_MARK %d: %s", proto, mark, std::strerror(errno));
    if (bind_addr && !bind_addr->empty()) {
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, bind_addr->sa(), bind_addr->len) != 0)
            return strfmt("TCP/UDP: Socket bind failed on local address %s: %s",
                          bind_addr->to_string().c_str(), std::strerror(errno));
    }
    return std::nullopt;
}

} // namespace ovpn::io

namespace ovpn::io {

namespace {

// report_name: one queued report as 2.6 names it.
std::string report_name(const sock_extended_err& e)
{
    switch (e.ee_errno) {
    case ETIMEDOUT:
        return "ETIMEDOUT";
    case EMSGSIZE:
        return strfmt("EMSGSIZE Path-MTU=%u", e.ee_info);
    case ECONNREFUSED:
        return "ECONNREFUSED";
    case EPROTO:
        return "EPROTO";
    case EHOSTUNREACH:
        return "EHOSTUNREACH";
    case ENETUNREACH:
        return "ENETUNREACH";
    case EACCES:
        return "EACCES";
    default:
        return "UNKNOWN";
    }
}

} // namespace

std::string drain_error_queue(int fd)
{
    std::string out;
    auto add = [&out](const std::string& item) { out += (out.empty() ? "" : "|") + item; };
    for (int guard = 0; guard < 64; ++guard) {
        unsigned char payload[64];
        alignas(cmsghdr) unsigned char control[256];
        sockaddr_storage from{};
        iovec iov{payload, sizeof payload};
        msghdr m{};
        m.msg_name = &from;
        m.msg_namelen = sizeof from;
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = control;
        m.msg_controllen = sizeof control;
        if (::recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
            break;
        const sock_extended_err* e = nullptr;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
            const bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
            const bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
            if (v4 || v6)
                e = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
            else if (c->cmsg_level == SOL_IP || c->cmsg_level == SOL_IPV6)
                add(strfmt("CMSG=%d", c->cmsg_type));
        }
        if (e == nullptr) {
            add("NO-INFO");
            break;
        }
        add(report_name(*e));
    }
    return out;
}

void set_ip_tos(int fd, int tos)
{
    (void)::setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
}

void set_buffers(int fd, int sndbuf, int rcvbuf)
{
    if (sndbuf > 0)
        (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (rcvbuf > 0)
        (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
}

} // namespace ovpn::io
