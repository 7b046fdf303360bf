// The server's behaviour when the kernel carries the data channel (DCO), as
// 2.6.14 behaves (multi.c): what each client's peer is made of, the clients
// 2.6 refuses under DCO, a peer the kernel dropped, the status file and
// --inactive from the kernel's counters. The data plane is a fake with the
// kernel plane's name (fake_kernel_plane.hpp); the same cases on the
// userspace plane show where the behaviour differs.
#include <arpa/inet.h>

#include <gtest/gtest.h>

#include "fake_kernel_plane.hpp"
#include "harness.hpp"

using namespace ovpn;
using servertest::FakeKernelPlane;
using servertest::Harness;
using servertest::push_has;
using servertest::TempDir;

namespace {

std::string v4(const std::optional<in_addr>& a)
{
    char buf[INET_ADDRSTRLEN] = "";
    if (a)
        inet_ntop(AF_INET, &*a, buf, sizeof buf);
    return buf;
}

std::string v6(const std::optional<in6_addr>& a)
{
    char buf[INET6_ADDRSTRLEN] = "";
    if (a)
        inet_ntop(AF_INET6, &*a, buf, sizeof buf);
    return buf;
}

// admitted: connect a client and wait for its PUSH_REPLY.
void admitted(Harness& h)
{
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
}

// field: the n-th comma-separated field of the first line starting with `tag`.
std::string field(const std::string& text, const std::string& tag, std::size_t n)
{
    auto pos = text.find("\n" + tag);
    if (pos == std::string::npos)
        return "";
    std::string line = text.substr(pos + 1, text.find('\n', pos + 1) - pos - 1);
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i) {
        start = line.find(',', start);
        if (start == std::string::npos)
            return "";
        ++start;
    }
    return line.substr(start, line.find(',', start) - start);
}

} // namespace

TEST(ServerDco, EachClientIsAPeerWithItsPushedAddressesPeerIdSocketAndKeepalive)
{
    TempDir d;
    d.write("test-client", "iroute 192.168.77.0 255.255.255.0\n");
    FakeKernelPlane* k = nullptr;
    Harness h({"--server-ipv6", "fd00:94::/64", "--client-config-dir", d.path}, FakeKernelPlane::factory(k));
    admitted(h);
    ASSERT_NE(k, nullptr);
    ASSERT_EQ(k->peers.size(), 1u);
    const data::PeerSpec& p = k->peers.begin()->second;
    EXPECT_EQ(p.tx_peer_id, std::optional<std::uint32_t>(p.id)); // the pushed peer-id is the instance id
    EXPECT_TRUE(push_has(h.messages, "peer-id " + std::to_string(p.id)));
    EXPECT_EQ(v4(p.vpn_ipv4), "10.94.0.2");
    EXPECT_TRUE(push_has(h.messages, "ifconfig 10.94.0.2 255.255.255.0"));
    EXPECT_TRUE(push_has(h.messages, "ifconfig-ipv6 " + v6(p.vpn_ipv6) + "/64 fd00:94::1"));
    EXPECT_NE(p.link, nullptr);
    EXPECT_EQ(p.remote, h.sock->local()); // the client's address (UDP)
    EXPECT_TRUE(p.local.empty());         // LOCAL_IP only under --multihome
    EXPECT_EQ(p.compression, wire::CompressMode::None);
    EXPECT_EQ(p.fragment, 0u);
    // keepalive 2 10 on a server: ping 2, ping-restart twice the pushed 10
    ASSERT_EQ(k->keepalive.count(p.id), 1u);
    EXPECT_EQ(k->keepalive[p.id], std::make_pair(std::chrono::seconds(2), std::chrono::seconds(20)));
    ASSERT_EQ(k->iroutes[p.id].size(), 1u);
    EXPECT_EQ(k->iroutes[p.id][0].prefix_len, 24);
    // the peer first, then its key
    ASSERT_GE(k->calls.size(), 2u);
    EXPECT_EQ(k->calls[0], "add " + std::to_string(p.id));
    EXPECT_EQ(k->calls[1], "install " + std::to_string(p.id) + " primary");
}

