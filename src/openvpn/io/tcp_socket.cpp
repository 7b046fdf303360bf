// io/tcp_socket.cpp: the TCP LinkSocket: non-blocking connect, 2.6's length
// framing, and a bounded send queue flushed when the fd becomes writable.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/io/socket_setup.hpp"
#include "openvpn/io/tcp_framing.hpp"

namespace ovpn::io {
namespace {

class TcpSocket final : public TcpLinkSocket {
public:
    TcpSocket(int fd, const TcpConfig& cfg, bool connected)
        : fd_(fd), cfg_(cfg), connected_(connected), rx_(cfg.max_packet)
    {
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~TcpSocket() override { ::close(fd_); }

    int fd() const override { return fd_; }
    LinkProto proto() const override { return LinkProto::TcpClient; }
    std::size_t batch_size() const override { return 32; }
    bool connected() const override { return connected_; }

    Status<LinkError> finish_connect() override
    {
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = errno;
        if (err != 0)
            return Err{LinkError{LinkErrorKind::Reset, err}};
        connected_ = true;
        return Ok{};
    }

    Result<std::size_t, LinkError> recv(std::span<PacketBuf> bufs, std::span<SockAddr> from) override
    {
        std::size_t n = 0;
        const std::size_t want = std::min(bufs.size(), from.size());
        while (n < want) {
            auto next = rx_.next(bufs[n]);
            if (next == StreamReassembler::Next::BadLength)
                return Err{LinkError{LinkErrorKind::BadFrame, 0}};
            if (next == StreamReassembler::Next::Packet) {
                from[n] = cfg_.remote;
                ++n;
                continue;
            }
            if (eof_)
                return n ? Result<std::size_t, LinkError>(n) : Err{LinkError{LinkErrorKind::Closed, 0}};
            auto space = rx_.feed_space();
            ssize_t r = ::recv(fd_, space.data(), space.size(), MSG_DONTWAIT);
            if (r > 0) {
                rx_.feed_commit(static_cast<std::size_t>(r));
                continue;
            }
            if (r == 0) {
                eof_ = true;
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                break;
            if (n)
                break; // report the error on the next call
            return Err{LinkError{errno == ECONNRESET ? LinkErrorKind::Reset : LinkErrorKind::Io, errno}};
        }
        return n;
    }

    Result<std::size_t, LinkError> send(std::span<const PacketBuf> bufs, const SockAddr*) override
    {
        std::size_t taken = 0;
        for (const auto& b : bufs) {
            if (b.size() == 0 || b.size() > 0xFFFF) {
                ++dropped_;
                ++taken;
                continue;
            }
            if (queued() + kTcpLenSize + b.size() > cfg_.send_queue)
                break;
            std::uint8_t hdr[kTcpLenSize];
            write_frame_header(b.size(), std::span<std::uint8_t, kTcpLenSize>(hdr));
            txq_.insert(txq_.end(), hdr, hdr + kTcpLenSize);
            txq_.insert(txq_.end(), b.data(), b.data() + b.size());
            ++taken;
        }
        if (connected_) {
            auto st = flush();
            if (!st)
                return Err{st.error()};
        }
        return taken;
    }

    bool wants_write() const override { return !connected_ || queued() > 0; }

    Status<LinkError> flush() override
    {
        while (queued() > 0) {
            ssize_t r = ::send(fd_, txq_.data() + tx_off_, queued(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (r > 0) {
                tx_off_ += static_cast<std::size_t>(r);
                continue;
            }
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                break;
            return Err{LinkError{
                errno == EPIPE || errno == ECONNRESET ? LinkErrorKind::Reset : LinkErrorKind::Io, errno}};
        }
        if (tx_off_ == txq_.size()) {
            txq_.clear();
            tx_off_ = 0;
        } else if (tx_off_ > (1u << 16)) {
            txq_.erase(txq_.begin(), txq_.begin() + static_cast<std::ptrdiff_t>(tx_off_));
            tx_off_ = 0;
        }
        return Ok{};
    }

    SockAddr local() const override
    {
        SockAddr s;
        s.len = sizeof s.ss;
        if (::getsockname(fd_, s.sa(), &s.len) != 0)
            s.len = 0;
        return s;
    }
    SockAddr remote() const override { return cfg_.remote; }
    std::uint64_t num_dropped() const override { return dropped_; }

private:
    std::size_t queued() const noexcept { return txq_.size() - tx_off_; }

    int fd_;
    TcpConfig cfg_;
    bool connected_;
    bool eof_ = false;
    StreamReassembler rx_;
    std::vector<std::uint8_t> txq_;
    std::size_t tx_off_ = 0;
    std::uint64_t dropped_ = 0;
};

} // namespace

Result<std::unique_ptr<TcpLinkSocket>> connect_tcp(const TcpConfig& cfg)
{
    int fd = ::socket(cfg.remote.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Err{strfmt("TCP: Cannot create TCP socket: %s", std::strerror(errno))};
    auto fail = [fd](const std::string& what) -> Result<std::unique_ptr<TcpLinkSocket>> {
        ::close(fd);
        return Err{what};
    };
    if (auto err = mark_and_bind(fd, "TCP", cfg.mark, cfg.bind_addr))
        return fail(*err);
    bool connected = false;
    if (::connect(fd, cfg.remote.sa(), cfg.remote.len) == 0)
        connected = true;
    else if (errno != EINPROGRESS)
        return fail(
            strfmt("TCP: connect to %s failed: %s", cfg.remote.to_string().c_str(), std::strerror(errno)));
    return std::unique_ptr<TcpLinkSocket>(std::make_unique<TcpSocket>(fd, cfg, connected));
}

std::unique_ptr<TcpLinkSocket> adopt_tcp(int fd, const TcpConfig& cfg)
{
    return std::make_unique<TcpSocket>(fd, cfg, true);
}

} // namespace ovpn::io
