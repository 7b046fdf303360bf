// io/proxy's blocking driver against fake proxies on loopback sockets, one
// thread each: the success paths (the tunnel bytes after the answer stay in
// the socket), refusals, garbage, early close and silence.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "openvpn/io/proxy.hpp"

using namespace ovpn;
using namespace ovpn::io;

namespace {

// FakeProxy: listens on 127.0.0.1 (ephemeral port) and runs `script` on
// the first accepted connection in a thread.
class FakeProxy {
public:
    explicit FakeProxy(std::function<void(int)> script) : FakeProxy(1, [script](int c, int) { script(c); }) {}
    // n connections in turn; script gets the connection's index.
    FakeProxy(int n, std::function<void(int, int)> script)
    {
        lfd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        EXPECT_EQ(::listen(lfd_, 4), 0);
        socklen_t len = sizeof a;
        ::getsockname(lfd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        th_ = std::thread([this, n, script] {
            for (int i = 0; i < n; ++i) {
                int c = ::accept(lfd_, nullptr, nullptr);
                if (c < 0)
                    return;
                script(c, i);
                ::close(c);
            }
        });
    }
    ~FakeProxy()
    {
        ::shutdown(lfd_, SHUT_RDWR); // wakes accept() if nobody came
        th_.join();
        ::close(lfd_);
    }
    std::uint16_t port() const { return port_; }

private:
    int lfd_ = -1;
    std::uint16_t port_ = 0;
    std::thread th_;
};

// read_until: bytes from fd until `end` was seen (or EOF / 5 s).
std::string read_until(int fd, const std::string& end)
{
    std::string got;
    char c;
    while (got.size() < 65536) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0)
            break;
        if (::recv(fd, &c, 1, 0) != 1)
            break;
        got.push_back(c);
        if (got.size() >= end.size() && got.compare(got.size() - end.size(), end.size(), end) == 0)
            break;
    }
    return got;
}

std::string read_n(int fd, std::size_t n)
{
    std::string got;
    char c;
    while (got.size() < n) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0 || ::recv(fd, &c, 1, 0) != 1)
            break;
        got.push_back(c);
    }
    return got;
}

void send_str(int fd, const std::string& s)
{
    ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
}

ProxyConfig cfg_for(ProxyConfig::Kind k, std::uint16_t port)
{
    ProxyConfig c;
    c.kind = k;
    c.proxy_host = "127.0.0.1";
    c.proxy_port = port;
    c.target_host = "vpn.example";
    c.target_port = 1194;
    c.timeout = std::chrono::seconds(3);
    return c;
}

SecureBytes secret(const std::string& s)
{
    return SecureBytes(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

// Logger output captured in a temporary FILE.
struct CapturedLog {
    std::FILE* f = std::tmpfile();
    Logger log{f};
    CapturedLog() { log.set_verb(4); }
    ~CapturedLog() { std::fclose(f); }
    std::string text()
    {
        std::fflush(f);
        std::rewind(f);
        std::string s;
        char buf[512];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
            s.append(buf, n);
        return s;
    }
};

std::string drain(int fd)
{
    std::string s;
    char buf[256];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 2000) > 0) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        s.append(buf, static_cast<std::size_t>(n));
    }
    return s;
}

} // namespace