// --multihome: a server bound to the wildcard answers a client that talks
// to 127.0.0.2 from there (the client's socket is connected to it, so it
// takes nothing else: the handshake would not finish), and the kernel peer
// carries that address as LOCAL_IP, as 2.6's dco_multi_get_localaddr.
TEST(ServerDco, MultihomePeerHasTheAddressItsClientTalksTo)
{
    FakeKernelPlane* k = nullptr;
    Harness h({"--multihome", "--local", "0.0.0.0"}, FakeKernelPlane::factory(k));
    h.server_ip = "127.0.0.2";
    admitted(h);
    ASSERT_NE(k, nullptr);
    ASSERT_EQ(k->peers.size(), 1u);
    const data::PeerSpec& p = k->peers.begin()->second;
    EXPECT_EQ(p.remote, h.sock->local());
    EXPECT_EQ(p.local.addr.ip_string(), "127.0.0.2");
    EXPECT_NE(p.local.ifindex, 0u);
}

TEST(ServerDco, WithoutMultihomeAClientTalkingToAnotherAddressGetsNoAnswer)
{
    FakeKernelPlane* k = nullptr;
    Harness h({"--local", "0.0.0.0"}, FakeKernelPlane::factory(k));
    h.server_ip = "127.0.0.2";
    h.connect();
    EXPECT_FALSE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }, 20));
}

TEST(ServerDco, ClientWithoutDataV2IsDroppedAsIn26)
{
    FakeKernelPlane* k = nullptr;
    Harness h({}, FakeKernelPlane::factory(k));
    h.peer_info = "IV_VER=2.3.18\nIV_PLAT=linux\nIV_PROTO=988\nIV_CIPHERS=AES-256-GCM:AES-128-GCM\n";
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("AUTH_FAILED"); }));
    EXPECT_TRUE(h.has_message("AUTH_FAILED,Data channel negotiation failed (missing DATA_V2)"));
    EXPECT_TRUE(h.logged("Client does not support DATA_V2. Data channel offloading requires DATA_V2. "
                         "Dropping client."));
    EXPECT_FALSE(h.has_message("PUSH_REPLY"));
    EXPECT_TRUE(k->peers.empty());
    // the userspace data plane takes such a client (P_DATA_V1)
    Harness u({});
    u.peer_info = h.peer_info;
    admitted(u);
    EXPECT_FALSE(push_has(u.messages, "peer-id 0"));
}

TEST(ServerDco, ClientOptionsTheKernelCannotCarryRejectTheClient)
{
    TempDir d;
    d.write("test-client", "compress lz4\n");
    FakeKernelPlane* k = nullptr;
    Harness h({"--client-config-dir", d.path}, FakeKernelPlane::factory(k));
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("AUTH_FAILED"); }));
    EXPECT_FALSE(h.has_message("PUSH_REPLY"));
    EXPECT_TRUE(k->peers.empty());
    EXPECT_TRUE(h.logged("Note: '--allow-compression' is not set to 'no', disabling data channel offload."));
    EXPECT_TRUE(h.logged("Consider using the '--compress migrate' option."));
    EXPECT_TRUE(h.logged("MULTI: client has been rejected due to incompatible DCO options"));
    EXPECT_TRUE(h.logged("Compression or compression stub framing is not allowed since data-channel "
                         "offloading is enabled."));
    EXPECT_TRUE(h.logged("MULTI: client has been rejected due to invalid compression options"));
    // the userspace plane does not check them
    Harness u({"--client-config-dir", d.path});
    admitted(u);
}

TEST(ServerDco, StubV2FromClientConnectIsStillNoDco)
{
    TempDir d;
    d.write("connect.sh", "#!/bin/sh\necho 'compress stub-v2' > \"$1\"\n", true);
    FakeKernelPlane* k = nullptr;
    Harness h({"--script-security", "2", "--client-connect", d.path + "/connect.sh"},
              FakeKernelPlane::factory(k));
    h.connect();
    ASSERT_TRUE(h.pump_until([&] { return h.has_message("AUTH_FAILED"); }));
    EXPECT_TRUE(h.logged("MULTI: client has been rejected due to incompatible DCO options"));
    // stub-v2 frames no packet: 2.6's compression check lets it through
    EXPECT_FALSE(h.logged("invalid compression options"));
    EXPECT_TRUE(k->peers.empty());
}

