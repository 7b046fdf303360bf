// io::PortShare over real loopback sockets: a "client" connection accepted
// by a test listener is redirected to a "web" listener; the test plays both
// ends and runs the loop.
#include "openvpn/io/port_share.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace ovpn;
using namespace ovpn::io;

namespace {

int listen_loopback(std::uint16_t* port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd, 8), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    *port = ntohs(a.sin_port);
    return fd;
}

// connect_loopback: rcvbuf > 0 is set before the connect, so the window
// the peer sees is small from the start (shrinking it later stalls TCP).
int connect_loopback(std::uint16_t port, int rcvbuf = 0)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (rcvbuf > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
}

void set_nonblock(int fd)
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void send_all(int fd, const std::string& s)
{
    ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
}

// Fixture: `user` is the far end of the connection the proxy gets (`accepted`
// is the server's end, non-blocking as the server's are); `web` listens.
struct PortShareTest : ::testing::Test {
    SystemClock clock;
    EventLoop loop{clock};
    Logger log{stderr};
    int web_listen = -1, user = -1, accepted = -1;
    std::uint16_t web_port = 0;
    int user_rcvbuf = 0; // set by a test's constructor

    void SetUp() override
    {
        web_listen = listen_loopback(&web_port);
        std::uint16_t vpn_port = 0;
        const int vpn_listen = listen_loopback(&vpn_port);
        user = connect_loopback(vpn_port, user_rcvbuf);
        accepted = ::accept4(vpn_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        ::close(vpn_listen);
    }
    void TearDown() override
    {
        for (int fd : {web_listen, user, accepted})
            if (fd >= 0)
                ::close(fd);
    }
    SockAddr web_addr() const { return SockAddr::parse_numeric("127.0.0.1", web_port).value(); }
    // spin: run the loop until done() or about 2 s passed.
    bool spin(const std::function<bool()>& done)
    {
        for (int i = 0; i < 200; ++i) {
            if (done())
                return true;
            EXPECT_TRUE(loop.run_once(milliseconds(10)).ok());
        }
        return done();
    }
    // hand_over: what the server does: the proxy gets it, the server's fd goes.
    void hand_over(PortShare& ps)
    {
        ps.redirect(accepted);
        ::close(accepted);
        accepted = -1;
    }
    int accept_web()
    {
        set_nonblock(web_listen);
        int w = -1;
        spin([&] { return (w = ::accept4(web_listen, nullptr, nullptr, SOCK_CLOEXEC)) >= 0; });
        return w;
    }
    std::string read_some(int fd, std::size_t want)
    {
        std::string got;
        set_nonblock(fd);
        spin([&] {
            char b[4096];
            ssize_t r;
            while ((r = ::recv(fd, b, sizeof b, 0)) > 0)
                got.append(b, static_cast<std::size_t>(r));
            return got.size() >= want || r == 0;
        });
        return got;
    }
};

} // namespace

TEST_F(PortShareTest, PeekLeavesTheBytesAndWaitsForTwo)
{
    std::uint8_t head[3] = {};
    EXPECT_EQ(peek_head(accepted, head, 2).kind, HeadPeek::Kind::WouldBlock);
    send_all(user, "G");
    usleep(20000);
    EXPECT_EQ(peek_head(accepted, head, 2).kind, HeadPeek::Kind::WouldBlock);
    int lowat = 0;
    socklen_t len = sizeof lowat;
    ::getsockopt(accepted, SOL_SOCKET, SO_RCVLOWAT, &lowat, &len);
    EXPECT_EQ(lowat, 2); // epoll stays quiet until the second byte
    send_all(user, "ET /");
    usleep(20000);
    const HeadPeek p = peek_head(accepted, head, 2);
    ASSERT_EQ(p.kind, HeadPeek::Kind::Bytes);
    EXPECT_EQ(p.len, 3u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(head), 3), "GET");
    ::getsockopt(accepted, SOL_SOCKET, SO_RCVLOWAT, &lowat, &len);
    EXPECT_EQ(lowat, 1);
    char all[8] = {};
    EXPECT_EQ(::recv(accepted, all, sizeof all, 0), 5); // nothing was taken
}

TEST_F(PortShareTest, PeekSeesAnEndBeforeTwoBytes)
{
    send_all(user, "G");
    ::shutdown(user, SHUT_WR);
    usleep(20000);
    std::uint8_t head[3] = {};
    EXPECT_EQ(peek_head(accepted, head, 2).kind, HeadPeek::Kind::Closed);
}

