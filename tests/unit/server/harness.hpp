// tests/unit/server/harness.hpp: a Server on loopback UDP with a fake clock,
// and a test-side client (a TLS client control channel on its own socket);
// the loop is driven with run_once(0) so nothing waits. The server's data
// plane is session::make_data_plane's (userspace on --dev null) unless the
// test gives a factory (fake_kernel_plane.hpp). Every log line the server
// writes is kept in `lines`.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common.hpp"
#include "openvpn/control/control_channel.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/wire/push_message.hpp"
#include "unit/control/test_pki.hpp"

namespace ovpn::servertest {

// kPeerInfo: a 2.6.14 client (IV_PROTO 990: DATA_V2, request-push, EKM, ...).
inline const char* const kPeerInfo =
    "IV_VER=2.6.14\nIV_PLAT=linux\nIV_PROTO=990\nIV_CIPHERS=AES-256-GCM:AES-128-GCM\n";

struct Harness {
    FakeClock clock;
    std::FILE* devnull = std::fopen("/dev/null", "w");
    Logger log{devnull};
    io::EventLoop loop{clock};
    options::Options opts;
    std::unique_ptr<server::Server> srv;
    std::unique_ptr<io::LinkSocket> sock;
    std::unique_ptr<control::ControlChannel> cli;
    std::vector<std::string> messages;
    std::vector<std::string> lines; // the server's log
    std::string peer_info = kPeerInfo;
    bool key_active = false;
    // server_ip: connect() talks to this address at the server's port
    // (default: the address the server is bound to)
    std::string server_ip;

    explicit Harness(std::vector<std::string> extra, server::PlaneFactory plane = {},
                     const options::DcoVerdict& dco = no_dco())
    {
        log.set_verb(4);
        log.set_tap([this](const LogLine& l) { lines.emplace_back(l.text); });
        std::vector<std::string> a = {
            "--topology",  "subnet",    "--proto", "udp4",
            "--local",     "127.0.0.1", "--port",  std::to_string(servertest::free_udp_port()),
            "--keepalive", "2",         "10"};
        // --keepalive conflicts with --ping-exit (2.6's options check): a
        // test that sets --ping-exit gives its own --ping
        if (std::find(extra.begin(), extra.end(), "--ping-exit") != extra.end())
            a.erase(a.end() - 3, a.end());
        a.insert(a.end(), extra.begin(), extra.end());
        opts = server_opts(a);
        opts.dev = "null";
        if (plane)
            opts.ifconfig_noexec = true; // a fake device: nothing to configure
        srv = std::make_unique<server::Server>(opts, dco, log, loop, std::move(plane));
        auto s = srv->start();
        EXPECT_TRUE(s) << (s ? "" : s.error());
    }

    ~Harness()
    {
        srv.reset();
        log.set_tap({});
        log.set_output(stderr);
        std::fclose(devnull);
    }
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    // connect: a new client socket and control channel (hard reset sent).
    void connect(const std::string& user = "", const std::string& pass = "")
    {
        io::UdpConfig uc;
        uc.family = io::Family::V4;
        uc.connect_to = srv->local_address();
        if (!server_ip.empty())
            uc.connect_to = io::SockAddr::parse_numeric(server_ip, uc.connect_to->port()).value();
        auto s = io::open_udp(uc);
        ASSERT_TRUE(s) << s.error();
        sock = std::move(*s);
        auto ctx = control::TlsContext::create(testpki::config(false));
        ASSERT_TRUE(ctx) << ctx.error();
        control::ControlConfig cc;
        cc.tls = *ctx;
        cc.wrap = control::make_no_wrap();
        cc.options_string = "V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM";
        cc.peer_info = peer_info;
        cc.username = user;
        cc.password = SecureBytes(as_bytes(pass));
        auto ch = control::ControlChannel::create(std::move(cc), clock.now());
        ASSERT_TRUE(ch) << ch.error();
        cli = std::move(*ch);
        cli->start(clock.now());
        messages.clear();
        key_active = false;
    }

    // pump: one round trip of everything pending on both sides.
    void pump()
    {
        while (auto p = cli->poll_transmit(clock.now())) {
            PacketBuf b(p->size() + PacketBuf::kDefaultHeadroom);
            (void)b.append(*p);
            (void)sock->send(std::span<const PacketBuf>(&b, 1), nullptr);
        }
        for (int i = 0; i < 4; ++i)
            (void)loop.run_once(milliseconds(0));
        std::vector<PacketBuf> rx(8);
        std::vector<io::SockAddr> from(8);
        for (;;) {
            auto n = sock->recv(rx, from);
            if (!n || *n == 0)
                break;
            for (std::size_t i = 0; i < *n; ++i)
                cli->on_packet(rx[i].span(), clock.now());
        }
        while (auto e = cli->poll_event()) {
            if (e->kind == control::ControlEvent::Kind::KeyActive)
                key_active = true;
            if (e->kind == control::ControlEvent::Kind::Message)
                messages.push_back(e->message.text);
        }
    }

    bool pump_until(const std::function<bool()>& done, int rounds = 200)
    {
        for (int i = 0; i < rounds && !done(); ++i)
            pump();
        return done();
    }

    bool has_message(const std::string& prefix) const
    {
        for (const auto& m : messages)
            if (m.rfind(prefix, 0) == 0)
                return true;
        return false;
    }

    // logged: a server log line contains `text`.
    bool logged(const std::string& text) const
    {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const std::string& l) { return l.find(text) != std::string::npos; });
    }

    // line_with: the first server log line containing `text` ("" if none).
    std::string line_with(const std::string& text) const
    {
        for (const auto& l : lines)
            if (l.find(text) != std::string::npos)
                return l;
        return "";
    }

    void advance(Duration d)
    {
        clock.advance(d);
        for (int i = 0; i < 4; ++i)
            (void)loop.run_once(milliseconds(0));
    }
};

struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/srv-test.XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
    void write(const std::string& name, const std::string& text, bool exec = false) const
    {
        FILE* f = std::fopen((path + "/" + name).c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs(text.c_str(), f);
        std::fclose(f);
        if (exec)
            (void)::chmod((path + "/" + name).c_str(), 0755);
    }
    std::string read(const std::string& name) const
    {
        std::string out;
        FILE* f = std::fopen((path + "/" + name).c_str(), "r");
        if (f == nullptr)
            return out;
        char buf[512];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
            out.append(buf, n);
        std::fclose(f);
        return out;
    }
};

inline bool push_has(const std::vector<std::string>& msgs, const std::string& opt)
{
    for (const auto& m : msgs) {
        auto pr = wire::parse_push_reply(m);
        if (pr && std::find(pr->options.begin(), pr->options.end(), opt) != pr->options.end())
            return true;
    }
    return false;
}

} // namespace ovpn::servertest
