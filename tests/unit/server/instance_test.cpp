// The server's per-client logic end to end on loopback UDP, with a fake
// clock: a test-side control channel (TLS client) talks to the server's
// socket; the loop is driven with run_once(0) so nothing waits.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "common.hpp"
#include "harness.hpp"
#include "openvpn/control/control_channel.hpp"
#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/wire/push_message.hpp"

using namespace ovpn;
using ovpn::servertest::Harness;
using ovpn::servertest::push_has;
using ovpn::servertest::TempDir;

TEST(ServerInstance, HandshakeThenPushReplyWithPoolAddressPeerIdAndCipher)
{
    Harness h({});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_TRUE(h.key_active);
    EXPECT_EQ(h.srv->num_clients(), 1u);
    auto pr = wire::parse_push_reply(h.messages.back());
    ASSERT_TRUE(pr);
    auto has = [&](const std::string& opt) {
        return std::find(pr->options.begin(), pr->options.end(), opt) != pr->options.end();
    };
    EXPECT_TRUE(has("ifconfig 10.94.0.2 255.255.255.0"));
    EXPECT_TRUE(has("peer-id 0"));
    EXPECT_TRUE(has("cipher AES-256-GCM"));
    // IV_PROTO 990 has bit 9: dynamic tls-crypt is pushed and turned on
    EXPECT_TRUE(has("protocol-flags cc-exit tls-ekm dyn-tls-crypt"));
    EXPECT_TRUE(has("ping 2"));
    EXPECT_TRUE(has("ping-restart 10"));
    // A repeated PUSH_REQUEST within 30 s is ignored.
    std::size_t before = h.messages.size();
    ASSERT_TRUE(h.cli->send_message("PUSH_REQUEST"));
    h.pump();
    h.pump();
    EXPECT_EQ(h.messages.size(), before);
}

// Dynamic tls-crypt: pushed and turned on (2.6's verb-4 key lines) only
// for a client whose IV_PROTO has bit 9.
TEST(ServerInstance, DynamicTlsCryptOnlyForAClientThatAnnouncesIt)
{
    for (bool announce : {true, false}) {
        Harness h({});
        if (!announce)
            h.peer_info = "IV_VER=2.6.0\nIV_PLAT=linux\nIV_PROTO=478\nIV_CIPHERS=AES-256-GCM\n";
        h.connect();
        ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
        auto pr = wire::parse_push_reply(h.messages.back());
        ASSERT_TRUE(pr);
        const std::string want =
            announce ? "protocol-flags cc-exit tls-ekm dyn-tls-crypt" : "protocol-flags cc-exit tls-ekm";
        EXPECT_NE(std::find(pr->options.begin(), pr->options.end(), want), pr->options.end()) << announce;
        const bool logged = std::any_of(h.lines.begin(), h.lines.end(), [](const std::string& l) {
            return l.find("Outgoing dynamic tls-crypt: Cipher 'AES-256-CTR' initialized with 256 bit key") !=
                   std::string::npos;
        });
        EXPECT_EQ(logged, announce);
    }
}

TEST(ServerInstance, ExitMessageDropsTheClientAtOnce)
{
    Harness h({});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    ASSERT_EQ(h.srv->num_clients(), 1u);
    ASSERT_TRUE(h.cli->send_message("EXIT"));
    h.pump();
    EXPECT_EQ(h.srv->num_clients(), 0u);
}

TEST(ServerInstance, SilentClientExpiresAfterTwiceThePingRestart)
{
    Harness h({});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    ASSERT_EQ(h.srv->num_clients(), 1u);
    h.advance(seconds(15)); // the server's own ping-restart is 2 x 10
    EXPECT_EQ(h.srv->num_clients(), 1u);
    h.advance(seconds(6));
    EXPECT_EQ(h.srv->num_clients(), 0u);
}

TEST(ServerInstance, WrongPasswordGetsAuthFailedAndIsDropped)
{
    Harness h({"--script-security", "2", "--auth-user-pass-verify", "/bin/false", "via-file"});
    h.connect("user", "wrong");
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("AUTH_FAILED"); }));
    EXPECT_FALSE(h.has_message("PUSH_REPLY"));
    EXPECT_EQ(h.srv->num_clients(), 1u); // lingers so the message gets out
    h.advance(seconds(3));
    EXPECT_EQ(h.srv->num_clients(), 0u);
}

