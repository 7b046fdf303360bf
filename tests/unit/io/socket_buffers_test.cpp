// io/socket_buffers: 2.6's "Socket Buffers: R=[a->b] S=[c->d]" figures: a
// fresh socket's sizes before, the socket's own after --rcvbuf/--sndbuf.
#include "openvpn/io/socket_buffers.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ovpn::io;

TEST(SocketBuffers, BeforeIsAFreshSocketsAndNowTheSocketsOwn)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    auto plain = socket_buffers(fd);
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->rcv_before, plain->rcv_now);
    EXPECT_EQ(plain->snd_before, plain->snd_now);
    int want = 4096; // the kernel doubles it (and has a floor): it differs from the default
    ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want), 0);
    auto set = socket_buffers(fd);
    ASSERT_TRUE(set);
    EXPECT_EQ(set->rcv_before, plain->rcv_before);
    EXPECT_NE(set->rcv_now, set->rcv_before);
    EXPECT_EQ(set->snd_now, plain->snd_now);
    ::close(fd);
}

TEST(SocketBuffers, LineIs26s)
{
    EXPECT_EQ(socket_buffers_line({212992, 300000, 212992, 200000}),
              "Socket Buffers: R=[212992->300000] S=[212992->200000]");
}
