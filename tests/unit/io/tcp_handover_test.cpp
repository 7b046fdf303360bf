// The TCP socket's hand-over discipline (tcp_socket.cpp): until
// handover_done() it takes only whole records out of the kernel, so that a
// DCO module taking the stream over at NEW_PEER starts on a record boundary;
// afterwards it reads in bulk. Runs over real loopback TCP, because the
// discipline relies on MSG_PEEK and SO_RCVLOWAT of TCP sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include <gtest/gtest.h>

#include "openvpn/io/link_socket.hpp"
#include "openvpn/io/tcp_framing.hpp"

using namespace ovpn;
using namespace ovpn::io;

namespace {

std::vector<std::uint8_t> record(std::size_t len, std::uint8_t seed)
{
    std::vector<std::uint8_t> r{static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)};
    for (std::size_t i = 0; i < len; ++i)
        r.push_back(static_cast<std::uint8_t>(seed + i));
    return r;
}

void append(std::vector<std::uint8_t>& to, const std::vector<std::uint8_t>& b)
{
    to.insert(to.end(), b.begin(), b.end());
}

// A connected loopback TCP pair: `raw` is a plain fd the test writes the
// stream into, `sock` the TcpLinkSocket under test.
struct Pair {
    Pair() = default;
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    ~Pair()
    {
        if (raw >= 0)
            ::close(raw);
    }
    int raw = -1;
    std::unique_ptr<TcpLinkSocket> sock;
    int sock_fd = -1;
};

void connect_pair(Pair& p, TcpConfig cfg = {})
{
    int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(l, 1), 0);
    socklen_t al = sizeof a;
    EXPECT_EQ(::getsockname(l, reinterpret_cast<sockaddr*>(&a), &al), 0);
    p.raw = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::connect(p.raw, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    int s = ::accept4(l, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    EXPECT_GE(s, 0);
    ::close(l);
    p.sock_fd = s;
    p.sock = adopt_tcp(s, cfg);
}

void write_all(int fd, const std::vector<std::uint8_t>& b, std::size_t off = 0, std::size_t len = SIZE_MAX)
{
    len = std::min(len, b.size() - off);
    ASSERT_EQ(::send(fd, b.data() + off, len, MSG_NOSIGNAL), static_cast<ssize_t>(len));
}

// queued: bytes waiting in the socket's receive queue, once `want` arrived
// (loopback delivers at once; the loop only bounds a broken kernel).
int queued_when(int fd, int want)
{
    int q = -1;
    for (int i = 0; i < 2000; ++i) {
        EXPECT_EQ(::ioctl(fd, FIONREAD, &q), 0);
        if (q >= want)
            return q;
        ::usleep(1000);
    }
    return q;
}

bool readable(int fd, int timeout_ms)
{
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    epoll_event out{};
    int n = ::epoll_wait(ep, &out, 1, timeout_ms);
    ::close(ep);
    return n == 1;
}

std::size_t recv_some(TcpLinkSocket& s, std::vector<PacketBuf>& in)
{
    std::vector<SockAddr> from(in.size());
    auto r = s.recv(in, from);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : 0;
}

} // namespace

TEST(TcpFrameScan, WholeRecordsPartialAndBad)
{
    std::vector<std::uint8_t> s;
    append(s, record(3, 1));
    append(s, record(5, 2));
    auto a = scan_frames(s, 100);
    EXPECT_EQ(a.whole, s.size());
    EXPECT_EQ(a.records, 2u);
    EXPECT_EQ(a.need, 0u);
    EXPECT_FALSE(a.bad);

    auto third = record(10, 3);
    s.insert(s.end(), third.begin(), third.begin() + 1); // half a length
    auto b = scan_frames(s, 100);
    EXPECT_EQ(b.whole, 12u);
    EXPECT_EQ(b.need, 2u);
    s.insert(s.end(), third.begin() + 1, third.begin() + 6); // length + 4 bytes
    auto c = scan_frames(s, 100);
    EXPECT_EQ(c.whole, 12u);
    EXPECT_EQ(c.records, 2u);
    EXPECT_EQ(c.need, 12u);

    const std::uint8_t zero[] = {0, 0, 1};
    EXPECT_TRUE(scan_frames(zero, 100).bad);
    auto big = record(101, 0);
    auto d = scan_frames(big, 100);
    EXPECT_TRUE(d.bad);
    EXPECT_EQ(d.whole, 0u);
    EXPECT_EQ(scan_frames({}, 100).need, 0u);
}

