// io/udp_socket.cpp: the UDP LinkSocket, batched with recvmmsg/sendmmsg.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/io/socket_setup.hpp"

namespace ovpn::io {

std::string LinkError::message() const
{
    switch (kind) {
    case LinkErrorKind::Closed:
        return "Connection closed by peer";
    case LinkErrorKind::Reset:
        return strfmt("Connection reset (%s)", std::strerror(err));
    case LinkErrorKind::BadFrame:
        return "bad packet length in the TCP stream";
    case LinkErrorKind::Io:
        return std::strerror(err);
    }
    return "unknown";
}

namespace {

class UdpSocket final : public LinkSocket {
public:
    UdpSocket(int fd, std::size_t batch, bool connected, SockAddr remote)
        : fd_(fd), batch_(batch ? batch : 1), connected_(connected), remote_(remote), hdrs_(batch_),
          iovs_(batch_)
    {
    }
    ~UdpSocket() override { ::close(fd_); }

    int fd() const override { return fd_; }
    LinkProto proto() const override { return LinkProto::Udp; }
    std::size_t batch_size() const override { return batch_; }

    Result<std::size_t, LinkError> recv(std::span<PacketBuf> bufs, std::span<SockAddr> from) override
    {
        const std::size_t want = std::min({bufs.size(), from.size(), batch_});
        if (want == 0)
            return std::size_t{0};
        for (std::size_t i = 0; i < want; ++i) {
            bufs[i].reset();
            auto tail = bufs[i].tail();
            iovs_[i] = iovec{tail.data(), tail.size()};
            hdrs_[i] = mmsghdr{};
            hdrs_[i].msg_hdr.msg_iov = &iovs_[i];
            hdrs_[i].msg_hdr.msg_iovlen = 1;
            hdrs_[i].msg_hdr.msg_name = &from[i].ss;
            hdrs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        }
        int n = ::recvmmsg(fd_, hdrs_.data(), static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return std::size_t{0};
            // ICMP errors on a connected socket (ECONNREFUSED) are not fatal
            // for UDP: 2.6 keeps going and relies on ping-restart.
            if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH)
                return std::size_t{0};
            return Err{LinkError{LinkErrorKind::Io, errno}};
        }
        std::size_t out = 0;
        for (int i = 0; i < n; ++i) {
            const auto& h = hdrs_[i];
            if ((h.msg_hdr.msg_flags & MSG_TRUNC) || h.msg_len == 0) {
                ++dropped_;
                continue;
            }
            if (out != static_cast<std::size_t>(i)) {
                std::swap(bufs[out], bufs[i]);
                from[out] = from[i];
            }
            bufs[out].commit(h.msg_len);
            from[out].len = h.msg_hdr.msg_namelen;
            ++out;
        }
        return out;
    }

    Result<std::size_t, LinkError> send(std::span<const PacketBuf> bufs, const SockAddr* to) override
    {
        std::size_t done = 0;
        while (done < bufs.size()) {
            const std::size_t n = std::min(bufs.size() - done, batch_);
            for (std::size_t i = 0; i < n; ++i) {
                const auto& b = bufs[done + i];
                iovs_[i] = iovec{const_cast<std::uint8_t*>(b.data()), b.size()};
                hdrs_[i] = mmsghdr{};
                hdrs_[i].msg_hdr.msg_iov = &iovs_[i];
                hdrs_[i].msg_hdr.msg_iovlen = 1;
                if (to && !to->empty() && !connected_) {
                    hdrs_[i].msg_hdr.msg_name = const_cast<sockaddr_storage*>(&to->ss);
                    hdrs_[i].msg_hdr.msg_namelen = to->len;
                }
            }
            int r = ::sendmmsg(fd_, hdrs_.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
            if (r < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ENOBUFS)
                    return done;
                if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH ||
                    errno == EMSGSIZE) {
                    ++dropped_; // skip the packet the kernel refused
                    ++done;
                    continue;
                }
                return Err{LinkError{LinkErrorKind::Io, errno}};
            }
            done += static_cast<std::size_t>(r);
            if (static_cast<std::size_t>(r) < n)
                return done;
        }
        return done;
    }

    SockAddr local() const override
    {
        SockAddr s;
        s.len = sizeof s.ss;
        if (::getsockname(fd_, s.sa(), &s.len) != 0)
            s.len = 0;
        return s;
    }
    SockAddr remote() const override { return connected_ ? remote_ : SockAddr{}; }
    std::uint64_t num_dropped() const override { return dropped_; }

private:
    int fd_;
    std::size_t batch_;
    bool connected_;
    SockAddr remote_;
    std::vector<mmsghdr> hdrs_;
    std::vector<iovec> iovs_;
    std::uint64_t dropped_ = 0;
};

int pick_family(const UdpConfig& cfg)
{
    if (cfg.bind_addr && !cfg.bind_addr->empty())
        return cfg.bind_addr->family();
    if (cfg.connect_to && !cfg.connect_to->empty())
        return cfg.connect_to->family();
    return cfg.family == Family::V4 ? AF_INET : AF_INET6;
}

} // namespace

Result<std::unique_ptr<LinkSocket>> open_udp(const UdpConfig& cfg)
{
    const int fam = pick_family(cfg);
    int fd = ::socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Err{strfmt("UDP: Cannot create UDP/UDP6 socket: %s", std::strerror(errno))};
    auto fail = [fd](const std::string& what) -> Result<std::unique_ptr<LinkSocket>> {
        ::close(fd);
        return Err{what};
    };
    if (fam == AF_INET6) {
        int off = 0; // dual stack unless a specific v6 address is bound
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    if (cfg.sndbuf > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cfg.sndbuf, sizeof cfg.sndbuf);
    if (cfg.rcvbuf > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cfg.rcvbuf, sizeof cfg.rcvbuf);
    if (auto err = mark_and_bind(fd, "UDP", cfg.mark, cfg.bind_addr))
        return fail(*err);
    SockAddr remote;
    bool connected = false;
    if (cfg.connect_to && !cfg.connect_to->empty()) {
        remote = *cfg.connect_to;
        if (::connect(fd, remote.sa(), remote.len) != 0)
            return fail(strfmt("UDP: connect to %s: %s", remote.to_string().c_str(), std::strerror(errno)));
        connected = true;
    }
    return std::unique_ptr<LinkSocket>(std::make_unique<UdpSocket>(fd, cfg.batch, connected, remote));
}

} // namespace ovpn::io
