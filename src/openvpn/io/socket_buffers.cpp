// io/socket_buffers.cpp: see socket_buffers.hpp.
#include "openvpn/io/socket_buffers.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

namespace ovpn::io {

namespace {

std::optional<int> int_opt(int fd, int name)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (::getsockopt(fd, SOL_SOCKET, name, &v, &len) != 0)
        return std::nullopt;
    return v;
}

} // namespace

std::optional<SocketBuffers> socket_buffers(int fd)
{
    auto domain = int_opt(fd, SO_DOMAIN);
    auto type = int_opt(fd, SO_TYPE);
    auto rcv = int_opt(fd, SO_RCVBUF);
    auto snd = int_opt(fd, SO_SNDBUF);
    if (!domain || !type || !rcv || !snd)
        return std::nullopt;
    const int fresh = ::socket(*domain, *type | SOCK_CLOEXEC, 0);
    if (fresh < 0)
        return std::nullopt;
    auto rcv0 = int_opt(fresh, SO_RCVBUF);
    auto snd0 = int_opt(fresh, SO_SNDBUF);
    ::close(fresh);
    if (!rcv0 || !snd0)
        return std::nullopt;
    return SocketBuffers{*rcv0, *rcv, *snd0, *snd};
}

std::string socket_buffers_line(const SocketBuffers& b)
{
    char buf[96];
    std::snprintf(buf, sizeof buf, "Socket Buffers: R=[%d->%d] S=[%d->%d]", b.rcv_before, b.rcv_now,
                  b.snd_before, b.snd_now);
    return buf;
}

} // namespace ovpn::io
