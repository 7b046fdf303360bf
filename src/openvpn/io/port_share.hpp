// io/port_share.hpp: --port-share host port [dir]: a TCP server's connection
// that does not speak OpenVPN (wire/stream_probe.hpp) is passed on to
// another server, usually HTTPS, which then shares the VPN's port.
//
// 2.6 forks a proxy process and hands it each such socket over a unix
// socket. Here the proxy runs on the daemon's own event loop: every socket
// is non-blocking (the connect to host:port too), each direction has one
// bounded buffer (kBufferBytes) and a side is read only while its buffer
// has room, so a slow or stalled reader is held back by TCP's own flow
// control, never by the loop; per event at most kMaxBurst bytes move in
// each direction, so one busy connection cannot starve the VPN.
//
//   client fd --read--> [up buffer]   --write--> server fd (host:port)
//   client fd <-write-- [down buffer] <--read--- server fd
//
// The bytes the server looked at to decide (it only peeks, peek_head) are
// still in the client's socket and reach host:port first. An end of stream
// on one side is passed on as a half-close (shutdown(SHUT_WR)) once its
// buffer is written; the pair goes when both directions have ended, or at
// once on an error (reset, refused) of either side, as in 2.6.
//
// With [dir] a journal file names the real client for the server behind:
// dir/<the proxy's address towards host:port>, e.g.
// "[AF_INET]127.0.0.1:41584", holding the client's address,
// "[AF_INET]10.93.0.2:42828", written when the connect succeeds and
// removed when the pair goes (2.6's journal_add).
//
// Log lines are 2.6's ("PORT SHARE PROXY: ..."; the per-connection ones at
// --verb 7). Threading: the loop's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/sock_addr.hpp"

namespace ovpn::io {

// HeadPeek: what peek_head saw.
struct HeadPeek {
    enum class Kind : std::uint8_t { Bytes, WouldBlock, Closed } kind = Kind::WouldBlock;
    std::size_t len = 0; // bytes copied into `out` (Kind::Bytes)
};

// peek_head: look at up to out.size() bytes queued on stream `fd` without
// taking them. Fewer than `min` queued: WouldBlock, and SO_RCVLOWAT makes
// epoll wait until `min` are there (a peer that sends 1 byte and stalls
// does not wake the loop again and again); `min` or more: Bytes, and
// SO_RCVLOWAT is back at 1 for whoever reads the stream next. Closed: the
// peer ended the stream (or it failed) before `min` bytes; the bytes, if
// any, are left for the reader, which then sees the end.
HeadPeek peek_head(int fd, std::span<std::uint8_t> out, std::size_t min);

// resolve_port_share: 2.6's lookup of --port-share host port: IPv4 only,
// the port may be a service name. Errors are 2.6's "RESOLVE: ..." line.
Result<SockAddr> resolve_port_share(const std::string& host, const std::string& port);

class PortShare {
public:
    static constexpr std::size_t kBufferBytes = 16 * 1024;
    static constexpr std::size_t kMaxBurst = 64 * 1024;
    static constexpr Duration kConnectTimeout = seconds(5); // 2.6's openvpn_connect timeout

    struct Stats {
        std::uint64_t redirected = 0;      // connections handed to redirect()
        std::uint64_t connect_failed = 0;  // host:port refused, timed out, or no socket
        std::uint64_t bytes_to_server = 0; // client -> host:port
        std::uint64_t bytes_to_client = 0; // host:port -> client
    };

    // PortShare: proxy to `target`; `journal_dir` is --port-share's [dir].
    // `loop` and `log` must outlive it. Logs 2.6's "proxy starting".
    PortShare(EventLoop& loop, Logger& log, SockAddr target, std::optional<std::string> journal_dir);
    // ~PortShare: closes every pair (journal files removed), "proxy exiting".
    ~PortShare();
    PortShare(const PortShare&) = delete;
    PortShare& operator=(const PortShare&) = delete;

    // redirect: proxy the connected stream `client_fd` to the target. The fd
    // is duplicated, not taken: the caller closes its own as usual.
    void redirect(int client_fd);

    std::size_t num_connections() const noexcept { return conns_.size(); }
    const Stats& stats() const noexcept { return stats_; }

private:
    struct Conn;
    struct Side;

    void on_event(std::uint64_t id, bool server_side, std::uint32_t events);
    void on_connected(Conn& c);
    void on_connect_timeout(std::uint64_t id);
    bool pump(Conn& c);
    bool move(Side& from, Side& to, std::uint64_t& counter);
    bool drain(Side& from, Side& to, std::uint64_t& counter);
    void watch(Conn& c);
    void journal_add(Conn& c);
    void close(std::uint64_t id);

    EventLoop& loop_;
    Logger& log_;
    SockAddr target_;
    std::optional<std::string> journal_dir_;
    std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns_;
    std::uint64_t next_id_ = 1;
    Stats stats_;
};

} // namespace ovpn::io
