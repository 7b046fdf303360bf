// tests/unit/mgmt/queries_test.cpp: what the daemon asks through the
// management client: passwords (replayed against 2.6.14's client-flow
// transcript), NEED-OK/NEED-STR, signatures and certificates, remote and
// proxy choices; and cancelled waits.
#include <arpa/inet.h>

#include "unit/mgmt/rig.hpp"

namespace ovpn::mgmt::test {
namespace {

// The daemon's side of client-flow.txt: --management-hold,
// --management-query-passwords, --auth-retry interact against a server that
// refuses the first password.
struct ClientFlow : ::testing::Test {
    Rig r{Rig::config(true)};
    Transcript t = Transcript::load("client-flow");
    in_addr tun{};
    sockaddr_in remote{};

    void SetUp() override
    {
        inet_pton(AF_INET, "10.94.0.2", &tun);
        remote.sin_family = AF_INET;
        remote.sin_port = htons(1194);
        inet_pton(AF_INET, "10.93.0.1", &remote.sin_addr);
        r.eng.set_state(StateChange{State::Connecting}, r.now);
        r.eng.on_listening();
        r.eng.hold(0);
        // Releases 1 and 2 ask for the password (auth-retry interact purged
        // it after the failure); later ones reconnect with the kept one.
        r.host.on_release = [this] {
            if (r.host.releases <= 2)
                r.eng.query_user_pass(UserPassQuery{"Auth"});
            else
                connected();
        };
        r.host.on_user_pass = [this] {
            r.eng.set_state(StateChange{State::Wait}, r.now);
            r.eng.set_state(StateChange{State::Auth}, r.now);
            if (r.host.answers.back().password == "wrong") {
                r.eng.auth_failure("Auth", std::nullopt);
                r.eng.set_state(StateChange{State::Reconnecting, "auth-failure"}, r.now);
                restart_hold();
                return;
            }
            after_auth();
        };
        r.connect();
        EXPECT_EQ(r.drain(), t.received_from(0));
    }

