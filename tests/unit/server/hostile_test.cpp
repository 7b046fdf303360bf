// Hostile peers at the server's dispatch (issue 15): packets forged with a
// connected client's address must not change anything before their wrap is
// verified. A Server on loopback UDP with a fake clock, a test-side client
// control channel with the server's wrap, and raw forged packets sent from
// the client's own socket (so from its address and port).
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <sstream>

#include "common.hpp"
#include "openvpn/control/control_channel.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/tls_config.hpp"
#include "unit/control/test_pki.hpp"

using namespace ovpn;

namespace {

const char* const kPeerInfo =
    "IV_VER=2.6.14\nIV_PLAT=linux\nIV_PROTO=990\nIV_CIPHERS=AES-256-GCM:AES-128-GCM\n";

std::string ta_key()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/unit/server/data/ta.key";
}

struct Hostile {
    FakeClock clock;
    std::FILE* devnull = std::fopen("/dev/null", "w");
    Logger log{devnull};
    io::EventLoop loop{clock};
    options::Options opts;
    options::Options client_opts;
    std::unique_ptr<server::Server> srv;
    std::unique_ptr<io::LinkSocket> sock;
    std::unique_ptr<control::ControlChannel> cli;
    std::vector<std::string> messages;
    std::vector<std::string> lines; // the server's log

    // Hostile: a server with `wrap` options (e.g. --tls-auth KEY 0) and a
    // client whose wrap is `client_wrap` (e.g. --tls-auth KEY 1).
    Hostile(std::vector<std::string> wrap, std::vector<std::string> client_wrap,
            const std::string& proto = "udp4")
    {
        log.set_verb(4);
        log.set_tap([this](const LogLine& l) { lines.emplace_back(l.text); });
        std::vector<std::string> a = {
            "--topology", "subnet",    "--proto", proto,
            "--local",    "127.0.0.1", "--port",  std::to_string(servertest::free_udp_port())};
        a.insert(a.end(), wrap.begin(), wrap.end());
        opts = servertest::server_opts(a);
        opts.dev = "null";
        std::vector<std::string> c = {"--client", "--dev", "tun", "--remote", "127.0.0.1"};
        c.insert(c.end(), client_wrap.begin(), client_wrap.end());
        client_opts = servertest::parse(c);
        srv = std::make_unique<server::Server>(opts, servertest::no_dco(), log, loop);
        auto s = srv->start();
        EXPECT_TRUE(s) << (s ? "" : s.error());
        if (proto != "udp4")
            return;
        io::UdpConfig uc;
        uc.family = io::Family::V4;
        uc.connect_to = srv->local_address();
        auto u = io::open_udp(uc);
        EXPECT_TRUE(u) << (u ? "" : u.error());
        sock = std::move(*u);
    }
    ~Hostile()
    {
        srv.reset();
        std::fclose(devnull);
    }

    // start_session: a new client session on the same socket (a client
    // that starts over keeps its address and port).
    void start_session(const std::string& user = "", const std::string& pass = "")
    {
        auto ctx = control::TlsContext::create(testpki::config(false));
        ASSERT_TRUE(ctx) << ctx.error();
        auto wrap = session::make_control_wrap(client_opts, client_opts.ce,
                                               static_cast<std::uint32_t>(std::time(nullptr)));
        ASSERT_TRUE(wrap) << wrap.error();
        control::ControlConfig cc;
        cc.tls = *ctx;
        cc.wrap = std::move(*wrap);
        cc.options_string = "V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM";
        cc.peer_info = kPeerInfo;
        cc.username = user;
        cc.password = SecureBytes(as_bytes(pass));
        auto ch = control::ControlChannel::create(std::move(cc), clock.now());
        ASSERT_TRUE(ch) << ch.error();
        cli = std::move(*ch);
        cli->start(clock.now());
        messages.clear();
    }

    void send_raw(const std::vector<std::uint8_t>& pkt)
    {
        PacketBuf b(pkt.size() + PacketBuf::kDefaultHeadroom);
        (void)b.append(pkt);
        (void)sock->send(std::span<const PacketBuf>(&b, 1), nullptr);
    }

    void run()
    {
        for (int i = 0; i < 4; ++i)
            (void)loop.run_once(milliseconds(0));
    }

    // pump: one round trip of the client's pending packets.
    void pump()
    {
        while (auto p = cli->poll_transmit(clock.now()))
            send_raw(*p);
        run();
        std::vector<PacketBuf> rx(8);
        std::vector<io::SockAddr> from(8);
        for (;;) {
            auto n = sock->recv(rx, from);
            if (!n || *n == 0)
                break;
            for (std::size_t i = 0; i < *n; ++i)
                cli->on_packet(rx[i].span(), clock.now());
        }
        while (auto e = cli->poll_event())
            if (e->kind == control::ControlEvent::Kind::Message)
                messages.push_back(e->message.text);
    }

