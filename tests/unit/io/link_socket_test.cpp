#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "openvpn/io/link_socket.hpp"
#include "openvpn/io/tcp_framing.hpp"

using namespace ovpn;
using namespace ovpn::io;

namespace {
std::vector<PacketBuf> bufs_of(std::size_t n)
{
    std::vector<PacketBuf> v;
    for (std::size_t i = 0; i < n; ++i)
        v.emplace_back();
    return v;
}
PacketBuf packet(std::size_t len, std::uint8_t seed)
{
    PacketBuf b;
    for (std::size_t i = 0; i < len; ++i)
        b.append(std::span<const std::uint8_t>(&seed, 1)), ++seed;
    return b;
}
} // namespace

TEST(SockAddr, FormatsLike26)
{
    auto a = SockAddr::parse_numeric("10.0.0.1", 1194);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->to_string(), "[AF_INET]10.0.0.1:1194");
    auto b = SockAddr::parse_numeric("fd00::1", 443);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->to_string(), "[AF_INET6]fd00::1:443");
    EXPECT_FALSE(SockAddr::parse_numeric("vpn.example", 1).ok());
    EXPECT_TRUE(*a == *SockAddr::parse_numeric("10.0.0.1", 1194));
    auto r = resolve("127.0.0.1", 1194, Family::V4, SockType::Datagram);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[0].to_string(), "[AF_INET]127.0.0.1:1194");
}

TEST(TcpFraming, ReassemblesAcrossArbitrarySplits)
{
    StreamReassembler r(1600);
    std::vector<std::uint8_t> stream;
    for (std::size_t len : {1u, 100u, 1600u, 3u}) {
        std::uint8_t hdr[2];
        ASSERT_TRUE(write_frame_header(len, std::span<std::uint8_t, 2>(hdr)));
        stream.insert(stream.end(), hdr, hdr + 2);
        for (std::size_t i = 0; i < len; ++i)
            stream.push_back(static_cast<std::uint8_t>(len + i));
    }
    PacketBuf out;
    std::vector<std::size_t> lens;
    for (std::size_t i = 0; i < stream.size(); i += 7) {
        r.feed(std::span<const std::uint8_t>(stream).subspan(i, std::min<std::size_t>(7, stream.size() - i)));
        while (r.next(out) == StreamReassembler::Next::Packet) {
            lens.push_back(out.size());
            EXPECT_EQ(out.data()[0], static_cast<std::uint8_t>(out.size()));
        }
    }
    EXPECT_EQ(lens, (std::vector<std::size_t>{1, 100, 1600, 3}));
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(TcpFraming, BadLengthIsSticky)
{
    StreamReassembler r(100);
    const std::uint8_t zero[] = {0, 0, 1, 2};
    r.feed(zero);
    PacketBuf out;
    EXPECT_EQ(r.next(out), StreamReassembler::Next::BadLength);
    EXPECT_EQ(r.next(out), StreamReassembler::Next::BadLength);
    StreamReassembler big(100);
    const std::uint8_t huge[] = {0, 101};
    big.feed(huge);
    EXPECT_EQ(big.next(out), StreamReassembler::Next::BadLength);
    std::uint8_t hdr[2];
    EXPECT_FALSE(write_frame_header(0, std::span<std::uint8_t, 2>(hdr)));
    EXPECT_FALSE(write_frame_header(70000, std::span<std::uint8_t, 2>(hdr)));
}

TEST(UdpLinkSocket, BatchOverLoopback)
{
    UdpConfig sc;
    sc.bind_addr = *SockAddr::parse_numeric("127.0.0.1", 0);
    auto server = open_udp(sc);
    ASSERT_TRUE(server.ok()) << server.error();
    UdpConfig cc;
    cc.connect_to = (*server)->local();
    auto client = open_udp(cc);
    ASSERT_TRUE(client.ok()) << client.error();

    std::vector<PacketBuf> out;
    for (std::uint8_t i = 0; i < 10; ++i)
        out.push_back(packet(100 + i, i));
    auto sent = (*client)->send(out, nullptr);
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(*sent, 10u);

    auto in = bufs_of(32);
    std::vector<SockAddr> from(32);
    std::size_t got = 0;
    for (int tries = 0; tries < 100 && got < 10; ++tries) {
        auto n =
            (*server)->recv(std::span<PacketBuf>(in).subspan(got), std::span<SockAddr>(from).subspan(got));
        ASSERT_TRUE(n.ok());
        got += *n;
        if (*n == 0)
            ::usleep(1000);
    }
    ASSERT_EQ(got, 10u);
    for (std::size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(in[i].size(), 100 + i);
        EXPECT_EQ(from[i], (*client)->local());
    }
    // Reply to the unconnected server socket's peer by address.
    auto back = (*server)->send(std::span<const PacketBuf>(out).first(1), &from[0]);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, 1u);
}

