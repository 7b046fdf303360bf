// io/link_socket.hpp: the transport towards the peer(s), batch-shaped (G5).
// A LinkSocket moves whole OpenVPN packets: UDP maps one packet to one
// datagram (recvmmsg/sendmmsg); TCP adds and strips 2.6's 16-bit big-endian
// length prefix and reassembles packets from the byte stream. Callers never
// see the framing, so the control channel and the data plane are the same
// over both.
//
// Threading: one thread at a time (the event loop's). Non-blocking always.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "openvpn/core/packet_buf.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/io/sock_addr.hpp"
#include "openvpn/io/socket_setup.hpp"

namespace ovpn::io {

enum class LinkProto : std::uint8_t { Udp, TcpClient, TcpServer };

// LinkError: why a link operation failed. Closed/Reset/BadFrame end a TCP
// connection (2.6 logs "Connection reset, restarting"); Io is any other errno.
enum class LinkErrorKind : std::uint8_t { Closed, Reset, BadFrame, Io };
struct LinkError {
    LinkErrorKind kind = LinkErrorKind::Io;
    int err = 0; // errno for Io/Reset
    std::string message() const;
};

// LinkFault: an error a UDP socket kept going past, as 2.6 does: a datagram
// the kernel refused (write: no route, no source address, ...) or an error a
// read returned (an ICMP report such as port or host unreachable). 2.6 logs
// each ("write UDPv4 []: Network is unreachable (fd=3,code=101)"); what it
// means for the session is the owner's decision.
struct LinkFault {
    bool write = false;
    int err = 0;        // errno
    std::string detail; // the kernel's queued reports in 2.6's words ("EHOSTUNREACH|..."), may be ""
};

class LinkSocket {
public:
    virtual ~LinkSocket() = default;

    // fd: the descriptor for the event loop (readable = recv may return
    // packets); -1 when there is none.
    virtual int fd() const = 0;
    virtual LinkProto proto() const = 0;
    // batch_size: how many packets one recv/send call handles at most.
    virtual std::size_t batch_size() const = 0;

    // recv: fill bufs[0..n) with received packets (each buf is reset to the
    // default headroom first, then the packet is committed) and from[i] with
    // the sender (TCP: the connected peer). `from` must be at least as long
    // as `bufs`. Returns n, 0 when nothing is ready (EAGAIN). Oversized or
    // truncated UDP datagrams are dropped and counted, not returned.
    virtual Result<std::size_t, LinkError> recv(std::span<PacketBuf> bufs, std::span<SockAddr> from) = 0;

    // send: send packets in order; `to` is the destination for an unconnected
    // UDP socket (nullptr: the connected peer). Returns how many packets were
    // taken (UDP: the rest would block and may be dropped by the caller;
    // TCP: the rest did not fit the send queue). The bufs are not modified.
    virtual Result<std::size_t, LinkError> send(std::span<const PacketBuf> bufs, const SockAddr* to) = 0;

    // recv_local: recv, and to[i]: where packet i came to. Only a UDP
    // socket opened with UdpConfig::pktinfo knows it; other sockets leave
    // every to[i] empty. `to` must be at least as long as `bufs`.
    virtual Result<std::size_t, LinkError> recv_local(std::span<PacketBuf> bufs, std::span<SockAddr> from,
                                                      std::span<LocalEnd> to)
    {
        std::fill(to.begin(), to.end(), LocalEnd{});
        return recv(bufs, from);
    }
    // send_from: send, leaving from `via` (what recv_local gave for a packet
    // from `to`). Only an unconnected UDP socket applies it; empty: as send.
    virtual Result<std::size_t, LinkError> send_from(std::span<const PacketBuf> bufs, const SockAddr* to,
                                                     const LocalEnd& via)
    {
        (void)via;
        return send(bufs, to);
    }

    // wants_write: true while queued bytes wait for the fd to become
    // writable (TCP only); the loop then watches kWritable and calls flush().
    virtual bool wants_write() const { return false; }
    virtual Status<LinkError> flush() { return Ok{}; }

    // local / remote: the bound address, and the connected peer (or empty).
    virtual SockAddr local() const = 0;
    virtual SockAddr remote() const = 0;

    // num_dropped: datagrams/frames dropped inside the socket (too large).
    virtual std::uint64_t num_dropped() const { return 0; }