TEST(ServerDco, CompressMigrateInTheClientConfigIsFine)
{
    TempDir d;
    d.write("test-client", "compress migrate\n");
    FakeKernelPlane* k = nullptr;
    Harness h({"--client-config-dir", d.path}, FakeKernelPlane::factory(k));
    admitted(h);
    EXPECT_EQ(k->peers.size(), 1u);
    EXPECT_FALSE(h.logged("rejected"));
}

struct GoneCase {
    data::DelReason reason;
    const char* line;
    friend void PrintTo(const GoneCase& c, std::ostream* os) { *os << c.line; }
};

class ServerDcoGone : public ::testing::TestWithParam<GoneCase> {};

TEST_P(ServerDcoGone, KernelDroppedPeerEndsTheClientWithClientDisconnect)
{
    TempDir d;
    d.write("disconnect.sh",
            "#!/bin/sh\necho \"$common_name $bytes_received $bytes_sent\" > " + d.path + "/disconnect.log\n",
            true);
    d.write("learn.sh", "#!/bin/sh\necho \"$*\" >> " + d.path + "/learn.log\n", true);
    FakeKernelPlane* k = nullptr;
    Harness h({"--script-security", "2", "--client-disconnect", d.path + "/disconnect.sh", "--learn-address",
               d.path + "/learn.sh", "--status", d.path + "/status", "1"},
              FakeKernelPlane::factory(k));
    admitted(h);
    const data::PeerId id = k->peers.begin()->first;
    k->counters[id].link_rx_bytes = 500000;
    k->counters[id].link_tx_bytes = 700000;
    h.advance(seconds(1)); // a status write reads the counters
    k->gone(id, GetParam().reason);
    h.advance(milliseconds(0));
    EXPECT_EQ(h.line_with(GetParam().line).rfind("test-client/127.0.0.1:", 0), 0u)
        << h.line_with(GetParam().line); // with the client's prefix, as 2.6
    EXPECT_EQ(h.srv->num_clients(), 0u);
    // client-disconnect ran with the last counts the kernel gave, plus the
    // control channel's bytes
    const std::string out = d.read("disconnect.log");
    ASSERT_FALSE(out.empty());
    long long rx = 0, tx = 0;
    char cn[64] = "";
    ASSERT_EQ(std::sscanf(out.c_str(), "%63s %lld %lld", cn, &rx, &tx), 3) << out;
    EXPECT_STREQ(cn, "test-client");
    EXPECT_GT(rx, 500000);
    EXPECT_GT(tx, 700000);
    EXPECT_NE(d.read("learn.log").find("delete 10.94.0.2"), std::string::npos);
    // its address and slot are free again
    admitted(h);
    EXPECT_TRUE(push_has(h.messages, "ifconfig 10.94.0.2 255.255.255.0"));
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, ServerDcoGone,
    ::testing::Values(GoneCase{data::DelReason::Expired,
                               "SIGTERM[soft,ovpn-dco: ping expired] received, client-instance exiting"},
                      GoneCase{data::DelReason::TransportError,
                               "SIGTERM[soft,ovpn-dco: transport error] received, client-instance exiting"},
                      GoneCase{
                          data::DelReason::TransportDisconnect,
                          "SIGTERM[soft,ovpn-dco: transport disconnected] received, client-instance exiting"},
                      GoneCase{data::DelReason::Teardown,
                               "SIGTERM[soft,ovpn-dco: unknown reason] received, client-instance exiting"}));

TEST(ServerDco, OwnDeletionEchoIsIgnored)
{
    FakeKernelPlane* k = nullptr;
    Harness h({}, FakeKernelPlane::factory(k));
    admitted(h);
    const data::PeerId id = k->peers.begin()->first;
    k->gone(id, data::DelReason::Userspace);
    h.advance(milliseconds(0));
    EXPECT_EQ(h.srv->num_clients(), 1u);
    EXPECT_FALSE(h.logged("client-instance exiting"));
}

TEST(ServerDco, UserspaceExpiryKeepsItsOwnLines)
{
    Harness h({});
    admitted(h);
    h.advance(seconds(21)); // the server's ping-restart is 2 x 10
    EXPECT_EQ(h.srv->num_clients(), 0u);
    EXPECT_TRUE(h.logged("Inactivity timeout (--ping-restart), restarting"));
    EXPECT_TRUE(h.logged("SIGUSR1[soft,ping-restart] received, client-instance restarting"));
    EXPECT_FALSE(h.logged("ovpn-dco"));
}