TEST(ServerInstance, RightPasswordGetsThePush)
{
    Harness h({"--script-security", "2", "--auth-user-pass-verify", "/bin/true", "via-env"});
    h.connect("user", "right");
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_FALSE(h.has_message("AUTH_FAILED"));
}

TEST(ServerInstance, TwoClientsGetDifferentSlots)
{
    Harness h({"--duplicate-cn"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    auto first_sock = std::move(h.sock);
    auto first_cli = std::move(h.cli);
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_EQ(h.srv->num_clients(), 2u);
    auto pr = wire::parse_push_reply(h.messages.back());
    ASSERT_TRUE(pr);
    EXPECT_NE(std::find(pr->options.begin(), pr->options.end(), "ifconfig 10.94.0.3 255.255.255.0"),
              pr->options.end());
    EXPECT_NE(std::find(pr->options.begin(), pr->options.end(), "peer-id 1"), pr->options.end());
}

TEST(ServerInstance, GarbageFromAStrangerCreatesNoClient)
{
    Harness h({});
    h.connect();
    auto send = [&](std::vector<std::uint8_t> pkt) {
        PacketBuf b(pkt.size() + PacketBuf::kDefaultHeadroom);
        (void)b.append(pkt);
        (void)h.sock->send(std::span<const PacketBuf>(&b, 1), nullptr);
    };
    send({0x38, 1, 2, 3, 4, 5, 6, 7, 8, 9});             // hard reset with 9 ACKs (at most 8)
    send({0x38, 1, 2});                                  // truncated hard reset
    send({0x20, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0}); // P_CONTROL_V1 without a session
    send({0x48, 0, 0, 5, 1, 2, 3, 4});                   // P_DATA_V2 for an unknown peer
    for (int i = 0; i < 4; ++i)
        (void)h.loop.run_once(milliseconds(0));
    EXPECT_EQ(h.srv->num_clients(), 0u);
    // The well-formed reset that follows still gets its client.
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_EQ(h.srv->num_clients(), 1u);
}

TEST(ServerInstance, TlsAuthDropsAnUnauthenticatedReset)
{
    const std::string key = std::string(OVPN_SOURCE_DIR) + "/tests/unit/server/data/ta.key";
    Harness h({"--tls-auth", key, "0"});
    h.connect(); // no tls-auth on the client side: its reset has no HMAC
    for (int i = 0; i < 3; ++i)
        h.pump();
    EXPECT_EQ(h.srv->num_clients(), 0u);
    EXPECT_FALSE(h.key_active);
}

TEST(ServerInstance, CcdFileSetsTheAddressAndExtraPushes)
{
    TempDir d;
    d.write("test-client",
            "ifconfig-push 10.94.0.77 255.255.255.0\npush \"route 192.168.7.0 255.255.255.0\"\n");
    Harness h({"--client-config-dir", d.path});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_TRUE(push_has(h.messages, "ifconfig 10.94.0.77 255.255.255.0"));
    EXPECT_TRUE(push_has(h.messages, "route 192.168.7.0 255.255.255.0"));
    EXPECT_FALSE(push_has(h.messages, "ifconfig 10.94.0.2 255.255.255.0"));
}

TEST(ServerInstance, CcdIfconfigPushTakesNoPoolAddress)
{
    TempDir d;
    d.write("test-client", "ifconfig-push 10.94.0.77 255.255.255.0\n");
    Harness h({"--client-config-dir", d.path, "--duplicate-cn"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_TRUE(push_has(h.messages, "ifconfig 10.94.0.77 255.255.255.0"));
    auto first_sock = std::move(h.sock);
    auto first_cli = std::move(h.cli);
    // the same common name without the file: the pool's first address is
    // still free, as the first session never took it
    ASSERT_EQ(std::remove((d.path + "/test-client").c_str()), 0);
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_EQ(h.srv->num_clients(), 2u);
    EXPECT_TRUE(push_has(h.messages, "ifconfig 10.94.0.2 255.255.255.0"));
}

TEST(ServerInstance, StatusBytesCountControlChannelTraffic)
{
    TempDir d;
    Harness h({"--status", d.path + "/status", "--status-version", "2"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    // no data packet has crossed yet: every byte so far is the handshake,
    // which 2.6 counts as link traffic too
    const std::string text = d.read("status");
    const auto pos = text.find("\nCLIENT_LIST,");
    ASSERT_NE(pos, std::string::npos) << text;
    std::vector<std::string> f;
    std::string cur;
    for (std::size_t i = pos + 1; i < text.size() && text[i] != '\n'; ++i) {
        if (text[i] == ',') {
            f.push_back(cur);
            cur.clear();
        } else {
            cur += text[i];
        }
    }
    f.push_back(cur);
    ASSERT_GT(f.size(), 6u) << text;
    EXPECT_GT(std::stoll(f[5]), 1000) << text; // Bytes Received: ClientHello, certificate, ...
    EXPECT_GT(std::stoll(f[6]), 1000) << text; // Bytes Sent: ServerHello, certificate, ...
}

TEST(ServerInstance, CcdExclusiveWithoutAFileRefusesTheClient)
{
    TempDir d;
    Harness h({"--client-config-dir", d.path, "--ccd-exclusive"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("AUTH_FAILED"); }));
    EXPECT_FALSE(h.has_message("PUSH_REPLY"));
}

TEST(ServerInstance, ClientConnectOutputAndLearnAddressAndDisconnect)
{
    TempDir d;
    d.write("connect.sh",
            "#!/bin/sh\necho \"$common_name $trusted_ip\" > " + d.path +
                "/connect.env\necho 'push \"dhcp-option DNS 10.94.0.1\"' > \"$1\"\n",
            true);
    d.write("learn.sh", "#!/bin/sh\necho \"$*\" >> " + d.path + "/learn.log\n", true);
    d.write("disconnect.sh", "#!/bin/sh\necho \"bye $common_name\" > " + d.path + "/disconnect.log\n", true);
    Harness h({"--script-security", "2", "--client-connect", d.path + "/connect.sh", "--learn-address",
               d.path + "/learn.sh", "--client-disconnect", d.path + "/disconnect.sh"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_TRUE(push_has(h.messages, "dhcp-option DNS 10.94.0.1"));
    EXPECT_EQ(d.read("connect.env"), "test-client 127.0.0.1\n");
    EXPECT_EQ(d.read("learn.log"), "add 10.94.0.2 test-client\n");
    ASSERT_TRUE(h.cli->send_message("EXIT"));
    h.pump();
    EXPECT_EQ(h.srv->num_clients(), 0u);
    EXPECT_EQ(d.read("learn.log"), "add 10.94.0.2 test-client\ndelete 10.94.0.2\n");
    EXPECT_EQ(d.read("disconnect.log"), "bye test-client\n");
}

TEST(ServerInstance, ScriptsSeeThePeerCertificateAndTlsVerifyRuns)
{
    TempDir d;
    const std::string log = d.path + "/log";
    d.write("verify.sh", "#!/bin/sh\necho \"verify $1 $untrusted_ip X=$X509_0_CN\" >> " + log + "\n", true);
    d.write("connect.sh", "#!/bin/sh\necho \"connect $X509_0_CN $tls_serial_0 $X509_1_CN\" >> " + log + "\n",
            true);
    d.write("learn.sh", "#!/bin/sh\necho \"learn $1 X=$X509_0_CN\" >> " + log + "\n", true);
    d.write("disconnect.sh", "#!/bin/sh\necho \"disconnect $X509_0_CN\" >> " + log + "\n", true);
    Harness h({"--script-security", "2", "--tls-verify", d.path + "/verify.sh", "--client-connect",
               d.path + "/connect.sh", "--learn-address", d.path + "/learn.sh", "--client-disconnect",
               d.path + "/disconnect.sh"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    ASSERT_TRUE(h.cli->send_message("EXIT"));
    h.pump();
    const std::string text = d.read("log");
    // tls-verify: the CA (depth 1) then the client, untrusted address known,
    // X509_0_* only once depth 0 is reached
    EXPECT_EQ(text.find("verify 1 127.0.0.1 X=\n"), 0u) << text;
    EXPECT_NE(text.find("verify 0 127.0.0.1 X=test-client\n"), std::string::npos) << text;
    EXPECT_NE(text.find("connect test-client "), std::string::npos) << text;
    EXPECT_EQ(text.find("connect test-client \n"), std::string::npos) << text; // a serial
    EXPECT_NE(text.find("learn add X=test-client\n"), std::string::npos) << text;
    // client-disconnect, then learn-address delete with 2.6's empty env
    EXPECT_NE(text.find("disconnect test-client\nlearn delete X=\n"), std::string::npos) << text;
}

TEST(ServerInstance, FailingTlsVerifyRefusesTheClient)
{
    Harness h({"--script-security", "2", "--tls-verify", "/bin/false"});
    h.connect();
    for (int i = 0; i < 10; ++i)
        h.pump();
    EXPECT_FALSE(h.key_active);
    EXPECT_FALSE(h.has_message("PUSH_REPLY"));
}

TEST(ServerInstance, FailingClientConnectRefusesTheClient)
{
    Harness h({"--script-security", "2", "--client-connect", "/bin/false"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("AUTH_FAILED"); }));
    EXPECT_FALSE(h.has_message("PUSH_REPLY"));
}

TEST(ServerInstance, SameCommonNameReplacesTheOlderSession)
{
    Harness h({});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    auto first_sock = std::move(h.sock);
    auto first_cli = std::move(h.cli);
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_EQ(h.srv->num_clients(), 1u);
    // The new session got slot 1: the old one still held slot 0 when the
    // new one was created.
    EXPECT_TRUE(push_has(h.messages, "peer-id 1"));
    // ... but the address of its common name, which the old session gave up
    // when it was closed (2.6's pool keeps a common name's address).
    EXPECT_TRUE(push_has(h.messages, "ifconfig 10.94.0.2 255.255.255.0"));
}

// 2.6 drops the older sessions of a common name only once the new one is
// authenticated (multi_delete_dup): a second session with the right
// certificate but a wrong password must leave the first one alone.
TEST(ServerInstance, SameCommonNameWithAWrongPasswordKeepsTheOlderSession)
{
    TempDir d;
    d.write("verify.sh", "#!/bin/sh\n[ \"$password\" = right ]\n", true);
    Harness h({"--script-security", "2", "--auth-user-pass-verify", d.path + "/verify.sh", "via-env"});
    h.connect("user", "right");
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    auto first_sock = std::move(h.sock);
    auto first_cli = std::move(h.cli);
    h.messages.clear();
    h.connect("user", "wrong");
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("AUTH_FAILED"); }));
    EXPECT_EQ(h.srv->num_clients(), 2u);
    h.advance(seconds(3)); // the refused one lingers so AUTH_FAILED gets out
    EXPECT_EQ(h.srv->num_clients(), 1u);
}

TEST(ServerInstance, AuthenticDataFromANewAddressFloatsTheClient)
{
    Harness h({});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    auto keys = h.cli->derive_keys(0, "AES-256-GCM", "none", true); // pushed: tls-ekm
    ASSERT_TRUE(keys) << keys.error();
    crypto::DataChannelConfig dc;
    dc.peer_id = 0;
    auto chan = crypto::DataChannel::create(*keys, dc);
    ASSERT_TRUE(chan) << chan.error();
    auto other_socket = [&] {
        io::UdpConfig uc;
        uc.family = io::Family::V4;
        uc.connect_to = h.srv->local_address();
        auto s = io::open_udp(uc);
        EXPECT_TRUE(s);
        return std::move(*s);
    };
    auto send_on = [&](io::LinkSocket& sock, const PacketBuf& b) {
        (void)sock.send(std::span<const PacketBuf>(&b, 1), nullptr);
        for (int i = 0; i < 4; ++i)
            (void)h.loop.run_once(milliseconds(0));
    };
    auto data_packet = [&] {
        PacketBuf b(256);
        std::vector<std::uint8_t> ip(28, 0);
        ip[0] = 0x45;
        (void)b.append(ip);
        EXPECT_TRUE(chan->encrypt(b, 1000));
        return b;
    };
    // A forged P_DATA_V2 for peer 0 from a stranger does not move the client.
    auto stranger = other_socket();
    PacketBuf forged; // default capacity: a smaller one than the headroom would overflow
    std::vector<std::uint8_t> junk = {0x48, 0, 0, 0, 0, 0, 0, 1, 9, 9, 9, 9,
                                      9,    9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    (void)forged.append(junk);
    send_on(*stranger, forged);
    // An authentic one from the client's new port does.
    auto moved = other_socket();
    send_on(*moved, data_packet());
    // The control channel now answers at the new address: EXIT from there
    // closes the client, EXIT from the stranger would not have.
    ASSERT_TRUE(h.cli->send_message("EXIT"));
    while (auto p = h.cli->poll_transmit(h.clock.now())) {
        PacketBuf b(p->size() + PacketBuf::kDefaultHeadroom);
        (void)b.append(*p);
        send_on(*stranger, b);
        EXPECT_EQ(h.srv->num_clients(), 1u);
        send_on(*moved, b);
    }
    EXPECT_EQ(h.srv->num_clients(), 0u);
}

TEST(ServerInstance, InactiveEndsAQuietClientBeforeItsPingRestart)
{
    Harness h({"--inactive", "5"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    h.advance(seconds(4));
    EXPECT_EQ(h.srv->num_clients(), 1u);
    h.advance(seconds(3)); // the ping-restart (20 s) is far away
    EXPECT_EQ(h.srv->num_clients(), 0u);
    EXPECT_TRUE(h.logged("Inactivity timeout (--inactive), exiting"));
    EXPECT_TRUE(h.logged("SIGTERM[soft,inactive] received, client-instance exiting"));
}

TEST(ServerInstance, StatusFileStaysOpenForWritesAfterItIsMadeReadOnly)
{
    // 2.6 opens the file once at start-up (before --user drops the right to
    // open it) and rewrites it through that descriptor.
    TempDir d;
    Harness h({"--status", d.path + "/status", "1"});
    ASSERT_EQ(::chmod((d.path + "/status").c_str(), 0400), 0);
    ASSERT_EQ(::chmod(d.path.c_str(), 0500), 0);
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    h.advance(seconds(1));
    (void)::chmod(d.path.c_str(), 0700);
    EXPECT_NE(d.read("status").find("test-client,127.0.0.1:"), std::string::npos) << d.read("status");
}

TEST(ServerInstance, ClientConnectSeesTheAddressesOfTheCcdFile)
{
    TempDir d;
    d.write("test-client", "ifconfig-push 10.94.0.77 255.255.255.0\nifconfig-ipv6-push fd00:94::77/64\n");
    d.write("connect.sh",
            "#!/bin/sh\necho \"$ifconfig_pool_remote_ip $ifconfig_pool_remote_ip6\" > " + d.path + "/env\n",
            true);
    Harness h({"--server-ipv6", "fd00:94::/64", "--client-config-dir", d.path, "--script-security", "2",
               "--client-connect", d.path + "/connect.sh"});
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    EXPECT_EQ(d.read("env"), "10.94.0.77 fd00:94::77\n");
}

// Issue 14: the server's timer keeps each client at its own deadline, so a
// control packet of one client reschedules that client only (it walked
// every client before), and idle clients are visited about once a second.
TEST(ServerInstance, OneClientsControlPacketReschedulesOnlyThatClient)
{
    constexpr int kClients = 8;
    Harness h({"--duplicate-cn"});
    std::vector<std::unique_ptr<io::LinkSocket>> socks;
    std::vector<std::unique_ptr<control::ControlChannel>> clis;
    for (int i = 0; i < kClients; ++i) {
        h.connect();
        ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
        if (i + 1 < kClients) {
            socks.push_back(std::move(h.sock));
            clis.push_back(std::move(h.cli));
        }
    }
    ASSERT_EQ(h.srv->num_clients(), static_cast<std::size_t>(kClients));
    for (int i = 0; i < 4; ++i)
        h.pump();
    const std::uint64_t before = h.srv->deadline_evals();
    ASSERT_TRUE(h.cli->send_message("PUSH_REQUEST"));
    h.pump();
    const std::uint64_t one_packet = h.srv->deadline_evals() - before;
    EXPECT_GE(one_packet, 1u);
    EXPECT_LT(one_packet, static_cast<std::uint64_t>(kClients)) << "a walk over every client";
    // ten seconds of silence: each client is visited about once a second,
    // not once per client per tick
    const std::uint64_t idle_start = h.srv->deadline_evals();
    for (int i = 0; i < 100; ++i)
        h.advance(milliseconds(100));
    const std::uint64_t idle = h.srv->deadline_evals() - idle_start;
    EXPECT_LE(idle, static_cast<std::uint64_t>(kClients * 10 * 3));
    EXPECT_EQ(h.srv->num_clients(), static_cast<std::size_t>(kClients));
}