    // take_faults: the faults since the last call, oldest first (a UDP
    // socket keeps the last kMaxLinkFaults). TCP has none: its errors end
    // the link.
    virtual std::vector<LinkFault> take_faults() { return {}; }

    // set_tos: --passtos: the IPv4 TOS byte of everything sent from now on
    // (IP_TOS, as 2.6's link_socket_set_tos; an IPv6 socket applies it to
    // its IPv4-mapped peers). A refusal is ignored, as in 2.6.
    virtual void set_tos(std::uint8_t tos) { set_ip_tos(fd(), tos); }

    // TCP hand-over to the kernel (DCO: NEW_PEER gives the module the
    // socket, which then parses the stream itself). Until handover_done() a
    // TCP socket takes only whole records out of the kernel, so the module
    // starts on a record boundary; records already read are still returned
    // by recv(), and after the hand-over recv() gets the control records the
    // module passes up. handover_done(): the hand-over happened or can no
    // longer happen (both data planes call it in add_peer); reads are bulk
    // from then on. No-op for UDP.
    virtual void handover_done() {}
    // holds_partial_record: userspace holds the first part of a record whose
    // rest is still in the stream (possible only after handover_done()); a
    // hand-over now would start the kernel in the middle of a record.
    virtual bool holds_partial_record() const { return false; }
};

// UdpConfig: --proto udp/udp4/udp6 with --local/--lport (bind) or --nobind,
// and the remote it talks to.
inline constexpr std::size_t kMaxLinkFaults = 16;

// UdpConfig: connect_to: the socket is connect()ed to the remote (a client
// without --float). When that fails (no route yet, no source address) the
// socket is not refused: it stays unconnected, takes only the remote's
// datagrams, and connects before the next send, whose packets meanwhile
// fail as write faults with connect's errno, as 2.6's sendto would.
// report_errors: IP_RECVERR, so ICMP reports carry 2.6's detail.
struct UdpConfig {
    Family family = Family::Any;        // from udp4/udp6 or the remote's address
    std::optional<SockAddr> bind_addr;  // --local/--lport; none: --nobind (kernel picks)
    std::optional<SockAddr> connect_to; // the remote (see above)
    bool report_errors = false;
    std::size_t batch = 32;
    int sndbuf = 0, rcvbuf = 0;      // --sndbuf/--rcvbuf; 0 = leave the kernel default
    int mark = 0;                    // --mark; 0 = none
    std::optional<int> mtu_discover; // --mtu-disc (io::mtu_discover_type); none: kernel default
    // pktinfo: --multihome: IP_PKTINFO (IPv4 socket) or IPV6_RECVPKTINFO
    // (IPv6 socket, also for its IPv4-mapped peers), so recv_local reports
    // where each datagram came to and send_from can answer from there.
    bool pktinfo = false;
};

// open_udp: a non-blocking UDP socket (IPv6 sockets accept IPv4-mapped peers
// unless bound to a specific v6 address). Errors name the address and errno.
Result<std::unique_ptr<LinkSocket>> open_udp(const UdpConfig& cfg);

struct TcpConfig {
    SockAddr remote;
    std::optional<SockAddr> bind_addr;   // --local/--lport with --bind
    std::size_t max_packet = 1600 + 256; // largest accepted frame (2.6: buffer size)
    std::size_t send_queue = 1 << 20;    // bytes queued before send() refuses
    int mark = 0;
    int sndbuf = 0, rcvbuf = 0;      // --sndbuf/--rcvbuf; 0 = leave the kernel default
    std::optional<int> mtu_discover; // --mtu-disc; TCP_NODELAY is always set
};

// TcpLinkSocket adds the connection step: connect_tcp starts a non-blocking
// connect; the loop waits for kWritable and calls finish_connect().
class TcpLinkSocket : public LinkSocket {
public:
    // finish_connect: the result of the pending connect (SO_ERROR).
    virtual Status<LinkError> finish_connect() = 0;
    virtual bool connected() const = 0;
};
Result<std::unique_ptr<TcpLinkSocket>> connect_tcp(const TcpConfig& cfg);
// adopt_tcp: wrap an already connected stream fd (server side / tests);
// takes ownership of fd. cfg.mtu_discover is set on it; a failure there
// (only on a socket that is not TCP/IP) leaves the socket as it was.
std::unique_ptr<TcpLinkSocket> adopt_tcp(int fd, const TcpConfig& cfg);

} // namespace ovpn::io
