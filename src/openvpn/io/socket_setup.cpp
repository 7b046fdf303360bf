#include "openvpn/io/socket_setup.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "openvpn/core/log.hpp"

namespace ovpn::io {

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
