// io/socket_buffers.hpp: the figures of 2.6's start-up line
// "Socket Buffers: R=[a->b] S=[c->d]" (socket.c, verb 3): each buffer's
// size before --rcvbuf/--sndbuf (what a fresh socket of the same kind
// gets from the kernel) and after (what the socket has now).
#pragma once

#include <optional>
#include <string>

namespace ovpn::io {

struct SocketBuffers {
    int rcv_before = 0, rcv_now = 0;
    int snd_before = 0, snd_now = 0;
};

// socket_buffers: the figures for `fd`; nullopt when the kernel does not
// answer (the line is then left out).
std::optional<SocketBuffers> socket_buffers(int fd);

// socket_buffers_line: 2.6's text.
std::string socket_buffers_line(const SocketBuffers& b);

} // namespace ovpn::io
