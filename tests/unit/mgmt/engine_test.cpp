// tests/unit/mgmt/engine_test.cpp: the management connection: greeting,
// password, replays of whole 2.6.14 sessions, bounded output, disconnects.
#include "unit/mgmt/rig.hpp"

namespace ovpn::mgmt::test {
namespace {

// A client in its first hold: what 2.6 does before any callback exists.
Rig& holding(Rig& r)
{
    r.eng.set_state(StateChange{State::Connecting}, r.now);
    r.eng.on_listening();
    EXPECT_TRUE(r.eng.hold(0));
    return r;
}

TEST(EngineReplay, HoldBeforeCallbacksMatches2614)
{
    Rig r(Rig::config(true));
    holding(r);
    auto t = Transcript::load("hold-none");
    r.eng.on_client_connected("Client connected from [AF_INET]127.0.0.1:40000", r.now);
    EXPECT_EQ(r.drain(), t.received_from(0));
    replay(r, t);
    EXPECT_TRUE(r.eng.close_requested()); // the transcript ends with "exit"
    EXPECT_TRUE(r.host.signals.empty());  // SIGUSR1/SIGHUP are ignored in hold
    EXPECT_EQ(r.host.verb_, 3);
    EXPECT_EQ(r.host.retry, AuthRetry::None);
    EXPECT_EQ(r.host.forgets, 1);
    EXPECT_EQ(r.eng.client_version(), 3); // "version 3"
}

TEST(EngineReplay, UnixSessionMatches2614)
{
    Rig r(Rig::config(true));
    holding(r);
    auto t = Transcript::load("unix");
    r.connect();
    EXPECT_EQ(r.drain(), t.received_from(0));
    replay(r, t);
}

TEST(EngineReplay, PasswordMatches2614)
{
    Config c = Rig::config(true);
    c.password = "sekrit";
    c.signal_on_disconnect = true;
    Rig r(c);
    holding(r);
    auto t = Transcript::load("password");
    r.connect();
    EXPECT_EQ(r.drain(), t.received_from(0));
    replay(r, t);
    r.eng.on_client_closed();
    EXPECT_TRUE(r.host.signals.empty()); // --management-signal is ignored while holding

    auto fail = Transcript::load("password-fail");
    r.connect();
    EXPECT_EQ(r.drain(), fail.received_from(0));
    replay(r, fail);
    EXPECT_TRUE(r.eng.close_requested());
    EXPECT_EQ(r.host.logs.back(), "MAN: client connection rejected after 3 failed password attempts");
}

TEST(Engine, NothingButThePromptBeforeThePassword)
{
    Config c = Rig::config();
    c.password = "pw";
    Rig r(c);
    r.connect();
    EXPECT_EQ(r.drain(), std::vector<std::string>{"ENTER PASSWORD:"});
    // Commands are taken as password attempts; notifications are not sent.
    r.eng.set_state(StateChange{State::Connected}, r.now);
    r.eng.log(r.now, kLogInfo, "a log line");
    r.eng.notify_line(">INFOMSG:x");
    EXPECT_EQ(r.send("signal SIGTERM"), std::vector<std::string>{"ENTER PASSWORD:"});
    EXPECT_TRUE(r.host.signals.empty());
    EXPECT_EQ(r.send("pw"),
              (std::vector<std::string>{
                  "SUCCESS: password is correct",
                  ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info"}));
    EXPECT_EQ(r.send("pid"), std::vector<std::string>{"SUCCESS: pid=4242"});
}

TEST(Engine, PasswordLinesNeverReachTheLog)
{
    Rig r;
    r.connect();
    r.drain();
    r.send("password \"Auth\" hunter2");
    r.send("password \"Auth");
    for (const auto& l : r.host.logs)
        EXPECT_EQ(l.find("hunter2"), std::string::npos) << l;
    EXPECT_EQ(r.host.logs.back(), "MANAGEMENT: CMD 'password [...]'");
    r.send("load-stats");
    EXPECT_EQ(r.host.logs.back(), "MANAGEMENT: CMD 'password [...]'"); // 2.6 does not log load-stats
    r.send("state");
    EXPECT_EQ(r.host.logs.back(), "MANAGEMENT: CMD 'state'");
}

TEST(Engine, TooLongLineIsAnsweredAndTheNextOneRuns)
{
    Rig r;
    r.connect();
    r.drain();
    r.raw(std::string(5000, 'x') + "\npid\n");
    EXPECT_EQ(r.drain(), (std::vector<std::string>{"ERROR: command line too long (1023 bytes max)",
                                                   "SUCCESS: pid=4242"}));
}

TEST(Engine, BinaryGarbageNeverCrashesAndEachLineIsAnswered)
{
    Rig r;
    r.connect();
    r.drain();
    std::string junk;
    for (int i = 0; i < 4096; ++i)
        junk.push_back(static_cast<char>((i * 131 + 7) & 0xff));
    r.raw(junk + "\npid\n");
    auto out = r.drain();
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), "SUCCESS: pid=4242");
}

TEST(Engine, ExitStopsReadingTheRestOfTheInput)
{
    Rig r;
    r.connect();
    r.drain();
    r.raw("pid\nexit\nsignal SIGTERM\n");
    EXPECT_EQ(r.drain(), std::vector<std::string>{"SUCCESS: pid=4242"}); // replies before exit still go out
    EXPECT_TRUE(r.eng.close_requested());
    EXPECT_TRUE(r.host.signals.empty());
}

TEST(Engine, ClientThatNeverReadsIsDroppedAtTheBound)
{
    Config c = Rig::config();
    c.max_output = 64 * 1024;
    Rig r(c);
    r.connect();
    r.send("log on");
    // Nobody drains: output grows up to the bound, never beyond it.
    for (int i = 0; i < 10000 && !r.eng.close_requested(); ++i) {
        r.eng.log(r.now, kLogInfo, std::string(100, 'L'));
        ASSERT_LE(r.eng.pending_output().size(), c.max_output);
    }
    EXPECT_TRUE(r.eng.close_requested());
    const std::size_t frozen = r.eng.pending_output().size();
    r.eng.log(r.now, kLogInfo, "more");
    EXPECT_EQ(r.eng.pending_output().size(), frozen);
    r.eng.on_client_closed();
    EXPECT_EQ(r.host.logs.back(), "MANAGEMENT: Client disconnected");
    EXPECT_TRUE(r.eng.listening());
}

TEST(Engine, TestCommandStopsAtTheBound)
{
    Config c = Rig::config();
    c.max_output = 10 * 1024;
    Rig r(c);
    r.connect();
    r.drain();
    r.raw("test 1000000\n");
    EXPECT_TRUE(r.eng.close_requested());
    EXPECT_LE(r.eng.pending_output().size(), c.max_output);
}

TEST(Engine, FatalLogLineIsSentAndClosesWithoutDisconnectRules)
{
    Config c = Rig::config();
    c.signal_on_disconnect = true;
    Rig r(c);
    r.connect();
    r.drain();
    r.eng.log(r.now, kLogFatal, "Exiting due to fatal error");
    EXPECT_EQ(r.drain(), std::vector<std::string>{">FATAL:Exiting due to fatal error"});
    EXPECT_TRUE(r.eng.close_requested());
    r.eng.on_client_closed();
    EXPECT_TRUE(r.host.signals.empty());
    EXPECT_FALSE(r.eng.listening());
}

TEST(Engine, DisconnectRules)
{
    Config c = Rig::config();
    c.signal_on_disconnect = true;
    c.forget_on_disconnect = true;
    c.remap_usr1 = Signal::Hup;
    Rig r(c);
    r.connect();
    r.eng.on_client_closed();
    EXPECT_EQ(r.host.forgets, 1);
    ASSERT_EQ(r.host.signals.size(), 1u);
    EXPECT_EQ(r.host.signals[0].first, Signal::Hup); // --remap-usr1 SIGHUP
    EXPECT_EQ(r.host.signals[0].second, "management-disconnect");
    EXPECT_TRUE(r.eng.listening());

    Config out = Rig::config();
    out.connect_as_client = true;
    Rig r2(out);
    r2.connect();
    r2.eng.on_client_closed();
    ASSERT_EQ(r2.host.signals.size(), 1u);
    EXPECT_EQ(r2.host.signals[0], std::make_pair(Signal::Term, std::string("management-exit")));
    EXPECT_FALSE(r2.eng.listening());
}

TEST(Engine, ConnectFailureEndsTheDaemon)
{
    Config c = Rig::config();
    c.connect_as_client = true;
    Rig r(c);
    r.eng.on_connect_failed(
        "MANAGEMENT: connect to [AF_INET]127.0.0.1:7505 failed: Connection refused (errno=111)");
    EXPECT_EQ(r.host.logs.back(),
              "MANAGEMENT: connect to [AF_INET]127.0.0.1:7505 failed: Connection refused (errno=111)");
    ASSERT_EQ(r.host.signals.size(), 1u);
    EXPECT_EQ(r.host.signals[0], std::make_pair(Signal::Term, std::string("management-connect-failed")));
}

TEST(Engine, DisconnectInTheMiddleOfACommand)
{
    Rig r;
    r.eng.attach(Mode::Server);
    r.connect();
    r.drain();
    r.raw("client-auth 0 1\npush \"route 10.0.0.0 255.0.0.0\"\nstat"); // no END, half a line
    r.eng.on_client_closed();
    EXPECT_TRUE(r.host.decisions.empty());
    r.connect();
    r.drain();
    // The new client starts clean: no leftover block, no leftover bytes.
    EXPECT_EQ(r.send("pid"), std::vector<std::string>{"SUCCESS: pid=4242"});
    EXPECT_TRUE(r.host.decisions.empty());
}

TEST(Engine, GreetingRepeatsThePendingPrompt)
{
    Rig r(Rig::config(true));
    r.eng.on_listening();
    ASSERT_TRUE(r.eng.hold(7));
    EXPECT_EQ(r.host.logs.back(), "Need hold release from management interface, waiting...");
    r.connect();
    EXPECT_EQ(r.drain(), (std::vector<std::string>{
                             ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info",
                             ">HOLD:Waiting for hold release:7"}));
    r.eng.on_client_closed();
    r.connect();
    EXPECT_EQ(r.drain().back(), ">HOLD:Waiting for hold release:7");
    EXPECT_EQ(r.send("hold release"), std::vector<std::string>{"SUCCESS: hold release succeeded"});
    EXPECT_EQ(r.host.releases, 1);
    EXPECT_FALSE(r.eng.waiting());
    r.eng.on_client_closed();
    r.connect();
    EXPECT_EQ(r.drain().size(), 1u); // no prompt any more
}

TEST(Engine, HoldReleaseIsForgottenOnDetach)
{
    Rig r(Rig::config(true));
    r.eng.on_listening();
    r.connect();
    r.send("hold release"); // before any hold: remembered...
    EXPECT_FALSE(r.eng.would_hold());
    EXPECT_FALSE(r.eng.hold(0));
    r.eng.attach(Mode::Client);
    r.eng.detach(); // ...until the callbacks go (2.6's management_clear_callback)
    EXPECT_TRUE(r.eng.would_hold());
    r.send("hold off");
    EXPECT_FALSE(r.eng.would_hold());
}

TEST(Engine, NoHoldWithoutASocket)
{
    Rig r(Rig::config(true));
    EXPECT_FALSE(r.eng.would_hold()); // shell not open: 2.6's man_standalone_ok
    EXPECT_FALSE(r.eng.query_user_pass(UserPassQuery{"Auth"}));
}

TEST(Engine, LogHistoryIsBoundedByLogCache)
{
    Config c = Rig::config();
    c.log_cache = 5;
    Rig r(c);
    for (int i = 0; i < 20; ++i)
        r.eng.log(r.now + i, 0, "line " + std::to_string(i));
    r.connect();
    r.drain();
    auto out = r.send("log all");
    ASSERT_EQ(out.size(), 6u);
    EXPECT_EQ(out[0], std::to_string(kNow + 15) + ",,line 15");
    EXPECT_EQ(out[4], std::to_string(kNow + 19) + ",,line 19");
    EXPECT_EQ(r.send("log 2"), (std::vector<std::string>{std::to_string(kNow + 18) + ",,line 18",
                                                         std::to_string(kNow + 19) + ",,line 19", "END"}));
}

TEST(Engine, RealTimeLogAndStateLines)
{
    Rig r;
    r.connect();
    r.drain();
    EXPECT_EQ(r.send("log on all"),
              (std::vector<std::string>{"SUCCESS: real-time log notification set to ON", "END"}));
    r.eng.log(r.now, kLogInfo | 0, "Initialization Sequence Completed");
    r.eng.log(r.now, kLogWarn, "WARNING: x");
    EXPECT_EQ(r.drain(), (std::vector<std::string>{">LOG:1796587663,I,Initialization Sequence Completed",
                                                   ">LOG:1796587663,W,WARNING: x"}));
    r.send("log off");
    r.send("state on");
    r.host.logs.clear();
    r.eng.set_state(StateChange{State::Reconnecting, "SIGUSR1"}, r.now);
    EXPECT_EQ(r.drain(), std::vector<std::string>{">STATE:1796587663,RECONNECTING,SIGUSR1,,,,,"});
    // 2.6 also logs the line it sends (LOG_ECHO_TO_LOG).
    EXPECT_EQ(r.host.logs,
              std::vector<std::string>{"MANAGEMENT: >STATE:1796587663,RECONNECTING,SIGUSR1,,,,,"});
}

TEST(Engine, ServerKeepsNoClientOnlyStates)
{
    Config c = Rig::config();
    c.server = true;
    Rig r(c);
    r.eng.set_state(StateChange{State::Connecting}, r.now);
    r.eng.set_state(StateChange{State::Wait}, r.now);
    r.eng.set_state(StateChange{State::GetConfig}, r.now);
    r.eng.set_state(StateChange{State::Connected, "SUCCESS"}, r.now);
    r.connect();
    r.drain();
    EXPECT_EQ(r.send("state all"), (std::vector<std::string>{"1796587663,CONNECTING,,,,,,",
                                                             "1796587663,CONNECTED,SUCCESS,,,,,", "END"}));
}

} // namespace
} // namespace ovpn::mgmt::test
