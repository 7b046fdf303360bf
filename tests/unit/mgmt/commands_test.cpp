// tests/unit/mgmt/commands_test.cpp: the commands of a client (p2p) daemon,
// replayed against 2.6.14's hold-client transcript, with the fake host
// playing the daemon's part (states, restart hold) where 2.6 did.
#include <algorithm>

#include "unit/mgmt/rig.hpp"

namespace ovpn::mgmt::test {
namespace {

// The daemon's side of hold-client.txt: the first release starts the
// tunnel, the remote is unreachable, the client instance restarts and holds
// again (with its callbacks installed).
void play_unreachable(Rig& r)
{
    r.eng.attach(Mode::Client);
    r.eng.set_state(StateChange{State::Wait}, r.now);
    r.eng.set_state(StateChange{State::Reconnecting, "network-unreachable"}, r.now);
    r.eng.detach(); // the instance ends, the next one attaches and holds
    r.eng.attach(Mode::Client);
    r.eng.hold(1);
}

struct HoldClient : ::testing::Test {
    Rig r{Rig::config(true)};
    Transcript t = Transcript::load("hold-client");

    void SetUp() override
    {
        r.eng.set_state(StateChange{State::Connecting}, r.now);
        r.eng.on_listening();
        r.eng.hold(0);
        r.host.status_text =
            "OpenVPN STATISTICS\nUpdated,<DATE>\nTUN/TAP read bytes,0\nTUN/TAP write bytes,0\n"
            "TCP/UDP read bytes,0\nTCP/UDP write bytes,0\nAuth read bytes,0\nEND\n";
        r.host.on_release = [this] {
            if (r.host.releases == 1)
                play_unreachable(r);
        };
        r.connect();
        EXPECT_EQ(r.drain(), t.received_from(0));
    }
};

TEST_F(HoldClient, CommandsOfAnAttachedClientMatch2614)
{
    replay(r, t, 0, line_of(t, "C: hold release", 1));
    EXPECT_EQ(r.host.status_versions, (std::vector<int>{0, 3}));
    EXPECT_EQ(r.host.cc_messages, (std::vector<std::pair<std::string, std::string>>{{"CR_RESPONSE", "abc"}}));
    ASSERT_EQ(r.host.proxies.size(), 2u);
    EXPECT_EQ(r.host.proxies[0].kind, ProxyAnswer::Kind::None);
    EXPECT_EQ(r.host.proxies[1].kind, ProxyAnswer::Kind::Bad);
    EXPECT_NE(std::find(r.host.logs.begin(), r.host.logs.end(), "Bad proxy command"), r.host.logs.end());
    EXPECT_TRUE(r.host.signals.empty()); // SIGUSR1 in hold: ignored
}

TEST_F(HoldClient, ReleaseWithoutHoldRunsTheTunnelWithBytecount)
{
    replay(r, t, 0, line_of(t, "C: hold release", 1));
    r.host.on_release = [this] {
        r.eng.set_state(StateChange{State::Wait}, r.now);
        r.eng.set_state(StateChange{State::Reconnecting, "network-unreachable"}, r.now);
    };
    auto out = r.send("hold release");
    // 2.6's >BYTECOUNT: lines interleave as its timer fires; the order of
    // the rest is fixed.
    auto want = t.reply("hold release", 1);
    want.erase(std::remove_if(want.begin(), want.end(),
                              [](const std::string& l) { return l.rfind(">BYTECOUNT:", 0) == 0; }),
               want.end());
    want.resize(3);
    EXPECT_EQ(out, want);
    EXPECT_FALSE(r.eng.would_hold()); // "hold off" before the release
    // The >BYTECOUNT: timer of `bytecount 1`: due a second later.
    ASSERT_TRUE(r.eng.next_timeout());
    EXPECT_EQ(*r.eng.next_timeout(), r.now + 1);
    r.eng.add_client_bytes(100, 40);
    r.host.dco = {5, 6};
    r.eng.on_timeout(r.now + 1);
    EXPECT_EQ(r.drain(), std::vector<std::string>{">BYTECOUNT:105,46"});
    EXPECT_EQ(*r.eng.next_timeout(), r.now + 2);
    EXPECT_EQ(r.send("bytecount 0").front(), t.reply("bytecount 0").front());
    EXPECT_FALSE(r.eng.next_timeout());
    auto term = r.send("signal SIGTERM");
    EXPECT_EQ(term.front(), t.reply("signal SIGTERM").front());
    ASSERT_EQ(r.host.signals.size(), 1u);
    EXPECT_EQ(r.host.signals[0], std::make_pair(Signal::Term, std::string()));
}

TEST(Commands, BytecountTimerOnlyForAnAttachedClient)
{
    Rig r;
    r.connect();
    r.send("bytecount 2");
    EXPECT_FALSE(r.eng.next_timeout()); // no tunnel yet (2.6 runs it in the main loop)
    r.eng.attach(Mode::Server);
    EXPECT_FALSE(r.eng.next_timeout()); // a server sends >BYTECOUNT_CLI instead
    r.eng.detach();
    r.eng.attach(Mode::Client);
    EXPECT_EQ(r.eng.next_timeout(), r.now + 2);
    r.eng.on_client_closed(); // bytecount is per connection
    r.connect();
    EXPECT_FALSE(r.eng.next_timeout());
}

TEST(Commands, SignalRemapAndNames)
{
    Config c = Rig::config();
    c.remap_usr1 = Signal::Term;
    Rig r(c);
    r.connect();
    r.drain();
    EXPECT_EQ(r.send("signal SIGUSR1"), std::vector<std::string>{"SUCCESS: signal SIGTERM thrown"});
    EXPECT_EQ(r.send("signal SIGINT"), std::vector<std::string>{"SUCCESS: signal SIGINT thrown"});
    EXPECT_EQ(r.send("signal sigterm"),
              std::vector<std::string>{"ERROR: signal 'sigterm' is not a known signal type"});
    ASSERT_EQ(r.host.signals.size(), 2u);
    EXPECT_EQ(r.host.signals[0].first, Signal::Term);
    EXPECT_EQ(r.host.signals[1].first, Signal::Int);
}

TEST(Commands, StatusLinesGetCrlfAndServerVersion)
{
    Rig r;
    r.eng.attach(Mode::Server);
    r.host.status_text = "TITLE\tx\nEND"; // no final newline: still one line each
    r.connect();
    r.drain();
    EXPECT_EQ(r.send("status 3"), (std::vector<std::string>{"TITLE\tx", "END"}));
    EXPECT_EQ(r.send("status"), (std::vector<std::string>{"TITLE\tx", "END"}));
    EXPECT_EQ(r.host.status_versions, (std::vector<int>{3, 0}));
}

TEST(Commands, VerbMuteAuthRetryReachTheDaemon)
{
    Rig r;
    r.connect();
    r.drain();
    EXPECT_EQ(r.send("verb 15"), std::vector<std::string>{"SUCCESS: verb level changed"});
    EXPECT_EQ(r.host.verb_, 15);
    EXPECT_EQ(r.send("mute 20"), std::vector<std::string>{"SUCCESS: mute level changed"});
    EXPECT_EQ(r.send("mute"), std::vector<std::string>{"SUCCESS: mute=20"});
    EXPECT_EQ(r.send("auth-retry nointeract"),
              std::vector<std::string>{"SUCCESS: auth-retry parameter changed"});
    EXPECT_EQ(r.send("auth-retry"), std::vector<std::string>{"SUCCESS: auth-retry=nointeract"});
}

TEST(Commands, EchoHistoryAndRealTime)
{
    Rig r;
    r.eng.echo(r.now, "forget-passwords", true);
    r.connect();
    r.drain();
    EXPECT_EQ(r.send("echo on all"),
              (std::vector<std::string>{"SUCCESS: real-time echo notification set to ON",
                                        "1796587663,forget-passwords", "END"}));
    r.eng.echo(r.now + 1, "msg hello", true);
    EXPECT_EQ(r.drain(), std::vector<std::string>{">ECHO:1796587664,msg hello"});
}

TEST(Commands, Pkcs11AnswersWithoutTokens)
{
    Rig r;
    r.connect();
    r.drain();
    // Debian's 2.6.14 aborts on an assert here when no --pkcs11-providers
    // is loaded; with no PKCS#11 support we report no identities.
    EXPECT_EQ(r.send("pkcs11-id-count"), std::vector<std::string>{">PKCS11ID-COUNT:0"});
    EXPECT_EQ(r.send("pkcs11-id-get 0"), std::vector<std::string>{">PKCS11ID-ENTRY:'0'"});
    EXPECT_EQ(r.send("pkcs11-id-get"),
              std::vector<std::string>{"ERROR: the 'pkcs11-id-get' command requires 1 parameter"});
}

TEST(Commands, NetOnLinux)
{
    Rig r;
    r.eng.attach(Mode::Client);
    r.connect();
    r.drain();
    EXPECT_EQ(r.send("net"), Transcript::load("hold-client").reply("net"));
}

} // namespace
} // namespace ovpn::mgmt::test
