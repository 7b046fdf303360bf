// The session options the userspace data path applies (issue 13):
// --client-nat's rewriting, --passtos's socket TOS and --shaper's pacing.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <vector>

#include "openvpn/data/client_nat.hpp"
#include "openvpn/data/ip_rewrite.hpp"
#include "unit/data/plane.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

std::uint32_t a4(const char* s)
{
    in_addr a{};
    EXPECT_EQ(::inet_pton(AF_INET, s, &a), 1);
    return ntohl(a.s_addr);
}

void put_addr(std::vector<std::uint8_t>& p, std::size_t at, const char* s)
{
    const std::uint32_t v = a4(s);
    for (int i = 0; i < 4; ++i)
        p[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

std::uint32_t addr_at(const std::vector<std::uint8_t>& p, std::size_t at)
{
    return std::uint32_t{p[at]} << 24 | std::uint32_t{p[at + 1]} << 16 | std::uint32_t{p[at + 2]} << 8 |
           p[at + 3];
}

// udp_packet: IPv4/UDP from src to dst with valid header and UDP checksums.
std::vector<std::uint8_t> udp_packet(const char* src, const char* dst, std::uint8_t tos = 0)
{
    std::vector<std::uint8_t> p(20 + 8 + 12, 0x33);
    p[0] = 0x45;
    p[1] = tos;
    p[2] = 0;
    p[3] = static_cast<std::uint8_t>(p.size());
    p[4] = p[5] = p[6] = p[7] = 0;
    p[8] = 64;
    p[9] = 17;
    p[10] = p[11] = 0;
    put_addr(p, 12, src);
    put_addr(p, 16, dst);
    const auto ip = fold_checksum(internet_checksum_add(0, {p.data(), 20}));
    p[10] = static_cast<std::uint8_t>(ip >> 8);
    p[11] = static_cast<std::uint8_t>(ip);
    p[20] = 0x30, p[21] = 0x39, p[22] = 0x00, p[23] = 0x35; // ports
    p[24] = 0, p[25] = 20, p[26] = p[27] = 0;
    return p;
}

// udp_sum_ok / ip_sum_ok: the checksums verify.
bool ip_sum_ok(const std::vector<std::uint8_t>& p)
{
    return fold_checksum(internet_checksum_add(0, {p.data(), 20})) == 0;
}
void set_udp_sum(std::vector<std::uint8_t>& p)
{
    std::uint8_t pseudo[4] = {0, 17, 0, 20};
    std::uint32_t s = internet_checksum_add(0, {p.data() + 12, 8});
    s = internet_checksum_add(s, pseudo);
    const auto c = fold_checksum(internet_checksum_add(s, {p.data() + 20, 20}));
    p[26] = static_cast<std::uint8_t>(c >> 8);
    p[27] = static_cast<std::uint8_t>(c);
}
bool udp_sum_ok(const std::vector<std::uint8_t>& p)
{
    std::uint8_t pseudo[4] = {0, 17, 0, 20};
    std::uint32_t s = internet_checksum_add(0, {p.data() + 12, 8});
    s = internet_checksum_add(s, pseudo);
    return fold_checksum(internet_checksum_add(s, {p.data() + 20, 20})) == 0;
}

ClientNatRule rule(const std::vector<std::string>& args)
{
    auto r = parse_client_nat(args);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : ClientNatRule{};
}

} // namespace

TEST(ClientNat, DnatRewritesTheDestinationOutAndTheSourceBack)
{
    const std::vector<ClientNatRule> rules = {rule({"dnat", "10.95.0.0", "255.255.255.0", "10.94.0.0"})};
    auto out = udp_packet("10.94.0.2", "10.95.0.1");
    set_udp_sum(out);
    ASSERT_TRUE(client_nat(rules, out, NatDirection::ToPeer));
    EXPECT_EQ(addr_at(out, 16), a4("10.94.0.1"));
    EXPECT_EQ(addr_at(out, 12), a4("10.94.0.2"));
    EXPECT_TRUE(ip_sum_ok(out));
    EXPECT_TRUE(udp_sum_ok(out));
    auto back = udp_packet("10.94.0.1", "10.94.0.2");
    set_udp_sum(back);
    ASSERT_TRUE(client_nat(rules, back, NatDirection::FromPeer));
    EXPECT_EQ(addr_at(back, 12), a4("10.95.0.1"));
    EXPECT_TRUE(ip_sum_ok(back));
    EXPECT_TRUE(udp_sum_ok(back));
}

TEST(ClientNat, SnatRewritesTheSourceOutAndFirstRuleWins)
{
    const std::vector<ClientNatRule> rules = {rule({"snat", "192.168.1.0", "255.255.255.0", "10.50.0.0"}),
                                              rule({"snat", "192.168.1.7", "255.255.255.255", "10.60.0.1"})};
    auto out = udp_packet("192.168.1.7", "10.94.0.1");
    ASSERT_TRUE(client_nat(rules, out, NatDirection::ToPeer));
    EXPECT_EQ(addr_at(out, 12), a4("10.50.0.7"));
    EXPECT_TRUE(ip_sum_ok(out));
    EXPECT_EQ(out[26] | out[27], 0); // UDP without a checksum keeps none
    auto back = udp_packet("10.94.0.1", "10.50.0.9");
    ASSERT_TRUE(client_nat(rules, back, NatDirection::FromPeer));
    EXPECT_EQ(addr_at(back, 16), a4("192.168.1.9"));
    auto other = udp_packet("10.94.0.1", "10.94.0.2");
    EXPECT_FALSE(client_nat(rules, other, NatDirection::ToPeer));
}

TEST(ClientNat, ParseRefusesWhat26Refuses)
{
    EXPECT_FALSE(parse_client_nat({"xnat", "1.2.3.4", "255.0.0.0", "5.6.7.8"}).ok());
    auto bad = parse_client_nat({"snat", "1.2.3.x", "255.0.0.0", "5.6.7.8"});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), "client-nat: bad network: 1.2.3.x");
    auto mask = parse_client_nat({"dnat", "1.2.3.4", "255.0.0.256", "5.6.7.8"});
    ASSERT_FALSE(mask.ok());
    EXPECT_EQ(mask.error(), "client-nat: bad netmask: 255.0.0.256");
    // 2.6 reads addresses as inet_aton does: "1.2.3" is 1.2.0.3
    auto shortform = parse_client_nat({"snat", "1.2.3", "255.0.0.0", "5.6.7.8"});
    ASSERT_TRUE(shortform.ok());
    EXPECT_EQ(shortform->network, a4("1.2.0.3"));
}

