// server/tcp_listener.hpp: the listening socket of --proto tcp-server
// (io/ has only connected TCP sockets). accept() hands out connected fds
// that io::adopt_tcp wraps into a TcpLinkSocket per client.
#pragma once

#include <optional>
#include <utility>

#include "openvpn/core/result.hpp"
#include "openvpn/io/sock_addr.hpp"

namespace ovpn::server {

class TcpListener {
public:
    // open: bind (SO_REUSEADDR, --mark) and listen, non-blocking. An IPv6
    // wildcard address also accepts IPv4 clients (IPv4-mapped).
    static Result<TcpListener> open(const io::SockAddr& bind_addr, int mark = 0);
    TcpListener(TcpListener&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    TcpListener& operator=(TcpListener&& o) noexcept;
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;
    ~TcpListener();

    int fd() const noexcept { return fd_; }
    // accept: the next pending connection (non-blocking fd, owned by the
    // caller) and its address; nullopt when none is pending.
    std::optional<std::pair<int, io::SockAddr>> accept();

private:
    explicit TcpListener(int fd) : fd_(fd) {}
    int fd_ = -1;
};

} // namespace ovpn::server