TEST(ProxyConnect, HttpBasicSuccessKeepsTheTunnelBytes)
{
    std::string request;
    FakeProxy p([&](int c) {
        request = read_until(c, "\r\n\r\n");
        // The answer and the first tunnel bytes arrive in one segment.
        send_str(c, "HTTP/1.0 200 Connection established\r\nProxy-agent: fake\r\n\r\n\x01\x02tunnel");
        read_n(c, 4); // wait for the client's "ping"
        send_str(c, "pong");
    });
    auto cfg = cfg_for(ProxyConfig::Kind::Http, p.port());
    cfg.user = "alice";
    cfg.password = secret("very-secret-pw");
    CapturedLog cl;
    auto fd = proxy_connect(cfg, &cl.log);
    ASSERT_TRUE(fd.ok()) << fd.error();
    EXPECT_NE(::fcntl(*fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(*fd, F_GETFD) & FD_CLOEXEC, 0);
    ASSERT_EQ(::send(*fd, "ping", 4, MSG_NOSIGNAL), 4);
    EXPECT_EQ(drain(*fd), "\x01\x02tunnelpong");
    ::close(*fd);
    EXPECT_EQ(request, "CONNECT vpn.example:1194 HTTP/1.0\r\nHost: vpn.example\r\n"
                       "Proxy-Authorization: Basic YWxpY2U6dmVyeS1zZWNyZXQtcHc=\r\n\r\n");
    auto log = cl.text();
    EXPECT_NE(log.find(strfmt("Attempting to establish TCP connection with [AF_INET]127.0.0.1:%u", p.port())),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("HTTP proxy returned: 'HTTP/1.0 200 Connection established'"), std::string::npos)
        << log;
    EXPECT_EQ(log.find("very-secret-pw"), std::string::npos);
    EXPECT_EQ(log.find("YWxpY2U6dmVyeS1zZWNyZXQtcHc="), std::string::npos);
}

TEST(ProxyConnect, HttpAutoRetriesWithBasicWhenAsked)
{
    std::string req0, req1;
    FakeProxy p(2, [&](int c, int i) {
        if (i == 0) {
            req0 = read_until(c, "\r\n\r\n");
            send_str(c, "HTTP/1.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                        "realm=\"x\"\r\n\r\n");
        } else {
            req1 = read_until(c, "\r\n\r\n");
            send_str(c, "HTTP/1.0 200 Connection established\r\n\r\nZ");
        }
    });
    auto cfg = cfg_for(ProxyConfig::Kind::Http, p.port());
    cfg.http_auth_auto = true;
    cfg.user = "u";
    cfg.password = secret("p");
    auto fd = proxy_connect(cfg);
    ASSERT_TRUE(fd.ok()) << fd.error();
    EXPECT_EQ(drain(*fd), "Z");
    ::close(*fd);
    EXPECT_EQ(req0.find("Proxy-Authorization"), std::string::npos) << req0;
    EXPECT_NE(req1.find("Proxy-Authorization: Basic dTpw\r\n"), std::string::npos) << req1;
}

TEST(ProxyConnect, HttpAutoWithoutNeedOrWithoutCredentials)
{
    {
        FakeProxy p([&](int c) {
            read_until(c, "\r\n\r\n");
            send_str(c, "HTTP/1.0 200 OK\r\n\r\n");
        });
        auto cfg = cfg_for(ProxyConfig::Kind::Http, p.port());
        cfg.http_auth_auto = true;
        cfg.user = "u";
        cfg.password = secret("p");
        auto fd = proxy_connect(cfg);
        ASSERT_TRUE(fd.ok()) << fd.error();
        ::close(*fd);
    }
    for (bool nct : {false, true}) {
        FakeProxy p([&](int c) {
            read_until(c, "\r\n\r\n");
            send_str(c, "HTTP/1.0 407 Auth\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\r\n");
        });
        auto cfg = cfg_for(ProxyConfig::Kind::Http, p.port());
        cfg.http_auth_auto = true;
        cfg.http_auth_no_cleartext = nct;
        if (nct) {
            cfg.user = "u";
            cfg.password = secret("p");
        }
        auto fd = proxy_connect(cfg);
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find(nct ? "cleartext" : "no credentials"), std::string::npos) << fd.error();
    }
}

TEST(ProxyConnect, HttpAnswerInDribbles)
{
    FakeProxy p([&](int c) {
        read_until(c, "\r\n\r\n");
        for (char ch : std::string("HTTP/1.1 200 OK\r\nA: b\r\n\r\nX")) {
            send_str(c, std::string(1, ch));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Http, p.port()));
    ASSERT_TRUE(fd.ok()) << fd.error();
    EXPECT_EQ(drain(*fd), "X");
    ::close(*fd);
}

TEST(ProxyConnect, HttpRefusalsSayWhatTheProxyAnswered)
{
    {
        FakeProxy p([&](int c) {
            read_until(c, "\r\n\r\n");
            send_str(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                        "realm=\"x\"\r\n\r\n");
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Http, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("407 Proxy Authentication Required"), std::string::npos) << fd.error();
        EXPECT_NE(fd.error().find("Basic"), std::string::npos) << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_until(c, "\r\n\r\n");
            send_str(c, "HTTP/1.0 403 Filtered\r\n\r\n");
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Http, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("HTTP proxy returned bad status: 'HTTP/1.0 403 Filtered'"),
                  std::string::npos)
            << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_until(c, "\r\n\r\n");
            send_str(c, "garbage\r\n\r\n");
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Http, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("bad answer"), std::string::npos) << fd.error();
    }
}

TEST(ProxyConnect, HttpEarlyCloseAndSilence)
{
    {
        FakeProxy p([&](int c) { read_until(c, "\r\n\r\n"); });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Http, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("closed the connection without an answer"), std::string::npos)
            << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_until(c, "\r\n\r\n");
            send_str(c, "HTTP/1.0 200 OK\r\nVia: x\r\n");
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Http, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("in the middle of its answer"), std::string::npos) << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_until(c, "\r\n\r\n");
            read_n(c, 1); // says nothing until the client gives up
        });
        auto cfg = cfg_for(ProxyConfig::Kind::Http, p.port());
        cfg.timeout = std::chrono::seconds(1);
        auto fd = proxy_connect(cfg);
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("timed out"), std::string::npos) << fd.error();
    }
}

