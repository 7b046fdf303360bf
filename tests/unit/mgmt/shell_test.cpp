// tests/unit/mgmt/shell_test.cpp: the management sockets on a real event
// loop (with a fake clock for timers): TCP and unix listeners, the password
// prompt, a second client waiting its turn, a client that never reads, a
// client that leaves mid-command, unix peer credentials, --management-client.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "openvpn/mgmt/shell.hpp"
#include "unit/mgmt/rig.hpp"

namespace ovpn::mgmt::test {
namespace {

constexpr std::string_view kGreeting =
    ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n";

// Peer: the test's end of a management connection (non-blocking).
struct Peer {
    int fd = -1;
    std::string got;
    bool eof = false;

    Peer() = default;
    Peer(const Peer&) = delete;
    ~Peer()
    {
        if (fd >= 0)
            ::close(fd);
    }
    static std::unique_ptr<Peer> tcp(int port, int rcvbuf = 0)
    {
        auto p = std::make_unique<Peer>();
        p->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (rcvbuf)
            ::setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const int rc = ::connect(p->fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        EXPECT_TRUE(rc == 0 || errno == EINPROGRESS) << std::strerror(errno);
        return p;
    }
    static std::unique_ptr<Peer> unix_path(const std::string& path)
    {
        auto p = std::make_unique<Peer>();
        p->fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path, path.data(), path.size());
        EXPECT_EQ(::connect(p->fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
        return p;
    }
    void send(std::string_view s)
    {
        EXPECT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), (ssize_t)s.size());
    }
    void read()
    {
        char buf[65536];
        for (;;) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                got.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                eof = true;
            return;
        }
    }
    bool has(std::string_view s)
    {
        read();
        return got.find(s) != std::string::npos;
    }
};

struct ShellTest : ::testing::Test {
    FakeClock clock;
    io::EventLoop loop{clock};
    FakeHost host;
    std::time_t wall = kNow;
    std::unique_ptr<Engine> eng;
    std::unique_ptr<Shell> shell;
    std::string dir;

