// tests/unit/mgmt/server_test.cpp: a server daemon with
// --management-client-auth, replayed against 2.6.14's server and
// server-envfilter transcripts: >CLIENT: blocks, client-auth/-deny/-pending,
// kill, client-kill, status, load-stats, bytecount, env-filter.
#include <arpa/inet.h>

#include <algorithm>

#include "unit/mgmt/rig.hpp"

namespace ovpn::mgmt::test {
namespace {

struct Server : ::testing::Test {
    Rig r{[] {
        Config c = Rig::config(true);
        c.server = true;
        return c;
    }()};
    Transcript t = Transcript::load("server");
    ClientContext c0{0}, c1{1}, c2{2};

    void SetUp() override
    {
        r.eng.on_listening();
        r.eng.hold(0);
        r.connect();
        EXPECT_EQ(r.drain(), t.received_from(0));
        r.eng.attach(Mode::Server);
        r.eng.set_state(StateChange{State::Connecting}, r.now);
    }

    // connect_block: the env of the n-th >CLIENT:<what> block in the
    // transcript, without the n_clients line the engine adds itself.
    std::vector<std::string> env_of(const std::string& what, int nth = 0)
    {
        return env_after(t, line_of(t, "S: >CLIENT:" + what, nth), 1);
    }
};

TEST_F(Server, ConnectDenyPendingAuthMatch2614)
{
    EXPECT_EQ(r.send("hold release"), std::vector<std::string>{t.reply("hold release").front()});
    // First client: CONNECT with its ENV block (n_clients first).
    auto env0 = env_of("CONNECT,0,1");
    ASSERT_GT(env0.size(), 20u);
    r.eng.client_connect(c0, 1, env0);
    auto want = t.reply("hold release");
    want.erase(want.begin());
    EXPECT_EQ(r.drain(), want);

    // client-deny: the daemon then closes the instance, with an empty env.
    r.host.on_kill = nullptr;
    auto deny = r.send("client-deny 0 1 \"not now\" \"try again\"");
    r.eng.client_disconnect(c0, {});
    r.eng.client_connect(c1, 1, env_of("CONNECT,1,1"));
    auto all = deny;
    for (auto& l : r.drain())
        all.push_back(l);
    EXPECT_EQ(all, t.reply("client-deny 0 1 \"not now\" \"try again\""));
    ASSERT_EQ(r.host.decisions.size(), 1u);
    EXPECT_FALSE(r.host.decisions[0].allow);
    EXPECT_EQ(r.host.decisions[0].reason, "not now");
    EXPECT_EQ(r.host.decisions[0].client_reason, "try again");

    EXPECT_EQ(r.send("client-pending-auth 1 1 \"WEB_AUTH::https://example.org/x\" 30"),
              t.reply("client-pending-auth 1 1 \"WEB_AUTH::https://example.org/x\" 30"));
    ASSERT_EQ(r.host.pendings.size(), 1u);
    EXPECT_EQ(r.host.pendings[0],
              std::make_tuple(std::uint64_t{1}, 1u, std::string("WEB_AUTH::https://example.org/x"), 30u));
}

TEST_F(Server, ClientAuthWithConfigThenEstablished)
{
    r.send("hold release");
    r.eng.client_connect(c1, 1, env_of("CONNECT,1,1"));
    r.drain();
    EXPECT_TRUE(r.send("client-auth 1 1").empty());
    EXPECT_TRUE(r.send("push \"echo hello-from-mgmt\"").empty());
    auto out = r.send("END");
    r.host.nclients = 1;
    r.eng.client_address(c1, "10.94.0.2", true);
    r.eng.client_established(c1, env_of("ESTABLISHED,1"));
    for (auto& l : r.drain())
        out.push_back(l);
    EXPECT_EQ(out, t.reply("END"));
    ASSERT_EQ(r.host.decisions.size(), 1u);
    EXPECT_TRUE(r.host.decisions[0].allow);
    EXPECT_EQ(r.host.decisions[0].cid, 1u);
    EXPECT_EQ(r.host.decisions[0].kid, 1u);
    EXPECT_EQ(r.host.decisions[0].config, std::vector<std::string>{"push \"echo hello-from-mgmt\""});
    // REAUTH once established, ADDRESS and DISCONNECT only after CONNECT.
    r.eng.client_connect(c1, 2, {});
    EXPECT_EQ(r.drain().front(), ">CLIENT:REAUTH,1,2");
    ClientContext never{7};
    r.eng.client_address(never, "10.94.0.9", true);
    r.eng.client_disconnect(never, {});
    EXPECT_TRUE(r.drain().empty());
    r.eng.client_disconnect(c1, {});
    r.eng.client_disconnect(c1, {}); // once only
    EXPECT_EQ(r.drain(), (std::vector<std::string>{">CLIENT:DISCONNECT,1", ">CLIENT:ENV,END"}));
}

TEST_F(Server, StatusLoadStatsBytecountAndKillMatch2614)
{
    r.host.nclients = 1;
    r.host.status_text.clear();
    // The status text is the daemon's (status.cpp); the engine frames it.
    for (auto& l : t.reply("status"))
        r.host.status_text += l + "\n";
    EXPECT_EQ(r.send("status"), t.reply("status"));
    replay(r, t, line_of(t, "C: load-stats"), line_of(t, "C: bytecount 1"));
    EXPECT_EQ(r.send("bytecount 1"), std::vector<std::string>{t.reply("bytecount 1").front()});
    c1.flags = ClientContext::kEstablished | ClientContext::kInitialAuth;
    r.eng.client_bytecount(c1, 100, 200, r.now);     // a second has not passed since... 0: due
    r.eng.client_bytecount(c1, 110, 210, r.now);     // not again in the same second
    r.eng.client_bytecount(c1, 120, 220, r.now + 1); // next second
    EXPECT_EQ(r.drain(), (std::vector<std::string>{">BYTECOUNT_CLI:1,100,200", ">BYTECOUNT_CLI:1,120,220"}));
    EXPECT_FALSE(r.eng.next_timeout()); // no client-mode timer on a server
    replay(r, t, line_of(t, "C: bytecount 0"), line_of(t, "C: kill 10.93.0.2:1"));
    auto not_found = t.reply("kill 10.93.0.2:1");
    Transcript::replace_all(not_found[0], "<PORT>", "1");
    EXPECT_EQ(r.send("kill 10.93.0.2:1"), not_found);
    ASSERT_EQ(r.host.addr_kills.size(), 1u);
    EXPECT_EQ(r.host.addr_kills[0], std::make_pair(std::uint32_t{0x0a5d0002}, 1));
    replay(r, t, line_of(t, "C: kill :5"), line_of(t, "C: client-kill 1"));
}

TEST_F(Server, KillAndClientKillMatch2614)
{
    r.host.on_kill = [this] {
        c2.flags = ClientContext::kInitialAuth | ClientContext::kEstablished;
        r.eng.client_disconnect(c2, env_after(t, line_of(t, "S: >CLIENT:DISCONNECT,2")));
    };
    r.host.by_cn["Test-Client"] = 1;
    EXPECT_EQ(r.send("kill Test-Client"), t.reply("kill Test-Client"));
    EXPECT_EQ(r.send("client-kill 1"), std::vector<std::string>{"SUCCESS: client-kill command succeeded"});
    r.send("client-kill 1 HALT");
    ASSERT_EQ(r.host.cid_kills.size(), 2u);
    EXPECT_EQ(r.host.cid_kills[0].second, std::nullopt); // 2.6 sends RESTART by default
    EXPECT_EQ(r.host.cid_kills[1].second, "HALT");
    r.host.cid_ok = r.host.auth_ok = r.host.pending_ok = false;
    replay(r, t, line_of(t, "C: client-kill 99"), line_of(t, "C: state all"));
}

TEST_F(Server, StateHistoryAndExit)
{
    in_addr tun{};
    inet_pton(AF_INET, "10.94.0.1", &tun);
    StateChange ip{State::AssignIp};
    ip.tun_ip4 = &tun;
    r.eng.set_state(ip, r.now);
    StateChange up{State::Connected, "SUCCESS"};
    up.tun_ip4 = &tun;
    r.eng.set_state(up, r.now);
    replay(r, t, line_of(t, "C: state all"), line_of(t, "C: signal SIGTERM"));
    auto out = r.send("signal SIGTERM");
    r.eng.set_state(StateChange{State::Exiting, "SIGTERM"}, r.now);
    for (auto& l : r.drain())
        out.push_back(l);
    EXPECT_EQ(out, t.reply("signal SIGTERM"));
}

TEST(ServerEnvFilter, LevelsMatch2614)
{
    Config c = Rig::config(true);
    c.server = true;
    Rig r(c);
    auto t = Transcript::load("server-envfilter");
    auto full = Transcript::load("server");
    // The full env of a first connect (level 0), and the peer-info text the
    // client sent (the IV_ lines, in its order).
    auto env = env_after(full, line_of(full, "S: >CLIENT:CONNECT,0,1"), 1);
    std::string peer;
    for (auto& l : env_after(t, line_of(t, "S: >CLIENT:CONNECT,0,1")))
        if (l.rfind("IV_", 0) == 0)
            peer += l + "\n";
    r.host.peer = peer;
    r.eng.on_listening();
    r.eng.hold(0);
    r.connect();
    r.drain();
    r.eng.attach(Mode::Server);
    ClientContext c0{0}, c1{1}, c2{2};
    r.send("env-filter 2");
    r.send("hold release");
    r.eng.client_connect(c0, 1, env);
    auto want = t.reply("hold release");
    want.erase(want.begin());
    EXPECT_EQ(r.drain(), want);
    r.send("env-filter 1");
    auto out = r.send("client-deny 0 1 \"not now\"");
    r.eng.client_disconnect(c0, {});
    r.eng.client_connect(c1, 1, env);
    for (auto& l : r.drain())
        out.push_back(l);
    EXPECT_EQ(out, t.reply("client-deny 0 1 \"not now\""));
    r.send("env-filter 3");
    out = r.send("client-deny 1 1 \"not now\"");
    r.eng.client_disconnect(c1, {});
    r.eng.client_connect(c2, 1, env);
    for (auto& l : r.drain())
        out.push_back(l);
    EXPECT_EQ(out, t.reply("client-deny 1 1 \"not now\""));
}

TEST(ServerEnvFilter, BadPeerInfoLinesAreDroppedAndLogged)
{
    Rig r;
    r.eng.attach(Mode::Server);
    r.host.peer =
        "IV_GUI_VER=OpenVPN GUI $(x)\nbad line\n\nIV_SSO=openurl,webauth\n" + std::string(300, 'A') + "=x";
    r.connect();
    r.drain();
    r.send("env-filter 1");
    ClientContext c{3};
    r.eng.client_connect(c, 0, {});
    auto out = r.drain();
    EXPECT_EQ(out[0], ">CLIENT:CONNECT,3,0");
    EXPECT_EQ(out[1], ">CLIENT:ENV,IV_GUI_VER=OpenVPN_GUI___x)");
    EXPECT_EQ(out[2], ">CLIENT:ENV,IV_SSO=openurl,webauth");
    EXPECT_EQ(out[3], ">CLIENT:ENV," + std::string(43, 'A') + "=x"); // 2.6 cuts at 255 and reads on
    EXPECT_EQ(out.back(), ">CLIENT:ENV,END");
    EXPECT_EQ(std::count(r.host.logs.begin(), r.host.logs.end(),
                         "validation failed on peer_info line received from client"),
              3); // "bad line", the empty line, the 300-byte name cut at 255
}

} // namespace
} // namespace ovpn::mgmt::test
