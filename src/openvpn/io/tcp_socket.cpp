// io/tcp_socket.cpp: the TCP LinkSocket: non-blocking connect, 2.6's length
// framing, and a bounded send queue flushed when the fd becomes writable.
//
// Reads: until handover_done() the socket takes only whole records out of
// the kernel (peek, then consume exactly the complete ones), so that when
// the DCO module takes the stream over at NEW_PEER it starts on a record
// boundary and userspace holds no part of a record. Whole records read
// before the hand-over are still returned by recv(). After handover_done()
// (both data planes call it in add_peer) reads are bulk again: one recv()
// per batch. See link_socket.hpp and tests/kernel/README.md.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
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
            auto got = whole_records_only_ ? read_whole_records() : read_bulk();
            if (got == Read::Progress)
                continue;
            if (got == Read::Eof) {
                eof_ = true;
                continue;
            }
            if (got == Read::WouldBlock)
                break;
            if (got == Read::BadFrame)
                return n ? Result<std::size_t, LinkError>(n) : Err{LinkError{LinkErrorKind::BadFrame, 0}};
            if (n)
                break; // report the error on the next call
            return Err{LinkError{errno_ == ECONNRESET ? LinkErrorKind::Reset : LinkErrorKind::Io, errno_}};
        }
        return n;
    }

    void handover_done() override
    {
        whole_records_only_ = false;
        // Always, even when it is already 1: setting SO_RCVLOWAT makes TCP
        // call sk_data_ready when bytes are queued, and after NEW_PEER that
        // is the module's parser, which otherwise would not look at bytes
        // that arrived before the hand-over until the next segment.
        set_rcvlowat(1, true);
    }

    bool holds_partial_record() const override { return !rx_.at_record_boundary(); }

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
    enum class Read : std::uint8_t { Progress, WouldBlock, Eof, BadFrame, Error };

    std::size_t queued() const noexcept { return txq_.size() - tx_off_; }

    // read_bulk: as much of the stream as fits (after the hand-over window).
    Read read_bulk()
    {
        auto space = rx_.feed_space();
        ssize_t r = ::recv(fd_, space.data(), space.size(), MSG_DONTWAIT);
        if (r > 0) {
            rx_.feed_commit(static_cast<std::size_t>(r));
            return Read::Progress;
        }
        if (r == 0)
            return Read::Eof;
        return read_error();
    }

    // read_whole_records: while a kernel hand-over (DCO NEW_PEER) may still
    // come, take only whole records out of the socket: peek at what is
    // queued, then consume exactly the records that are complete. A partial
    // record stays in the socket, where the kernel finds it on a record
    // boundary; SO_RCVLOWAT keeps epoll quiet until it is complete (2.6's
    // stream_buf instead reads up to its buffer size and may hold part of
    // the next record at the hand-over).
    Read read_whole_records()
    {
        auto space = rx_.feed_space();
        ssize_t p = ::recv(fd_, space.data(), space.size(), MSG_DONTWAIT | MSG_PEEK);
        if (p == 0)
            return Read::Eof;
        if (p < 0)
            return read_error();
        auto scan = scan_frames(space.first(static_cast<std::size_t>(p)), cfg_.max_packet);
        if (scan.whole == 0) {
            if (scan.bad)
                return Read::BadFrame;
            // The peer may have closed after part of a record: then the
            // rest never comes, and the peek would go on showing the same
            // bytes.
            if (peer_shut_down())
                return Read::Eof;
            set_rcvlowat(scan.need, false);
            return Read::WouldBlock;
        }
        std::size_t got = 0;
        while (got < scan.whole) {
            // The bytes were just peeked, so this does not block; a short read
            // only continues.
            ssize_t r = ::recv(fd_, space.data() + got, scan.whole - got, MSG_DONTWAIT);
            if (r <= 0) {
                rx_.feed_commit(got);
                return r == 0 ? Read::Eof : read_error();
            }
            got += static_cast<std::size_t>(r);
        }
        rx_.feed_commit(got);
        set_rcvlowat(1, false);
        return Read::Progress;
    }

    bool peer_shut_down() const
    {
        pollfd p{fd_, POLLRDHUP, 0};
        return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
    }

    Read read_error()
    {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return Read::WouldBlock;
        errno_ = errno;
        return Read::Error;
    }

    // set_rcvlowat: epoll reports the socket readable only once `bytes` are
    // queued. Best effort (a failure only costs wake-ups).
    void set_rcvlowat(std::size_t bytes, bool force)
    {
        int v = static_cast<int>(std::max<std::size_t>(bytes, 1));
        if (v == rcvlowat_ && !force)
            return;
        if (::setsockopt(fd_, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v) == 0)
            rcvlowat_ = v;
    }

    int fd_;
    TcpConfig cfg_;
    bool connected_;
    bool eof_ = false;
    bool whole_records_only_ = true; // until handover_done()
    int rcvlowat_ = 1;
    int errno_ = 0;
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
    if (auto err = set_mtu_discover(fd, cfg.mtu_discover))
        return fail(*err);
    set_buffers(fd, cfg.sndbuf, cfg.rcvbuf);
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
    (void)set_mtu_discover(fd, cfg.mtu_discover);
    set_buffers(fd, cfg.sndbuf, cfg.rcvbuf);
    return std::make_unique<TcpSocket>(fd, cfg, true);
}

} // namespace ovpn::io
