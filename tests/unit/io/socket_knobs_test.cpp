// The settings put on a link socket (--mtu-disc as 2.6; TCP_NODELAY, which
// this build sets on every TCP link socket whether or not --socket-flags
// asks), read back from the sockets open_udp / connect_tcp / adopt_tcp hand
// out.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "openvpn/io/link_socket.hpp"
#include "openvpn/io/socket_setup.hpp"

using namespace ovpn;
using namespace ovpn::io;

namespace {

int int_option(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_EQ(::getsockopt(fd, level, name, &v, &len), 0);
    return v;
}

// Listener: a loopback TCP listener on a kernel-chosen port.
struct Listener {
    int fd = -1;
    SockAddr addr;
    Listener()
    {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        auto a = SockAddr::parse_numeric("127.0.0.1", 0);
        EXPECT_TRUE(a.ok());
        EXPECT_EQ(::bind(fd, a->sa(), a->len), 0);
        EXPECT_EQ(::listen(fd, 4), 0);
        addr = *a;
        addr.len = sizeof addr.ss;
        EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr.ss), &addr.len), 0);
    }
    ~Listener() { ::close(fd); }
};

} // namespace

TEST(SocketKnobs, MtuDiscWordsAreTheKernelsTypes)
{
    EXPECT_EQ(mtu_discover_type("yes"), IP_PMTUDISC_DO);
    EXPECT_EQ(mtu_discover_type("maybe"), IP_PMTUDISC_WANT);
    EXPECT_EQ(mtu_discover_type("no"), IP_PMTUDISC_DONT);
    EXPECT_FALSE(mtu_discover_type("always").has_value());
}

TEST(SocketKnobs, UdpV4SocketCarriesMtuDisc)
{
    for (int type : {IP_PMTUDISC_DONT, IP_PMTUDISC_WANT, IP_PMTUDISC_DO}) {
        UdpConfig c;
        c.family = Family::V4;
        c.bind_addr = *SockAddr::parse_numeric("127.0.0.1", 0);
        c.mtu_discover = type;
        auto s = open_udp(c);
        ASSERT_TRUE(s.ok()) << s.error();
        EXPECT_EQ(int_option((*s)->fd(), IPPROTO_IP, IP_MTU_DISCOVER), type);
    }
}

TEST(SocketKnobs, UdpV6SocketCarriesIpv6MtuDisc)
{
    UdpConfig c;
    c.family = Family::V6;
    c.mtu_discover = IP_PMTUDISC_DONT;
    auto s = open_udp(c);
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(int_option((*s)->fd(), IPPROTO_IPV6, IPV6_MTU_DISCOVER), IP_PMTUDISC_DONT);
    // its v4-mapped peers' packets are IPv4 ones
    EXPECT_EQ(int_option((*s)->fd(), IPPROTO_IP, IP_MTU_DISCOVER), IP_PMTUDISC_DONT);
}

TEST(SocketKnobs, WithoutMtuDiscTheKernelDefaultStays)
{
    UdpConfig c;
    c.family = Family::V4;
    auto plain = ::socket(AF_INET, SOCK_DGRAM, 0);
    const int kernel_default = int_option(plain, IPPROTO_IP, IP_MTU_DISCOVER);
    ::close(plain);
    auto s = open_udp(c);
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(int_option((*s)->fd(), IPPROTO_IP, IP_MTU_DISCOVER), kernel_default);
}

TEST(SocketKnobs, TcpClientSocketCarriesNodelayAndMtuDisc)
{
    Listener l;
    TcpConfig c;
    c.remote = l.addr;
    c.mtu_discover = IP_PMTUDISC_DONT;
    auto s = connect_tcp(c);
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(int_option((*s)->fd(), IPPROTO_TCP, TCP_NODELAY), 1);
    EXPECT_EQ(int_option((*s)->fd(), IPPROTO_IP, IP_MTU_DISCOVER), IP_PMTUDISC_DONT);
}

TEST(SocketKnobs, AcceptedTcpSocketCarriesNodelayAndMtuDisc)
{
    Listener l;
    TcpConfig c;
    c.remote = l.addr;
    auto s = connect_tcp(c);
    ASSERT_TRUE(s.ok()) << s.error();
    int fd = ::accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(fd, 0);
    TcpConfig server;
    server.mtu_discover = IP_PMTUDISC_WANT;
    auto a = adopt_tcp(fd, server);
    EXPECT_EQ(int_option(a->fd(), IPPROTO_TCP, TCP_NODELAY), 1);
    EXPECT_EQ(int_option(a->fd(), IPPROTO_IP, IP_MTU_DISCOVER), IP_PMTUDISC_WANT);
}