    void SetUp() override
    {
        char tmpl[] = "/tmp/mgmt-shell-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override
    {
        shell.reset();
        eng.reset();
        std::filesystem::remove_all(dir);
    }

    void open(Config c, ShellConfig sc)
    {
        c.title = kTitle;
        eng = std::make_unique<Engine>(host, std::move(c));
        sc.wall_clock = [this] { return wall; };
        auto s = Shell::open(loop, *eng, std::move(sc));
        ASSERT_TRUE(s.ok()) << s.error();
        shell = std::move(*s);
    }
    void open_tcp(Config c = {})
    {
        ShellConfig sc;
        sc.address = "127.0.0.1";
        sc.port = "0";
        open(std::move(c), std::move(sc));
    }
    // pump: run the loop until `pred` holds (a guard of 1000 turns against
    // a hang; each turn waits at most 10 ms for sockets).
    template <typename P> bool pump(P pred)
    {
        for (int i = 0; i < 1000; ++i) {
            if (pred())
                return true;
            EXPECT_TRUE(loop.run_once(milliseconds(10)).ok());
        }
        return pred();
    }
};

TEST_F(ShellTest, TcpGreetingCommandsAndLog)
{
    open_tcp();
    EXPECT_EQ(host.logs.front(),
              "MANAGEMENT: TCP Socket listening on [AF_INET]127.0.0.1:" + std::to_string(shell->port()));
    auto p = Peer::tcp(shell->port());
    ASSERT_TRUE(pump([&] { return p->has(kGreeting); }));
    EXPECT_EQ(p->got, kGreeting);
    EXPECT_EQ(host.logs[1].rfind("MANAGEMENT: Client connected from [AF_INET]127.0.0.1:", 0), 0u);
    p->send("pid\r\nversion\n");
    ASSERT_TRUE(pump([&] { return p->has("Management Version: 5\r\nEND\r\n"); }));
    EXPECT_NE(p->got.find("SUCCESS: pid=4242\r\n"), std::string::npos);
    p->send("quit\n");
    ASSERT_TRUE(pump([&] { return p->read(), p->eof; }));
    EXPECT_EQ(host.logs.back(), "MANAGEMENT: Client disconnected");
}

TEST_F(ShellTest, PasswordPrompt)
{
    Config c;
    c.password = "sekrit";
    open_tcp(c);
    auto p = Peer::tcp(shell->port());
    ASSERT_TRUE(pump([&] { return p->has("ENTER PASSWORD:"); }));
    p->send("wrong\n");
    ASSERT_TRUE(pump([&] { return p->has("ENTER PASSWORD:ENTER PASSWORD:"); }));
    p->send("sekrit\n");
    ASSERT_TRUE(pump([&] { return p->has(kGreeting); }));
    EXPECT_EQ(p->got,
              "ENTER PASSWORD:ENTER PASSWORD:SUCCESS: password is correct\r\n" + std::string(kGreeting));
}

TEST_F(ShellTest, SecondClientWaitsSilentlyForTheFirst)
{
    open_tcp();
    auto a = Peer::tcp(shell->port());
    ASSERT_TRUE(pump([&] { return a->has(kGreeting); }));
    auto b = Peer::tcp(shell->port()); // accepted by the kernel (backlog), not by us
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(loop.run_once(milliseconds(5)).ok());
    b->read();
    EXPECT_TRUE(b->got.empty());
    EXPECT_FALSE(b->eof);
    a->send("pid\n");
    ASSERT_TRUE(pump([&] { return a->has("pid="); }));
    EXPECT_TRUE(b->got.empty());
    a->send("exit\n");
    ASSERT_TRUE(pump([&] { return b->has(kGreeting); }));
    b->send("pid\n");
    ASSERT_TRUE(pump([&] { return b->has("SUCCESS: pid=4242"); }));
}

TEST_F(ShellTest, ClientThatNeverReadsIsDroppedAndTheLoopNeverBlocks)
{
    Config c;
    c.max_output = 64 * 1024;
    open_tcp(c);
    auto p = Peer::tcp(shell->port(), 4096);
    ASSERT_TRUE(pump([&] { return p->has(kGreeting); }));
    p->send("log on\n");
    ASSERT_TRUE(pump([&] { return p->has("SUCCESS: real-time log notification set to ON"); }));
    // The client stops reading; the daemon keeps logging. Each turn returns
    // (non-blocking sockets); the kernel buffers fill, then the engine's
    // bound is reached and the client is dropped.
    const std::string text(200, 'L');
    int turns = 0;
    for (; turns < 200000 && shell->client_connected(); ++turns) {
        eng->log(wall, kLogInfo, text);
        ASSERT_LE(eng->pending_output().size(), c.max_output);
        ASSERT_TRUE(loop.run_once(milliseconds(0)).ok());
    }
    EXPECT_FALSE(shell->client_connected());
    EXPECT_NE(std::find_if(host.logs.begin(), host.logs.end(),
                           [](const std::string& l) {
                               return l.find("does not read its output") != std::string::npos;
                           }),
              host.logs.end());
    // The listener is back: a new client is served.
    auto q = Peer::tcp(shell->port());
    ASSERT_TRUE(pump([&] { return q->has(kGreeting); }));
}

TEST_F(ShellTest, ClientLeavingMidCommandIsForgotten)
{
    open_tcp();
    eng->attach(Mode::Server);
    auto p = Peer::tcp(shell->port());
    ASSERT_TRUE(pump([&] { return p->has(kGreeting); }));
    p->send("client-auth 0 1\npush \"route 10.0.0.0 255.0.0.0\"\nsta");
    ASSERT_TRUE(pump([&] { return host.logs.back() == "MANAGEMENT: CMD 'client-auth 0 1'"; }));
    p.reset(); // hang up without END, without a newline
    ASSERT_TRUE(pump([&] { return !shell->client_connected(); }));
    EXPECT_TRUE(host.decisions.empty());
    auto q = Peer::tcp(shell->port());
    ASSERT_TRUE(pump([&] { return q->has(kGreeting); }));
    q->send("END\n"); // not part of the old block any more: an unknown command
    ASSERT_TRUE(pump([&] { return q->has("ERROR: unknown command"); }));
    EXPECT_TRUE(host.decisions.empty());
}

TEST_F(ShellTest, UnixSocketAcceptsTheAllowedPeer)
{
    ShellConfig sc;
    sc.address = dir + "/m.sock";
    sc.unix_socket = true;
    sc.client_uid = ::getuid();
    sc.client_gid = ::getgid();
    open({}, sc);
    EXPECT_EQ(host.logs.front(), "MANAGEMENT: unix domain socket listening on " + sc.address);
    struct stat st {};
    ASSERT_EQ(::stat(sc.address.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0777u); // 2.6 binds under umask 0; the uid/gid check decides
    auto p = Peer::unix_path(sc.address);
    ASSERT_TRUE(pump([&] { return p->has(kGreeting); }));
    EXPECT_EQ(host.logs.back(), "MANAGEMENT: Client connected from " + sc.address);
    shell.reset();
    EXPECT_FALSE(std::filesystem::exists(sc.address)); // removed on close
}

TEST_F(ShellTest, UnixSocketRejectsOtherUidAndGidAs26)
{
    ShellConfig sc;
    sc.address = dir + "/m.sock";
    sc.unix_socket = true;
    sc.client_uid = ::getuid() + 4242;
    open({}, sc);
    auto p = Peer::unix_path(sc.address);
    ASSERT_TRUE(pump([&] { return p->read(), p->eof; }));
    EXPECT_TRUE(p->got.empty());
    EXPECT_EQ(host.logs.back(),
              "MANAGEMENT: unix domain socket client connection rejected -- UID of socket peer (" +
                  std::to_string(::getuid()) + ") doesn't match required value (" +
                  std::to_string(::getuid() + 4242) + ") as given by --management-client-user");

    shell.reset();
    sc.client_uid = ::getuid();
    sc.client_gid = ::getgid() + 4242;
    open({}, sc);
    auto q = Peer::unix_path(sc.address);
    ASSERT_TRUE(pump([&] { return q->read(), q->eof; }));
    EXPECT_NE(host.logs.back().find("GID of socket peer"), std::string::npos);
}

TEST_F(ShellTest, ManagementClientConnectsOutAndExitsWhenDropped)
{
    const int srv = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(srv, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(srv, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(srv, reinterpret_cast<sockaddr*>(&a), &len);
    Config c;
    c.connect_as_client = true;
    ShellConfig sc;
    sc.address = "127.0.0.1";
    sc.port = std::to_string(ntohs(a.sin_port));
    sc.connect_out = true;
    open(c, sc);
    ASSERT_TRUE(pump([&] { return shell->client_connected(); }));
    Peer p;
    p.fd = ::accept(srv, nullptr, nullptr);
    ASSERT_TRUE(pump([&] { return p.has(kGreeting); }));
    EXPECT_EQ(host.logs.back(),
              "MANAGEMENT: Connected to management server at [AF_INET]127.0.0.1:" + sc.port);
    ::close(p.fd);
    p.fd = -1;
    ASSERT_TRUE(pump([&] { return !host.signals.empty(); }));
    EXPECT_EQ(host.signals[0], std::make_pair(Signal::Term, std::string("management-exit")));
    ::close(srv);
}

TEST_F(ShellTest, ManagementClientConnectFailureExits)
{
    // A port nobody listens on: bind one, close it.
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    Config c;
    c.connect_as_client = true;
    ShellConfig sc;
    sc.address = "127.0.0.1";
    sc.port = std::to_string(ntohs(a.sin_port));
    sc.connect_out = true;
    open(c, sc);
    ASSERT_TRUE(pump([&] { return !host.signals.empty(); }));
    EXPECT_EQ(host.signals[0], std::make_pair(Signal::Term, std::string("management-connect-failed")));
    EXPECT_EQ(host.logs.back(), "MANAGEMENT: connect to [AF_INET]127.0.0.1:" + sc.port +
                                    " failed: Connection refused (errno=111)");
}

TEST_F(ShellTest, BytecountTimerRunsOnTheLoop)
{
    open_tcp();
    eng->attach(Mode::Client);
    auto p = Peer::tcp(shell->port());
    ASSERT_TRUE(pump([&] { return p->has(kGreeting); }));
    eng->add_client_bytes(10, 20);
    p->send("bytecount 2\n");
    ASSERT_TRUE(pump([&] { return p->has("SUCCESS: bytecount interval changed\r\n"); }));
    clock.advance(seconds(1));
    ++wall;
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(loop.run_once(milliseconds(2)).ok());
    EXPECT_FALSE(p->has(">BYTECOUNT:"));
    clock.advance(seconds(1));
    ++wall;
    ASSERT_TRUE(pump([&] { return p->has(">BYTECOUNT:10,20\r\n"); }));
}

TEST_F(ShellTest, BindFailureIs26sFatalLine)
{
    open_tcp();
    Config c;
    c.title = kTitle;
    Engine other(host, c);
    ShellConfig sc;
    sc.address = "127.0.0.1";
    sc.port = std::to_string(shell->port());
    auto s = Shell::open(loop, other, sc);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), "MANAGEMENT: Socket bind failed on local address [AF_INET]127.0.0.1:" + sc.port +
                             ": Address already in use (errno=98)");
}

} // namespace
} // namespace ovpn::mgmt::test