    bool connect(const std::string& user = "", const std::string& pass = "")
    {
        start_session(user, pass);
        for (int i = 0; i < 200 && !has_message("PUSH_REPLY") && !has_message("AUTH_FAILED"); ++i)
            pump();
        return has_message("PUSH_REPLY");
    }

    bool has_message(const std::string& prefix) const
    {
        return std::any_of(messages.begin(), messages.end(),
                           [&](const std::string& m) { return m.rfind(prefix, 0) == 0; });
    }

    bool logged(const std::string& part) const
    {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const std::string& l) { return l.find(part) != std::string::npos; });
    }

    // forge: a hard reset (opcode 7: V2, 10: V3) with a random session id
    // and `len` random bytes where the wrap would be.
    static std::vector<std::uint8_t> forge(std::uint8_t opcode, std::size_t len)
    {
        static std::mt19937 rng{std::random_device{}()};
        std::vector<std::uint8_t> p(1 + 8 + len);
        for (auto& b : p)
            b = static_cast<std::uint8_t>(rng());
        p[0] = static_cast<std::uint8_t>(opcode << 3);
        return p;
    }

    // still_served: the client's session is still the server's: its EXIT
    // closes the instance.
    bool still_served()
    {
        if (srv->num_clients() != 1 || !cli->send_message("EXIT"))
            return false;
        pump();
        return srv->num_clients() == 0;
    }
};

void forged_resets_keep_the_client(Hostile& h, const std::string& drop_line)
{
    ASSERT_TRUE(h.connect());
    ASSERT_EQ(h.srv->num_clients(), 1u);
    for (int i = 0; i < 3; ++i) {
        h.send_raw(Hostile::forge(7, 60));   // P_CONTROL_HARD_RESET_CLIENT_V2
        h.send_raw(Hostile::forge(10, 300)); // P_CONTROL_HARD_RESET_CLIENT_V3
    }
    h.run();
    EXPECT_EQ(h.srv->num_clients(), 1u);
    EXPECT_TRUE(h.logged(drop_line)) << drop_line;
    EXPECT_TRUE(h.logged("TLS Error: can not extract tls-crypt-v2 client key from [AF_INET]127.0.0.1:"));
    EXPECT_FALSE(h.logged("client-instance restarting"));
    EXPECT_TRUE(h.still_served());
}

} // namespace

TEST(ServerHostile, ForgedResetsFromAClientsAddressKeepTheClientWithTlsAuth)
{
    Hostile h({"--tls-auth", ta_key(), "0"}, {"--tls-auth", ta_key(), "1"});
    forged_resets_keep_the_client(
        h, "TLS Error: incoming packet authentication failed from [AF_INET]127.0.0.1:");
}

TEST(ServerHostile, ForgedResetsFromAClientsAddressKeepTheClientWithTlsCrypt)
{
    Hostile h({"--tls-crypt", ta_key()}, {"--tls-crypt", ta_key()});
    forged_resets_keep_the_client(h, "TLS Error: tls-crypt unwrapping failed from [AF_INET]127.0.0.1:");
}

// Without a wrap a forged reset is well-formed: it only earns a cookie
// reply (no state), and the client stays.
TEST(ServerHostile, UnwrappedForgedResetOnlyGetsACookie)
{
    Hostile h({}, {});
    ASSERT_TRUE(h.connect());
    const std::uint64_t answered = h.srv->cookie_stats()->resets_answered;
    std::vector<std::uint8_t> reset = Hostile::forge(7, 0);
    reset.insert(reset.end(), {0, 0, 0, 0, 0}); // no ACKs, message id 0
    h.send_raw(reset);
    h.run();
    EXPECT_EQ(h.srv->cookie_stats()->resets_answered, answered + 1);
    EXPECT_TRUE(h.still_served());
}

// A client that really starts over from the same address and port (a new
// session, the cookie round trip done) replaces its old instance.
TEST(ServerHostile, ClientStartingOverFromTheSameAddressIsServedAgain)
{
    Hostile h({"--tls-auth", ta_key(), "0"}, {"--tls-auth", ta_key(), "1"});
    ASSERT_TRUE(h.connect());
    ASSERT_TRUE(h.connect());
    EXPECT_EQ(h.srv->num_clients(), 1u);
    EXPECT_TRUE(h.logged("SIGUSR1[soft,connection-reset] received, client-instance restarting"));
    EXPECT_TRUE(h.still_served());
}