namespace {

DataKeys gcm_keys()
{
    DataKeys k;
    k.cipher = CipherAlg::Aes256Gcm;
    k.cipher_name = "AES-256-GCM";
    k.auth_name = "none";
    k.encrypt = {SecureBytes(32), SecureBytes(8), {}};
    k.decrypt = {SecureBytes(32), SecureBytes(8), {}};
    return k;
}

// with_peer: one peer on `link` with keys, ready to send.
void with_peer(test::Plane& p, test::FakeLink& link)
{
    PeerSpec spec;
    spec.link = &link;
    ASSERT_TRUE(p.dp->add_peer(spec).ok());
    ASSERT_TRUE(p.dp->install_key(kP2pPeerId, KeySlot::Primary, gcm_keys()).ok());
}

} // namespace

TEST(Passtos, EachTosChangeReachesTheSocketBeforeItsPacket)
{
    UserspaceConfig cfg;
    cfg.passtos = true;
    test::Plane p(cfg);
    test::FakeLink link;
    with_peer(p, link);
    p.tun->inject(udp_packet("10.94.0.2", "10.94.0.1", 0xb8));
    p.tun->inject(udp_packet("10.94.0.2", "10.94.0.1", 0xb8));
    p.tun->inject(udp_packet("10.94.0.2", "10.94.0.1", 0x20));
    EXPECT_EQ(p.dp->on_tun_readable(p.clock.now()), 3u);
    EXPECT_EQ(link.tos(), (std::vector<std::uint8_t>{0xb8, 0x20}));
}

TEST(Passtos, OffLeavesTheSocketAlone)
{
    test::Plane p;
    test::FakeLink link;
    with_peer(p, link);
    p.tun->inject(udp_packet("10.94.0.2", "10.94.0.1", 0xb8));
    EXPECT_EQ(p.dp->on_tun_readable(p.clock.now()), 1u);
    EXPECT_TRUE(link.tos().empty());
}

TEST(Shaper, HoldsTunUntilTheBytesSentArePaidFor)
{
    UserspaceConfig cfg;
    cfg.shaper = 1000; // bytes per second: ~150 ms per packet below
    test::Plane p(cfg);
    test::FakeLink link;
    with_peer(p, link);
    for (int i = 0; i < 3; ++i)
        p.tun->inject(udp_packet("10.94.0.2", "10.94.0.1"));
    p.settle();
    EXPECT_EQ(link.sent().size(), 1u); // the next read waits for the shaper
    p.settle();
    EXPECT_EQ(link.sent().size(), 1u);
    p.clock.advance(std::chrono::seconds(1));
    p.settle();
    EXPECT_EQ(link.sent().size(), 2u); // one per wake-up: the shaper holds again
    p.clock.advance(std::chrono::seconds(1));
    p.settle();
    EXPECT_EQ(link.sent().size(), 3u);
}

TEST(Shaper, OffSendsTheWholeBatch)
{
    test::Plane p;
    test::FakeLink link;
    with_peer(p, link);
    for (int i = 0; i < 3; ++i)
        p.tun->inject(udp_packet("10.94.0.2", "10.94.0.1"));
    p.settle();
    EXPECT_EQ(link.sent().size(), 3u);
}
