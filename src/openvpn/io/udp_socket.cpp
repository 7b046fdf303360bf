// io/udp_socket.cpp: the UDP LinkSocket, batched with recvmmsg/sendmmsg.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/io/pktinfo.hpp"
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

// passing_error: an errno a UDP socket records as a fault and keeps going
// past (the datagram is lost; 2.6 logs it and carries on).
bool passing_error(int e)
{
    switch (e) {
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EADDRNOTAVAIL:
    case EMSGSIZE:
    case EPERM:
    case EACCES:
        return true;
    default:
        return false;
    }
}

class UdpSocket final : public LinkSocket {
public:
    // pending: connect() to remote failed; try again before each send.
    // pktinfo: the socket reports where datagrams come to (--multihome).
    UdpSocket(int fd, std::size_t batch, bool connected, bool pending, SockAddr remote, bool pktinfo)
        : fd_(fd), batch_(batch ? batch : 1), connected_(connected), pending_(pending), remote_(remote),
          hdrs_(batch_), iovs_(batch_), ctl_(pktinfo ? batch_ : 0)
    {
    }
    ~UdpSocket() override { ::close(fd_); }

    int fd() const override { return fd_; }
    LinkProto proto() const override { return LinkProto::Udp; }
    std::size_t batch_size() const override { return batch_; }

    Result<std::size_t, LinkError> recv(std::span<PacketBuf> bufs, std::span<SockAddr> from) override
    {
        return recv_local(bufs, from, {});
    }