TEST(ProxyConnect, Socks5UserPassSuccess)
{
    std::string greet, auth, req;
    FakeProxy p([&](int c) {
        greet = read_n(c, 3);
        send_str(c, std::string("\x05\x02", 2));
        auth = read_n(c, 2);
        auth += read_n(c, static_cast<unsigned char>(auth[1]) + 1);
        auth += read_n(c, static_cast<unsigned char>(auth.back()));
        send_str(c, std::string("\x01\x00", 2));
        req = read_n(c, 5);
        req += read_n(c, static_cast<unsigned char>(req[4]) + 2);
        // Bound address as a domain name, then the tunnel's first bytes.
        send_str(c, std::string("\x05\x00\x00\x03\x04host\x04\xaa", 11) + "T");
    });
    auto cfg = cfg_for(ProxyConfig::Kind::Socks5, p.port());
    cfg.user = "bob";
    cfg.password = secret("pw");
    auto fd = proxy_connect(cfg);
    ASSERT_TRUE(fd.ok()) << fd.error();
    EXPECT_EQ(drain(*fd), "T");
    ::close(*fd);
    EXPECT_EQ(greet, std::string("\x05\x01\x02", 3));
    EXPECT_EQ(auth, std::string("\x01\x03"
                                "bob\x02pw",
                                8));
    EXPECT_EQ(req, std::string("\x05\x01\x00\x03\x0bvpn.example\x04\xaa", 18));
}

TEST(ProxyConnect, Socks5NoAuthToAnAddress)
{
    std::string req;
    FakeProxy p([&](int c) {
        read_n(c, 3);
        send_str(c, std::string("\x05\x00", 2));
        req = read_n(c, 10);
        send_str(c, std::string("\x05\x00\x00\x04", 4) + std::string(16, '\0') + std::string("\x01\x02", 2));
    });
    auto cfg = cfg_for(ProxyConfig::Kind::Socks5, p.port());
    cfg.target_host = "192.0.2.7";
    auto fd = proxy_connect(cfg);
    ASSERT_TRUE(fd.ok()) << fd.error();
    ::close(*fd);
    EXPECT_EQ(req, std::string("\x05\x01\x00\x01\xc0\x00\x02\x07\x04\xaa", 10));
}

TEST(ProxyConnect, Socks5Refusals)
{
    {
        FakeProxy p([&](int c) {
            read_n(c, 3);
            send_str(c, std::string("\x05\x00", 2));
            read_n(c, 18);
            send_str(c, std::string("\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00", 10));
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Socks5, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("reply 5 (Connection refused)"), std::string::npos) << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_n(c, 3);
            send_str(c, std::string("\x05\xff", 2));
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Socks5, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("requires authentication"), std::string::npos) << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_n(c, 3);
            send_str(c, std::string("\x05\x02", 2));
            read_n(c, 8);
            send_str(c, std::string("\x01\x01", 2));
        });
        auto cfg = cfg_for(ProxyConfig::Kind::Socks5, p.port());
        cfg.user = "bob";
        cfg.password = secret("pw");
        auto fd = proxy_connect(cfg);
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("refused the username/password"), std::string::npos) << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_n(c, 3);
            send_str(c, "HTTP/1.0 400 Bad Request\r\n\r\n"); // not a SOCKS server
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Socks5, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("not a SOCKS5 server"), std::string::npos) << fd.error();
    }
    {
        FakeProxy p([&](int c) {
            read_n(c, 3);
            send_str(c, std::string("\x05\x00", 2));
            read_n(c, 18);
            send_str(c, std::string("\x05\x00\x00", 3)); // and closes
        });
        auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Socks5, p.port()));
        ASSERT_FALSE(fd.ok());
        EXPECT_NE(fd.error().find("closed the connection"), std::string::npos) << fd.error();
    }
}

TEST(ProxyConnect, NothingListening)
{
    std::uint16_t port;
    {
        FakeProxy p([](int) {}); // take a free port, then free it
        port = p.port();
        int c = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::close(c);
    }
    CapturedLog cl;
    auto fd = proxy_connect(cfg_for(ProxyConfig::Kind::Http, port), &cl.log);
    ASSERT_FALSE(fd.ok());
    EXPECT_NE(
        fd.error().find(strfmt("TCP: connect to [AF_INET]127.0.0.1:%u failed: Connection refused", port)),
        std::string::npos)
        << fd.error();
    auto bad = cfg_for(ProxyConfig::Kind::Http, 1);
    bad.proxy_host = "no-such-host.invalid";
    EXPECT_FALSE(proxy_connect(bad).ok());
}

TEST(ProxyConnect, CancelFdStopsAWaitingHandshake)
{
    int pfd[2];
    ASSERT_EQ(::pipe(pfd), 0);
    FakeProxy p([&](int c) {
        read_until(c, "\r\n\r\n");
        ASSERT_EQ(::write(pfd[1], "x", 1), 1); // a signal arrives while the proxy is silent
        read_n(c, 1);
    });
    auto cfg = cfg_for(ProxyConfig::Kind::Http, p.port());
    cfg.timeout = std::chrono::seconds(60);
    cfg.cancel_fd = pfd[0];
    auto fd = proxy_connect(cfg);
    ASSERT_FALSE(fd.ok());
    EXPECT_NE(fd.error().find("interrupted"), std::string::npos) << fd.error();
    ::close(pfd[0]);
    ::close(pfd[1]);
}