// Issue 15, finding 7: on TCP, 2.6 ends a connection whose control packet
// its control channel refuses (check_tls_errors_co), e.g. a frame of length
// 1 holding a hard reset opcode without a session id.
TEST(ServerHostile, RefusedControlPacketOnTcpClosesTheConnection)
{
    Hostile h({}, {}, "tcp-server");
    const io::SockAddr srv = h.srv->local_address();
    int fd = ::socket(srv.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::connect(fd, srv.sa(), srv.len), 0) << std::strerror(errno) << " " << srv.to_string();
    h.run();
    ASSERT_EQ(h.srv->num_clients(), 1u);
    const std::uint8_t frame[] = {0, 1, 0x38}; // length 1: P_CONTROL_HARD_RESET_CLIENT_V2
    ASSERT_EQ(::send(fd, frame, sizeof frame, 0), 3);
    h.run();
    EXPECT_EQ(h.srv->num_clients(), 0u);
    EXPECT_TRUE(h.logged("Fatal TLS error (check_tls_errors_co), restarting"));
    std::uint8_t buf[64];
    EXPECT_EQ(::recv(fd, buf, sizeof buf, MSG_DONTWAIT), 0); // closed by the server
    ::close(fd);
}

namespace {

struct ScriptDir {
    std::string path;
    ScriptDir()
    {
        char tmpl[] = "/tmp/srv-hostile.XXXXXX";
        path = ::mkdtemp(tmpl);
        ::mkdir((path + "/tmp").c_str(), 0700);
        // the --auth-user-pass-verify script: records what it was given
        std::ofstream f(path + "/check.sh");
        f << "#!/bin/sh\nd=" << path << "\n"
          << "printf '%s' \"$1\" >$d/path\nstat -c %a \"$1\" >$d/mode\ncat \"$1\" >$d/content\n"
          << "printf '%s' \"$username\" >$d/env_user\nexit 0\n";
        f.close();
        ::chmod((path + "/check.sh").c_str(), 0755);
    }
    ~ScriptDir() { (void)std::system(("rm -rf " + path).c_str()); }
    std::string read(const std::string& name) const
    {
        std::ifstream f(path + "/" + name);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }
    std::vector<std::string> opts() const
    {
        return {"--script-security", "2",          "--auth-user-pass-verify", path + "/check.sh", "via-file",
                "--tmp-dir",         path + "/tmp"};
    }
};

} // namespace

// Issue 15, finding 3: the via-file credentials go to a new file with an
// unpredictable name, mode 0600, created without following a symlink: one
// planted at the name the server used to use (pid and slot) is left alone.
TEST(ServerHostile, ViaFileCredentialsGoToAFreshPrivateFile)
{
    ScriptDir d;
    const std::string victim = d.path + "/victim";
    std::ofstream(victim) << "untouched\n";
    const std::string old_name = d.path + "/tmp/openvpn_up_" + std::to_string(::getpid()) + "_0.tmp";
    ASSERT_EQ(::symlink(victim.c_str(), old_name.c_str()), 0);
    Hostile h(d.opts(), {});
    ASSERT_TRUE(h.connect("iouser", "iopass"));
    EXPECT_EQ(d.read("victim"), "untouched\n");
    EXPECT_EQ(d.read("content"), "iouser\niopass\n");
    EXPECT_EQ(d.read("mode"), "600\n");
    const std::string used = d.read("path");
    EXPECT_TRUE(std::regex_match(used, std::regex(d.path + "/tmp/openvpn_up_[0-9a-f]{16}\\.tmp"))) << used;
    struct stat st {};
    EXPECT_NE(::lstat(used.c_str(), &st), 0); // removed after the script ran
}

// Issue 15, finding 6: a username with a newline and shell metacharacters
// reaches the script (file and environment) and the log remapped as 2.6
// does: control characters become '_', nothing else changes, no line is
// forged.
TEST(ServerHostile, PeerStringsAreRemappedBeforeScriptsAndLogs)
{
    ScriptDir d;
    Hostile h(d.opts(), {});
    const std::string user = "evil\nTLS: forged line;$(id)`id`|x";
    ASSERT_TRUE(h.connect(user, "pw\r\nextra"));
    const std::string want = "evil_TLS: forged line;$(id)`id`|x";
    EXPECT_EQ(d.read("content"), want + "\npw__extra\n");
    EXPECT_EQ(d.read("env_user"), want);
    EXPECT_TRUE(h.logged("authentication succeeded for username '" + want + "'"));
    for (const std::string& l : h.lines)
        EXPECT_EQ(l.find('\n'), std::string::npos) << l;
}

// Issue 15, finding 4: the wrap key is read once at start (2.6 too), not
// for every new client: with the file gone (or unreadable once privileges
// are dropped) a new client still gets in.
TEST(ServerHostile, WrapKeyIsReadOnceAtStart)
{
    ScriptDir d;
    const std::string key = d.path + "/ta.key";
    std::ofstream(key) << std::ifstream(ta_key()).rdbuf();
    Hostile h({"--tls-auth", key, "0"}, {"--tls-auth", ta_key(), "1"});
    ASSERT_EQ(::unlink(key.c_str()), 0);
    EXPECT_TRUE(h.connect());
}