    // recv_local: `to` may be empty (recv); otherwise as long as bufs.
    Result<std::size_t, LinkError> recv_local(std::span<PacketBuf> bufs, std::span<SockAddr> from,
                                              std::span<LocalEnd> to) override
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
            if (!ctl_.empty()) {
                hdrs_[i].msg_hdr.msg_control = ctl_[i].bytes;
                hdrs_[i].msg_hdr.msg_controllen = sizeof ctl_[i].bytes;
            }
        }
        int n = ::recvmmsg(fd_, hdrs_.data(), static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
        if (n < 0) {
            const int e = errno;
            if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
                return std::size_t{0};
            record(false, e);
            // ICMP reports (ECONNREFUSED, ...) are not fatal for UDP: 2.6
            // logs them and relies on its timers.
            if (passing_error(e))
                return std::size_t{0};
            return Err{LinkError{LinkErrorKind::Io, e}};
        }
        return keep_received(bufs, from, to, n);
    }

    Result<std::size_t, LinkError> send(std::span<const PacketBuf> bufs, const SockAddr* to) override
    {
        return send_from(bufs, to, LocalEnd{});
    }

    Result<std::size_t, LinkError> send_from(std::span<const PacketBuf> bufs, const SockAddr* to,
                                             const LocalEnd& via) override
    {
        if (pending_ && !connect_now()) {
            dropped_ += bufs.size(); // no route yet: lost, as 2.6's sendto loses them
            return bufs.size();
        }
        if (!connected_ && (to == nullptr || to->empty())) {
            dropped_ += bufs.size(); // nobody to send to yet (a listening peer): 2.6 writes nothing
            return bufs.size();
        }
        std::size_t done = 0;
        while (done < bufs.size()) {
            const std::size_t n = std::min(bufs.size() - done, batch_);
            prepare_send(bufs.subspan(done, n), to, via);
            int r = ::sendmmsg(fd_, hdrs_.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
            if (r < 0) {
                const int e = errno;
                if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ENOBUFS)
                    return done;
                record(true, e);
                // EINVAL: the kernel refused the pktinfo (our address is gone)
                if (!passing_error(e) && !(e == EINVAL && !via.empty()))
                    return Err{LinkError{LinkErrorKind::Io, e}};
                ++dropped_; // skip the packet the kernel refused
                ++done;
                continue;
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
    // remote: the peer this socket is for, also while its connect waits.
    SockAddr remote() const override { return connected_ || pending_ ? remote_ : SockAddr{}; }
    std::uint64_t num_dropped() const override { return dropped_; }
    std::vector<LinkFault> take_faults() override { return std::exchange(faults_, {}); }

private:
    // keep_received: the n datagrams read, minus the empty or truncated ones
    // and, while the connect waits, those from anyone but the remote; with
    // where each came to when `to` is not empty.
    std::size_t keep_received(std::span<PacketBuf> bufs, std::span<SockAddr> from, std::span<LocalEnd> to,
                              int n)
    {
        std::size_t out = 0;
        for (int i = 0; i < n; ++i) {
            const auto& h = hdrs_[i];
            from[i].len = h.msg_hdr.msg_namelen;
            if ((h.msg_hdr.msg_flags & MSG_TRUNC) || h.msg_len == 0 || (pending_ && !(from[i] == remote_))) {
                ++dropped_;
                continue;
            }
            if (out != static_cast<std::size_t>(i)) {
                std::swap(bufs[out], bufs[i]);
                from[out] = from[i];
            }
            if (out < to.size())
                to[out] = ctl_.empty() ? LocalEnd{} : read_pktinfo(h.msg_hdr);
            bufs[out].commit(h.msg_len);
            ++out;
        }
        return out;
    }

    void prepare_send(std::span<const PacketBuf> bufs, const SockAddr* to, const LocalEnd& via)
    {
        for (std::size_t i = 0; i < bufs.size(); ++i) {
            const auto& b = bufs[i];
            iovs_[i] = iovec{const_cast<std::uint8_t*>(b.data()), b.size()};
            hdrs_[i] = mmsghdr{};
            hdrs_[i].msg_hdr.msg_iov = &iovs_[i];
            hdrs_[i].msg_hdr.msg_iovlen = 1;
            if (to && !to->empty() && !connected_) {
                hdrs_[i].msg_hdr.msg_name = const_cast<sockaddr_storage*>(&to->ss);
                hdrs_[i].msg_hdr.msg_namelen = to->len;
                if (!ctl_.empty())
                    (void)write_pktinfo(hdrs_[i].msg_hdr, ctl_[i], *to, via);
            }
        }
    }

    // connect_now: the connect that failed at open, again; a failure is
    // this send's fault.
    bool connect_now()
    {
        if (::connect(fd_, remote_.sa(), remote_.len) != 0) {
            record(true, errno);
            return false;
        }
        pending_ = false;
        connected_ = true;
        return true;
    }

    void record(bool write, int err)
    {
        if (faults_.size() >= kMaxLinkFaults)
            faults_.erase(faults_.begin());
        faults_.push_back(LinkFault{write, err, drain_error_queue(fd_)});
    }

    int fd_;
    std::size_t batch_;
    bool connected_;
    bool pending_;
    SockAddr remote_;
    std::vector<mmsghdr> hdrs_;
    std::vector<iovec> iovs_;
    std::vector<PktinfoSpace> ctl_; // one per batch slot; none without --multihome
    std::uint64_t dropped_ = 0;
    std::vector<LinkFault> faults_;
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
    set_buffers(fd, cfg.sndbuf, cfg.rcvbuf);
    if (auto err = mark_and_bind(fd, "UDP", cfg.mark, cfg.bind_addr))
        return fail(*err);
    if (auto err = set_mtu_discover(fd, cfg.mtu_discover))
        return fail(*err);
    if (cfg.pktinfo) {
        if (auto err = enable_pktinfo(fd, fam))
            return fail(*err);
    }
    if (cfg.report_errors) {
        int on = 1;
        // As 2.6: IP_RECVERR only (also on IPv6 sockets, for v4-mapped peers).
        ::setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof on);
    }
    SockAddr remote;
    bool connected = false, pending = false;
    if (cfg.connect_to && !cfg.connect_to->empty()) {
        remote = *cfg.connect_to;
        connected = ::connect(fd, remote.sa(), remote.len) == 0;
        pending = !connected; // no route yet: each send tries again
    }
    return std::unique_ptr<LinkSocket>(
        std::make_unique<UdpSocket>(fd, cfg.batch, connected, pending, remote, cfg.pktinfo));
}

} // namespace ovpn::io