TEST(TcpFrameScan, ReassemblerKnowsWhetherItHoldsPartOfARecord)
{
    StreamReassembler r(100);
    EXPECT_TRUE(r.at_record_boundary());
    auto a = record(4, 9);
    r.feed(a);
    EXPECT_TRUE(r.at_record_boundary());
    r.feed(std::span<const std::uint8_t>(a).first(3));
    EXPECT_FALSE(r.at_record_boundary());
    PacketBuf out;
    EXPECT_EQ(r.next(out), StreamReassembler::Next::Packet);
    EXPECT_FALSE(r.at_record_boundary());
}

// Before the hand-over: whole records come out, the partial one stays in the
// kernel, and epoll stays quiet until its rest arrives.
TEST(TcpHandover, NeverTakesPartOfARecordBeforeHandover)
{
    Pair p;
    connect_pair(p);
    std::vector<std::uint8_t> s;
    append(s, record(100, 1));
    append(s, record(7, 2));
    append(s, record(1500, 3));
    auto fourth = record(300, 4);
    write_all(p.raw, s);
    write_all(p.raw, fourth, 0, 50); // the length and 48 bytes of the body
    ASSERT_EQ(queued_when(p.sock_fd, static_cast<int>(s.size() + 50)), static_cast<int>(s.size() + 50));

    std::vector<PacketBuf> in(8);
    ASSERT_EQ(recv_some(*p.sock, in), 3u);
    EXPECT_EQ(in[0].size(), 100u);
    EXPECT_EQ(in[1].size(), 7u);
    EXPECT_EQ(in[2].size(), 1500u);
    EXPECT_EQ(in[2].data()[0], 3);
    EXPECT_FALSE(p.sock->holds_partial_record());
    int q = -1;
    ASSERT_EQ(::ioctl(p.sock_fd, FIONREAD, &q), 0);
    EXPECT_EQ(q, 50) << "the partial record must stay in the socket for the kernel";
    EXPECT_EQ(recv_some(*p.sock, in), 0u);
    EXPECT_FALSE(readable(p.sock_fd, 0)) << "SO_RCVLOWAT must keep epoll quiet until the record is complete";

    write_all(p.raw, fourth, 50);
    EXPECT_TRUE(readable(p.sock_fd, 5000));
    ASSERT_EQ(recv_some(*p.sock, in), 1u);
    ASSERT_EQ(in[0].size(), 300u);
    EXPECT_EQ(in[0].data()[0], 4);
    EXPECT_EQ(in[0].data()[299], static_cast<std::uint8_t>(4 + 299));
}

TEST(TcpHandover, HalfALengthStaysInTheSocketToo)
{
    Pair p;
    connect_pair(p);
    auto r = record(20, 5);
    write_all(p.raw, r, 0, 1);
    ASSERT_EQ(queued_when(p.sock_fd, 1), 1);
    std::vector<PacketBuf> in(4);
    EXPECT_EQ(recv_some(*p.sock, in), 0u);
    EXPECT_FALSE(readable(p.sock_fd, 0));
    write_all(p.raw, r, 1);
    EXPECT_TRUE(readable(p.sock_fd, 5000));
    ASSERT_EQ(recv_some(*p.sock, in), 1u);
    EXPECT_EQ(in[0].size(), 20u);
}