TEST_F(PortShareTest, RequestReplayedAndAnswerRelayedWithHalfClose)
{
    const std::string req = "GET / HTTP/1.0\r\n\r\n";
    send_all(user, req);
    ::shutdown(user, SHUT_WR); // the user is done sending but still reads
    PortShare ps(loop, log, web_addr(), std::nullopt);
    hand_over(ps);
    const int w = accept_web();
    ASSERT_GE(w, 0);
    EXPECT_EQ(read_some(w, req.size() + 1), req); // then the end of stream, passed on
    send_all(w, "HTTP/1.0 200 OK\r\n\r\nhello");
    ::close(w);
    EXPECT_EQ(read_some(user, 1 << 20), "HTTP/1.0 200 OK\r\n\r\nhello");
    EXPECT_TRUE(spin([&] { return ps.num_connections() == 0; }));
    EXPECT_EQ(ps.stats().bytes_to_server, req.size());
    EXPECT_EQ(ps.stats().bytes_to_client, 24u);
}

TEST_F(PortShareTest, JournalNamesTheClientWhileTheConnectionLasts)
{
    char tmpl[] = "/tmp/ps-journal-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::filesystem::path dir(tmpl);
    send_all(user, "GET");
    PortShare ps(loop, log, web_addr(), dir.string());
    hand_over(ps);
    const int w = accept_web();
    ASSERT_GE(w, 0);
    sockaddr_in proxy_end{};
    socklen_t len = sizeof proxy_end;
    ::getpeername(w, reinterpret_cast<sockaddr*>(&proxy_end), &len);
    sockaddr_in user_end{};
    len = sizeof user_end;
    ::getsockname(user, reinterpret_cast<sockaddr*>(&user_end), &len);
    const auto file = dir / ("[AF_INET]127.0.0.1:" + std::to_string(ntohs(proxy_end.sin_port)));
    ASSERT_TRUE(spin([&] { return std::filesystem::exists(file); })); // once the proxy saw the connect
    std::ifstream in(file);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "[AF_INET]127.0.0.1:" + std::to_string(ntohs(user_end.sin_port)));
    ::close(user); // a reset or an end on one side ends the pair once all is passed on
    user = -1;
    ::close(w);
    EXPECT_TRUE(spin([&] { return ps.num_connections() == 0; }));
    EXPECT_FALSE(std::filesystem::exists(file));
    std::filesystem::remove_all(dir);
}

TEST_F(PortShareTest, RefusedTargetEndsTheClient)
{
    ::close(web_listen); // nothing listens there any more
    web_listen = -1;
    send_all(user, "GET");
    PortShare ps(loop, log, web_addr(), std::nullopt);
    hand_over(ps);
    EXPECT_TRUE(spin([&] { return ps.num_connections() == 0; }));
    EXPECT_EQ(ps.stats().connect_failed, 1u);
    char b[4];
    set_nonblock(user);
    EXPECT_TRUE(spin([&] {
        const ssize_t r = ::recv(user, b, sizeof b, 0);
        return r == 0 || (r < 0 && errno != EAGAIN);
    }));
}

// A user that does not read: the proxy stops reading the web server once
// its buffer is full, so the web server's sends block (TCP flow control)
// while the loop stays free; then everything arrives intact.
struct PortShareSlowReader : PortShareTest {
    PortShareSlowReader() { user_rcvbuf = 4096; }
};

TEST_F(PortShareSlowReader, HoldsTheSenderBackNotTheLoop)
{
    int small = 4096;
    send_all(user, "GET /big");
    PortShare ps(loop, log, web_addr(), std::nullopt);
    hand_over(ps);
    const int w = accept_web();
    ASSERT_GE(w, 0);
    ::setsockopt(w, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    set_nonblock(w);
    std::string big(8 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>(i * 7 + i / 4096);
    std::size_t sent = 0;
    for (int i = 0; i < 100; ++i) {
        const ssize_t r = ::send(w, big.data() + sent, big.size() - sent, MSG_NOSIGNAL);
        if (r > 0)
            sent += static_cast<std::size_t>(r);
        ASSERT_TRUE(loop.run_once(milliseconds(5)).ok());
    }
    EXPECT_LT(sent, big.size()); // held back
    EXPECT_LT(ps.stats().bytes_to_client, big.size());
    std::string got;
    set_nonblock(user);
    for (int i = 0; i < 100000 && got.size() < big.size(); ++i) {
        if (sent < big.size()) {
            const ssize_t r = ::send(w, big.data() + sent, big.size() - sent, MSG_NOSIGNAL);
            if (r > 0)
                sent += static_cast<std::size_t>(r);
        }
        ASSERT_TRUE(loop.run_once(milliseconds(1)).ok());
        char b[65536];
        ssize_t r;
        while ((r = ::recv(user, b, sizeof b, 0)) > 0)
            got.append(b, static_cast<std::size_t>(r));
    }
    EXPECT_TRUE(got == big) << "got " << got.size() << " of " << big.size();
    ::close(w);
}