// A UDP socket goes past the errors 2.6 goes past and reports them as faults
// for the owner to log: an ICMP port unreachable on a read (with 2.6's
// detail from the error queue), a datagram the kernel refuses on a write.
TEST(UdpLinkSocket, ReportsTheErrorsItGoesPast)
{
    UdpConfig sc;
    sc.bind_addr = *SockAddr::parse_numeric("127.0.0.1", 0);
    auto gone = open_udp(sc); // a port nobody will listen on once closed
    ASSERT_TRUE(gone.ok()) << gone.error();
    const SockAddr dead = (*gone)->local();
    gone->reset();
    UdpConfig cc;
    cc.connect_to = dead;
    cc.report_errors = true;
    auto client = open_udp(cc);
    ASSERT_TRUE(client.ok()) << client.error();
    std::vector<PacketBuf> out;
    out.push_back(packet(100, 1));
    ASSERT_TRUE((*client)->send(out, nullptr).ok());
    auto in = bufs_of(4);
    std::vector<SockAddr> from(4);
    std::vector<LinkFault> faults;
    for (int tries = 0; tries < 100 && faults.empty(); ++tries) {
        auto n = (*client)->recv(in, from);
        ASSERT_TRUE(n.ok()) << "an ICMP report must not end a UDP link";
        EXPECT_EQ(*n, 0u);
        faults = (*client)->take_faults();
        if (faults.empty())
            ::usleep(1000);
    }
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_FALSE(faults[0].write);
    EXPECT_EQ(faults[0].err, ECONNREFUSED);
    EXPECT_EQ(faults[0].detail, "ECONNREFUSED");
    EXPECT_TRUE((*client)->take_faults().empty());

    // Too large for a datagram: dropped, reported, and the link goes on.
    std::vector<PacketBuf> big;
    big.emplace_back(70000, 0);
    std::vector<std::uint8_t> bytes(66000, 7);
    ASSERT_TRUE(big[0].append(bytes));
    auto sent = (*client)->send(big, nullptr);
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(*sent, 1u);
    faults = (*client)->take_faults();
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_TRUE(faults[0].write);
    EXPECT_EQ(faults[0].err, EMSGSIZE);
}

TEST(TcpLinkSocket, FramesOverAStreamPair)
{
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    TcpConfig cfg;
    auto a = adopt_tcp(sv[0], cfg);
    auto b = adopt_tcp(sv[1], cfg);
    std::vector<PacketBuf> out;
    for (std::uint8_t i = 0; i < 20; ++i)
        out.push_back(packet(1 + i * 70, i));
    auto sent = a->send(out, nullptr);
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(*sent, 20u);
    EXPECT_FALSE(a->wants_write());
    auto in = bufs_of(32);
    std::vector<SockAddr> from(32);
    auto n = b->recv(in, from);
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(*n, 20u);
    for (std::size_t i = 0; i < 20; ++i)
        EXPECT_EQ(in[i].size(), 1 + i * 70);
    a.reset(); // peer closes: Closed, not a hang
    auto end = b->recv(in, from);
    ASSERT_FALSE(end.ok());
    EXPECT_EQ(end.error().kind, LinkErrorKind::Closed);
}

TEST(TcpLinkSocket, GarbageLengthResets)
{
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    TcpConfig cfg;
    cfg.max_packet = 200;
    auto b = adopt_tcp(sv[1], cfg);
    const std::uint8_t junk[] = {0xFF, 0xFF, 1, 2, 3};
    ASSERT_EQ(::write(sv[0], junk, sizeof junk), 5);
    auto in = bufs_of(4);
    std::vector<SockAddr> from(4);
    auto r = b->recv(in, from);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, LinkErrorKind::BadFrame);
    ::close(sv[0]);
}