// --ping-exit on a server: the silent client's instance ends with 2.6's
// SIGTERM lines (ping.c's PING_EXIT), the server goes on.
TEST(ServerDco, UserspaceExpiryWithPingExitEndsTheInstance)
{
    Harness h({"--ping", "2", "--ping-exit", "15"});
    admitted(h);
    h.advance(seconds(14));
    EXPECT_EQ(h.srv->num_clients(), 1u);
    h.advance(seconds(2));
    EXPECT_EQ(h.srv->num_clients(), 0u);
    EXPECT_TRUE(h.logged("Inactivity timeout (--ping-exit), exiting"));
    EXPECT_TRUE(h.logged("SIGTERM[soft,ping-exit] received, client-instance exiting"));
    EXPECT_FALSE(h.logged("ping-restart"));
}

TEST(ServerDco, StatusFileHasTheKernelCountersFromOneDumpAndDcoEnabled)
{
    TempDir d;
    FakeKernelPlane* k = nullptr;
    Harness h({"--status", d.path + "/status", "1", "--status-version", "2"}, FakeKernelPlane::factory(k));
    admitted(h);
    const data::PeerId id = k->peers.begin()->first;
    k->counters[id].link_rx_bytes = 123456789;
    k->counters[id].link_tx_bytes = 987654321;
    const int dumps = k->stats_all_calls;
    const int gets = k->stats_calls;
    h.advance(seconds(1));
    const std::string text = d.read("status");
    EXPECT_NE(text.find("\nGLOBAL_STATS,dco_enabled,1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\nGLOBAL_STATS,userspace_data_packets,0\n"), std::string::npos) << text;
    EXPECT_GT(std::stoll(field(text, "CLIENT_LIST", 5)), 123456789) << text; // + control bytes
    EXPECT_GT(std::stoll(field(text, "CLIENT_LIST", 6)), 987654321) << text;
    EXPECT_EQ(k->stats_all_calls, dumps + 1); // one dump for the write
    EXPECT_EQ(k->stats_calls, gets);          // no GET_PEER per client
    // the userspace plane: 2.6's dco_enabled 0 and nothing more
    TempDir du;
    Harness u({"--status", du.path + "/status", "1", "--status-version", "2"});
    admitted(u);
    u.advance(seconds(1));
    const std::string ut = du.read("status");
    EXPECT_NE(ut.find("\nGLOBAL_STATS,dco_enabled,0\nEND\n"), std::string::npos) << ut;
}

TEST(ServerDco, InactiveEndsAClientWhoseKernelCountersStandStill)
{
    FakeKernelPlane* k = nullptr;
    Harness h({"--inactive", "5", "1000"}, FakeKernelPlane::factory(k));
    admitted(h);
    const data::PeerId id = k->peers.begin()->first;
    const int calls = k->stats_calls;
    for (int i = 0; i < 10; ++i) { // traffic: more than 1000 bytes each second
        k->counters[id].plain_rx_bytes += 2000;
        h.advance(seconds(1));
    }
    EXPECT_EQ(h.srv->num_clients(), 1u);
    // the kernel is asked when the timer is due (at 5 and 10 s), not each tick
    EXPECT_LE(k->stats_calls - calls, 2);
    for (int i = 0; i < 4; ++i) { // a little: not enough
        k->counters[id].plain_tx_bytes += 100;
        h.advance(seconds(1));
    }
    EXPECT_EQ(h.srv->num_clients(), 1u);
    h.advance(seconds(2));
    EXPECT_EQ(h.srv->num_clients(), 0u);
    EXPECT_EQ(h.line_with("Inactivity timeout (--inactive), exiting").rfind("test-client/127.0.0.1:", 0), 0u);
    EXPECT_TRUE(h.logged("SIGTERM[soft,inactive] received, client-instance exiting"));
}

TEST(ServerDco, ClientToClientIsLeftToTheKernelWithTwoSixNote)
{
    const char* note = "Note: --client-to-client has no effect when using data channel offload: packets are "
                       "always sent to the VPN interface and then routed based on the system routing table";
    FakeKernelPlane* k = nullptr;
    Harness h({"--client-to-client"}, FakeKernelPlane::factory(k));
    EXPECT_TRUE(h.logged(note));
    Harness u({"--client-to-client"});
    EXPECT_FALSE(u.logged(note));
}
