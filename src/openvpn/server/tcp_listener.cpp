#include "openvpn/server/tcp_listener.hpp"

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "openvpn/core/log.hpp"
#include "openvpn/io/socket_setup.hpp"

namespace ovpn::server {

Result<TcpListener> TcpListener::open(const io::SockAddr& bind_addr, int mark)
{
    int fd = ::socket(bind_addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Err(strfmt("TCP: socket() failed: %s", std::strerror(errno)));
    if (bind_addr.family() == AF_INET6) {
        int off = 0;
        (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    if (auto e = io::mark_and_bind(fd, "TCP", mark, bind_addr)) {
        ::close(fd);
        return Err(*e);
    }
    if (::listen(fd, 32) != 0) {
        std::string why = std::strerror(errno);
        ::close(fd);
        return Err("TCP: listen() failed: " + why);
    }
    return TcpListener(fd);
}

TcpListener& TcpListener::operator=(TcpListener&& o) noexcept
{
    if (this != &o) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
}

TcpListener::~TcpListener()
{
    if (fd_ >= 0)
        ::close(fd_);
}

std::optional<std::pair<int, io::SockAddr>> TcpListener::accept()
{
    io::SockAddr from;
    from.len = sizeof from.ss;
    int fd = ::accept4(fd_, from.sa(), &from.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return std::pair{fd, from};
}

} // namespace ovpn::server