    // restart_hold: 2.6 drops and reinstalls the client callbacks around a
    // restart (forgetting the last `hold release`), then holds.
    void restart_hold()
    {
        r.eng.detach();
        r.eng.attach(Mode::Client);
        r.eng.hold(1);
    }
    void after_auth()
    {
        r.eng.echo(r.now, "hello-echo", true);
        StateChange ip{State::AssignIp};
        ip.tun_ip4 = &tun;
        r.eng.set_state(ip, r.now);
        r.eng.set_state(StateChange{State::AddRoutes}, r.now);
        StateChange up{State::Connected, "SUCCESS"};
        up.tun_ip4 = &tun;
        up.remote = reinterpret_cast<const sockaddr*>(&remote);
        r.eng.set_state(up, r.now);
    }
    void connected()
    {
        r.eng.set_state(StateChange{State::Wait}, r.now);
        r.eng.set_state(StateChange{State::Auth}, r.now);
        after_auth();
    }
};

TEST_F(ClientFlow, PasswordsStatesAndEchoMatch2614)
{
    r.eng.attach(Mode::Client);
    r.host.entries = {"10.93.0.1,1194,udp,enabled"};
    replay(r, t, 0, line_of(t, "C: bytecount 1"));
    ASSERT_EQ(r.host.answers.size(), 2u);
    EXPECT_EQ(r.host.answers[0].username, "iouser");
    EXPECT_EQ(r.host.answers[0].password, "wrong");
    EXPECT_EQ(r.host.answers[1].type, "Auth");
    EXPECT_EQ(r.host.answers[1].username, "iouser");
    EXPECT_EQ(r.host.answers[1].password, "iopass");
    // SIGUSR1 restarts; 2.6 keeps the credentials, holds, and comes back.
    auto out = r.send("signal SIGUSR1");
    EXPECT_EQ(out, std::vector<std::string>{"SUCCESS: signal SIGUSR1 thrown"});
    r.eng.set_state(StateChange{State::Reconnecting, "SIGUSR1"}, r.now);
    restart_hold();
    auto want = t.reply("signal SIGUSR1");
    want.erase(want.begin());
    EXPECT_EQ(r.drain(), want);
    EXPECT_EQ(r.send("hold release"), t.reply("hold release", 2));
}

TEST(Queries, UsernameAndPasswordInEitherOrderAndTypeChecked)
{
    Rig r;
    r.connect();
    r.drain();
    ASSERT_TRUE(r.eng.query_user_pass(UserPassQuery{"Auth"}));
    EXPECT_EQ(r.drain(), std::vector<std::string>{">PASSWORD:Need 'Auth' username/password"});
    EXPECT_EQ(r.send("password \"Private Key\" x"),
              std::vector<std::string>{
                  "ERROR: password of type 'Private Key' entered, but we need one of type 'Auth'"});
    EXPECT_EQ(r.send("needok Auth ok"),
              std::vector<std::string>{"ERROR: no needok-confirmation is currently needed at this time"});
    r.send("password Auth \"\""); // an empty password counts as given
    EXPECT_TRUE(r.host.answers.empty());
    r.send("username Auth bob");
    ASSERT_EQ(r.host.answers.size(), 1u);
    EXPECT_EQ(r.host.answers[0].username, "bob");
    EXPECT_EQ(r.host.answers[0].password, "");
    EXPECT_FALSE(r.eng.waiting());
    EXPECT_EQ(r.send("username Auth bob"),
              std::vector<std::string>{"ERROR: no username is currently needed at this time"});
}

TEST(Queries, PromptFormats)
{
    Rig r;
    r.connect();
    r.drain();
    UserPassQuery sc{"Auth"};
    sc.static_challenge = "Please enter token PIN";
    sc.challenge_echo = true;
    r.eng.query_user_pass(sc);
    EXPECT_EQ(r.drain(), std::vector<std::string>{
                             ">PASSWORD:Need 'Auth' username/password SC:1,Please enter token PIN"});
    r.eng.cancel_query();
    r.eng.query_user_pass(UserPassQuery{"Private Key", QueryKind::PasswordOnly});
    EXPECT_EQ(r.drain(), std::vector<std::string>{">PASSWORD:Need 'Private Key' password"});
    EXPECT_EQ(r.send("username \"Private Key\" x"),
              std::vector<std::string>{"ERROR: no username is currently needed at this time"});
    EXPECT_EQ(r.send("password \"Private Key\" \"foo\\\"bar\""),
              std::vector<std::string>{"SUCCESS: 'Private Key' password entered, but not yet verified"});
    EXPECT_EQ(r.host.answers.back().password, "foo\"bar");
    r.eng.query_user_pass(
        UserPassQuery{"token-insertion-request", QueryKind::NeedOk, "Please insert your token"});
    EXPECT_EQ(r.drain(),
              std::vector<std::string>{
                  ">NEED-OK:Need 'token-insertion-request' confirmation MSG:Please insert your token"});
    EXPECT_EQ(r.send("needok token-insertion-request cancel"),
              std::vector<std::string>{
                  "SUCCESS: 'token-insertion-request' needok-confirmation entered, but not yet verified"});
    EXPECT_EQ(r.host.answers.back().password, "cancel");
    r.eng.query_user_pass(UserPassQuery{"pkcs11-id-request", QueryKind::NeedStr, "Please specify"});
    EXPECT_EQ(r.drain(),
              std::vector<std::string>{">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify"});
    r.send("needstr pkcs11-id-request \"some id\"");
    EXPECT_EQ(r.host.answers.back().password, "some id");
    r.eng.auth_failure(
        "Auth", std::string_view("CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN"));
    r.eng.auth_token("foobar");
    r.eng.notify("info", "remote-exit", "EXIT");
    r.eng.notify_line(">INFOMSG:WEB_AUTH::https://example.org");
    EXPECT_EQ(r.drain(),
              (std::vector<std::string>{
                  ">PASSWORD:Verification Failed: 'Auth' ['CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:"
                  "Please enter token PIN']",
                  ">PASSWORD:Auth-Token:foobar", ">NOTIFY:info,remote-exit,EXIT",
                  ">INFOMSG:WEB_AUTH::https://example.org"}));
}

TEST(Queries, WaitingWithoutClientLogsAndPromptsOnConnect)
{
    Rig r;
    r.eng.on_listening();
    ASSERT_TRUE(r.eng.query_user_pass(UserPassQuery{"Auth"}));
    EXPECT_EQ(r.host.logs.back(), "Need password(s) from management interface, waiting...");
    r.connect();
    EXPECT_EQ(r.drain().back(), ">PASSWORD:Need 'Auth' username/password");
    r.eng.cancel_query(); // a signal ended the wait
    EXPECT_FALSE(r.eng.waiting());
    EXPECT_EQ(r.send("password Auth x"),
              std::vector<std::string>{"ERROR: no password is currently needed at this time"});
}

TEST(Queries, PkSigFollowsTheClientVersion)
{
    Rig r;
    r.connect();
    r.drain();
    ASSERT_TRUE(r.eng.query_pk_sig("AAEC", "RSA_PKCS1_PADDING"));
    EXPECT_EQ(r.drain(), std::vector<std::string>{">RSA_SIGN:AAEC"}); // a version-1 client
    r.eng.cancel_query();
    r.send("version 2");
    r.eng.query_pk_sig("AAEC", "RSA_PKCS1_PADDING");
    EXPECT_EQ(r.drain(), std::vector<std::string>{">PK_SIGN:AAEC"});
    r.eng.cancel_query();
    r.send("version 3");
    r.eng.query_pk_sig("AAEC", "ECDSA,hashalg=SHA256");
    EXPECT_EQ(r.drain(), std::vector<std::string>{">PK_SIGN:AAEC,ECDSA,hashalg=SHA256"});
    EXPECT_TRUE(r.send("pk-sig").empty());
    EXPECT_TRUE(r.send("c2lnbmF0").empty());
    EXPECT_TRUE(r.send("dXJl").empty());
    EXPECT_EQ(r.send("END"), std::vector<std::string>{"SUCCESS: pk-sign command succeeded"});
    ASSERT_EQ(r.host.sigs.size(), 1u);
    EXPECT_EQ(r.host.sigs[0], "c2lnbmF0dXJl");
    EXPECT_EQ(r.send("pk-sig"),
              std::vector<std::string>{"ERROR: The pk-sig command is not currently available"});
}

TEST(Queries, PkSigInterruptedByASignalFails)
{
    Rig r;
    r.connect();
    r.send("version 2");
    r.eng.query_pk_sig("AAEC", "x");
    r.drain();
    r.send("pk-sig");
    r.send("half");
    r.eng.cancel_query();
    EXPECT_EQ(r.drain(), std::vector<std::string>{"ERROR: pk-sign command failed"});
    EXPECT_TRUE(r.host.sigs.empty());
    EXPECT_EQ(r.send("pid"), std::vector<std::string>{"SUCCESS: pid=4242"}); // not stuck in the block
}

TEST(Queries, PkSigAfterAClientLeftHalfway)
{
    Rig r;
    r.connect();
    r.send("version 2");
    r.eng.query_pk_sig("AAEC", "x");
    r.send("pk-sig");
    r.send("half");
    r.eng.on_client_closed();
    // 2.6 stays stuck ("not currently available"); here the next client
    // gets the prompt again and can answer.
    r.connect();
    EXPECT_EQ(r.drain().back(), ">PK_SIGN:AAEC");
    r.send("pk-sig");
    r.send("Zm9v");
    r.send("END");
    ASSERT_EQ(r.host.sigs.size(), 1u);
    EXPECT_EQ(r.host.sigs[0], "Zm9v");
}

TEST(Queries, CertificateLinesJoinedWithNewlines)
{
    Rig r;
    r.connect();
    r.drain();
    ASSERT_TRUE(r.eng.query_certificate("macosx-keychain:subject:o=OpenVPN-TEST"));
    EXPECT_EQ(r.drain(),
              std::vector<std::string>{">NEED-CERTIFICATE:macosx-keychain:subject:o=OpenVPN-TEST"});
    r.send("certificate");
    r.send("-----BEGIN CERTIFICATE-----");
    r.send("MIIB");
    r.send("-----END CERTIFICATE-----");
    EXPECT_EQ(r.send("END"), std::vector<std::string>{"SUCCESS: certificate command succeeded"});
    ASSERT_EQ(r.host.certs.size(), 1u);
    EXPECT_EQ(r.host.certs[0], "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
}

TEST(Queries, PkSigKeepsWhat26Keeps)
{
    Rig r;
    r.connect();
    r.send("version 2");
    r.eng.query_pk_sig("x", "y");
    r.drain();
    r.send("pk-sig");
    for (int i = 0; i < 40; ++i)
        r.send(std::string(64, 'A'));
    r.send("END");
    ASSERT_EQ(r.host.sigs.size(), 1u);
    EXPECT_EQ(r.host.sigs[0]->size(), 2048u); // 32 lines of 64: what fits in 2048
    r.eng.query_pk_sig("x", "y");
    r.send("pk-sig");
    r.send("END");
    EXPECT_EQ(r.host.sigs.back(), std::nullopt); // no line: no signature
}

TEST(Queries, RemoteQuery)
{
    Rig r;
    r.eng.attach(Mode::Client);
    r.connect();
    r.drain();
    r.eng.query_remote("10.93.0.1", "1194", "udp");
    EXPECT_EQ(r.drain(), std::vector<std::string>{">REMOTE:10.93.0.1,1194,udp"});
    EXPECT_EQ(r.send("remote FOO"), std::vector<std::string>{"ERROR: remote command failed"});
    EXPECT_EQ(r.send("remote MOD only-host"), std::vector<std::string>{"ERROR: remote command failed"});
    EXPECT_EQ(r.send("remote MOD " + std::string(80, 'h') + " 1194"),
              std::vector<std::string>{"ERROR: remote command failed"});
    EXPECT_TRUE(r.eng.waiting());
    EXPECT_EQ(r.send("remote MOD vpn.example.org 443"),
              std::vector<std::string>{"SUCCESS: remote command succeeded"});
    ASSERT_EQ(r.host.remotes.size(), 1u);
    EXPECT_EQ(r.host.remotes[0].kind, RemoteAnswer::Kind::Mod);
    EXPECT_EQ(r.host.remotes[0].host, "vpn.example.org");
    EXPECT_EQ(r.host.remotes[0].port, "443");
    EXPECT_FALSE(r.eng.waiting());
    r.eng.query_remote("a", "1", "tcp-client");
    r.drain();
    r.send("remote SKIP 2");
    EXPECT_EQ(r.host.remotes[1].kind, RemoteAnswer::Kind::Skip);
    EXPECT_EQ(r.host.remotes[1].skip, 2);
}

TEST(Queries, ProxyQuery)
{
    Rig r;
    r.eng.attach(Mode::Client);
    r.connect();
    r.drain();
    r.eng.query_proxy(1, "TCP", "vpn.example.org");
    EXPECT_EQ(r.drain(), std::vector<std::string>{">PROXY:1,TCP,vpn.example.org"});
    r.host.proxy_ok = false; // the daemon refuses an HTTP proxy (UDP): 2.6 keeps asking
    EXPECT_EQ(r.send("proxy HTTP proxy.example.org 8080 nct"),
              std::vector<std::string>{"ERROR: proxy command failed"});
    EXPECT_TRUE(r.eng.waiting());
    EXPECT_TRUE(r.host.proxies.back().http_nct);
    r.host.proxy_ok = true;
    EXPECT_EQ(r.send("proxy SOCKS socks.example.org 1080"),
              std::vector<std::string>{"SUCCESS: proxy command succeeded"});
    EXPECT_FALSE(r.eng.waiting());
    EXPECT_EQ(r.host.proxies.back().kind, ProxyAnswer::Kind::Socks);
}

} // namespace
} // namespace ovpn::mgmt::test

namespace ovpn::mgmt::test {
namespace {

TEST(Queries, ExternalKeyMatches2614)
{
    // 2.6.14 with --management-external-key pkcs1 pss, RSA key, TLS 1.3:
    // a version-3 client gets the algorithm after the data.
    Rig r(Rig::config(true));
    auto t = Transcript::load("external-key");
    r.eng.set_state(StateChange{State::Connecting}, r.now);
    r.eng.on_listening();
    r.eng.hold(0);
    r.host.on_release = [&r] {
        r.eng.attach(Mode::Client);
        r.eng.set_state(StateChange{State::Wait}, r.now);
        r.eng.set_state(StateChange{State::Auth}, r.now);
        r.eng.query_pk_sig("<X>", "RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest");
    };
    r.connect();
    EXPECT_EQ(r.drain(), t.received_from(0));
    replay(r, t, 0, line_of(t, "C: pk-sig", 1));
    EXPECT_TRUE(r.send("pk-sig").empty());
    std::size_t i = line_of(t, "C: pk-sig", 1) + 1;
    std::string sig;
    for (; t.lines[i] == "C: <SIG>"; ++i) {
        const std::string part = "c2ln" + std::to_string(i);
        sig += part;
        EXPECT_TRUE(r.send(part).empty());
    }
    ASSERT_EQ(t.lines[i], "C: END");
    EXPECT_EQ(r.send("END").front(), t.received_from(i + 1).front());
    ASSERT_EQ(r.host.sigs.size(), 1u);
    EXPECT_EQ(r.host.sigs[0], sig);
}

} // namespace
} // namespace ovpn::mgmt::test