// After the hand-over window the socket reads in bulk again, and then it
// may hold part of a record (which is what add_peer refuses to hand over).
TEST(TcpHandover, BulkReadsAfterHandoverDone)
{
    Pair p;
    connect_pair(p);
    p.sock->handover_done();
    std::vector<std::uint8_t> s;
    append(s, record(10, 1));
    auto second = record(200, 2);
    write_all(p.raw, s);
    write_all(p.raw, second, 0, 20);
    ASSERT_EQ(queued_when(p.sock_fd, 32), 32);
    std::vector<PacketBuf> in(4);
    ASSERT_EQ(recv_some(*p.sock, in), 1u);
    EXPECT_TRUE(p.sock->holds_partial_record());
    int q = -1;
    ASSERT_EQ(::ioctl(p.sock_fd, FIONREAD, &q), 0);
    EXPECT_EQ(q, 0);
    write_all(p.raw, second, 20);
    EXPECT_TRUE(readable(p.sock_fd, 5000));
    ASSERT_EQ(recv_some(*p.sock, in), 1u);
    EXPECT_EQ(in[0].size(), 200u);
    EXPECT_FALSE(p.sock->holds_partial_record());
}

TEST(TcpHandover, HandoverDoneClearsTheLowWaterMark)
{
    Pair p;
    connect_pair(p);
    auto r = record(400, 6);
    write_all(p.raw, r, 0, 10);
    ASSERT_EQ(queued_when(p.sock_fd, 10), 10);
    std::vector<PacketBuf> in(4);
    EXPECT_EQ(recv_some(*p.sock, in), 0u);
    EXPECT_FALSE(readable(p.sock_fd, 0));
    p.sock->handover_done();
    EXPECT_TRUE(readable(p.sock_fd, 0)) << "the queued bytes are readable again after the hand-over";
    int v = 0;
    socklen_t len = sizeof v;
    ASSERT_EQ(::getsockopt(p.sock_fd, SOL_SOCKET, SO_RCVLOWAT, &v, &len), 0);
    EXPECT_EQ(v, 1);
}

TEST(TcpHandover, EofWithAPartialRecordIsClosed)
{
    Pair p;
    connect_pair(p);
    std::vector<std::uint8_t> s = record(5, 1);
    auto second = record(50, 2);
    s.insert(s.end(), second.begin(), second.begin() + 10);
    write_all(p.raw, s);
    ::shutdown(p.raw, SHUT_WR);
    EXPECT_TRUE(readable(p.sock_fd, 5000));
    std::vector<PacketBuf> in(4);
    std::vector<SockAddr> from(4);
    auto first = p.sock->recv(in, from);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(*first, 1u);
    // The partial record and the EOF: the peer closed mid-record.
    Result<std::size_t, LinkError> end = std::size_t{0};
    for (int i = 0; i < 3 && end.ok(); ++i)
        end = p.sock->recv(in, from);
    ASSERT_FALSE(end.ok());
    EXPECT_EQ(end.error().kind, LinkErrorKind::Closed);
}

TEST(TcpHandover, BadLengthBeforeHandoverResets)
{
    TcpConfig cfg;
    cfg.max_packet = 100;
    Pair p;
    connect_pair(p, cfg);
    std::vector<std::uint8_t> s = record(5, 1);
    append(s, record(101, 2));
    write_all(p.raw, s);
    ASSERT_EQ(queued_when(p.sock_fd, static_cast<int>(s.size())), static_cast<int>(s.size()));
    std::vector<PacketBuf> in(4);
    std::vector<SockAddr> from(4);
    auto first = p.sock->recv(in, from);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(*first, 1u);
    auto bad = p.sock->recv(in, from);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, LinkErrorKind::BadFrame);
}

TEST(TcpHandover, ManyRecordsInOneBatchBeforeHandover)
{
    Pair p;
    connect_pair(p);
    std::vector<std::uint8_t> s;
    for (std::uint8_t i = 0; i < 40; ++i)
        append(s, record(1 + i * 37u, i));
    write_all(p.raw, s);
    ASSERT_EQ(queued_when(p.sock_fd, static_cast<int>(s.size())), static_cast<int>(s.size()));
    std::vector<PacketBuf> in(16);
    std::size_t got = 0;
    for (int i = 0; i < 10 && got < 40; ++i) {
        std::size_t n = recv_some(*p.sock, in);
        for (std::size_t k = 0; k < n; ++k)
            EXPECT_EQ(in[k].size(), 1 + (got + k) * 37u);
        got += n;
    }
    EXPECT_EQ(got, 40u);
}
