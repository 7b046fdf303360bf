#include "openvpn/data/mssfix.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ovpn::data;

namespace {
// A minimal IPv4 TCP SYN with an MSS option (1460) and a valid TCP checksum
// field we only check for consistent incremental update.
std::vector<std::uint8_t> syn_v4(std::uint16_t mss, std::uint8_t flags = 0x02)
{
    std::vector<std::uint8_t> p(20 + 24, 0);
    p[0] = 0x45;
    p[3] = static_cast<std::uint8_t>(p.size());
    p[9] = 6;
    std::uint8_t* t = p.data() + 20;
    t[12] = 6 << 4; // 24-byte header
    t[13] = flags;
    t[16] = 0x12;
    t[17] = 0x34;
    t[20] = 2;
    t[21] = 4;
    t[22] = static_cast<std::uint8_t>(mss >> 8);
    t[23] = static_cast<std::uint8_t>(mss);
    return p;
}

std::uint32_t ones_sum(const std::vector<std::uint8_t>& p, std::size_t off)
{
    std::uint32_t s = 0;
    for (std::size_t i = off; i + 1 < p.size(); i += 2)
        s += (p[i] << 8) | p[i + 1];
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return s;
}
} // namespace

TEST(Mssfix, ClampsLargeMssAndKeepsChecksumConsistent)
{
    auto p = syn_v4(1460);
    const auto before = ones_sum(p, 20);
    EXPECT_TRUE(clamp_mss(p, 1300));
    EXPECT_EQ((p[42] << 8) | p[43], 1300);
    EXPECT_EQ(ones_sum(p, 20), before); // one's complement sum of the segment unchanged
}

TEST(Mssfix, LeavesSmallMssNonSynAndGarbage)
{
    auto p = syn_v4(1200);
    EXPECT_FALSE(clamp_mss(p, 1300));
    auto ack = syn_v4(1460, 0x10);
    EXPECT_FALSE(clamp_mss(ack, 1300));
    std::vector<std::uint8_t> junk(30, 0x45);
    EXPECT_FALSE(clamp_mss(junk, 1300));
    std::vector<std::uint8_t> empty;
    EXPECT_FALSE(clamp_mss(empty, 1300));
}

TEST(Mssfix, Arithmetic)
{
    EXPECT_EQ(mss_for_mssfix(1492, 0), 1452);
    EXPECT_EQ(mss_for_mssfix(30, 0), 0);
}

// effective_mss against what Debian's OpenVPN 2.6.14 wrote into a TCP SYN
// crossing its tunnel (tcpdump on the far tun), UDP over IPv4.
namespace {
MssfixFrame gcm_v2()
{
    MssfixFrame f;
    f.peer_id = true;
    f.aead = true;
    return f;
}
MssfixFrame cbc_sha256(bool tls)
{
    MssfixFrame f;
    f.tls = tls;
    f.peer_id = tls;
    f.iv_len = 16;
    f.hmac_len = 32;
    f.long_packet_id = !tls;
    return f;
}
MssfixSetting resolved(std::vector<std::string> args, bool given = true, int fragment = 0,
                       std::optional<int> tun_mtu = std::nullopt, bool link_mtu = false)
{
    auto s = resolve_mssfix(given ? &args : nullptr, fragment, tun_mtu, link_mtu);
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : MssfixSetting{};
}
} // namespace

TEST(EffectiveMss, MatchesOpenVpn26)
{
    const MssfixSetting dflt = resolved({}, false);
    EXPECT_EQ(effective_mss(dflt, gcm_v2()), 1400);
    EXPECT_EQ(effective_mss(dflt, cbc_sha256(true)), 1363);
    EXPECT_EQ(effective_mss(resolved({"1400"}), cbc_sha256(true)), 1299);
    // --secret, listening peer: family unknown, 2.6 assumes IPv6's header.
    MssfixFrame st = cbc_sha256(false);
    st.ipv6 = true;
    EXPECT_EQ(effective_mss(dflt, st), 1343);
}

TEST(EffectiveMss, FixedOffAndOverheads)
{
    EXPECT_EQ(effective_mss(resolved({"1300", "fixed"}), gcm_v2()), 1260);
    EXPECT_EQ(effective_mss(resolved({"0"}), gcm_v2()), 0);
    // "mtu" counts the IPv4+UDP header (28); TCP adds its length prefix and
    // a 40-byte header instead.
    EXPECT_EQ(effective_mss(resolved({"1400", "mtu"}), gcm_v2()) + 28,
              effective_mss(resolved({"1400"}), gcm_v2()));
    MssfixFrame tcp = gcm_v2();
    tcp.tcp = true;
    EXPECT_EQ(effective_mss(resolved({"1400", "mtu"}), tcp), 1400 - 2 - 24 - 40 - 40);
    MssfixFrame frag = gcm_v2();
    frag.fragment = true;
    frag.comp_v1 = true;
    EXPECT_EQ(effective_mss(resolved({"1400"}), frag), effective_mss(resolved({"1400"}), gcm_v2()) - 5);
    EXPECT_EQ(effective_mss(resolved({"30"}), gcm_v2()), 0); // nothing left: off, not a wrap
}

TEST(EffectiveMss, DefaultsFollowTunMtuFragmentAndLinkMtu)
{
    auto d = resolved({}, false);
    EXPECT_EQ(d.value, kMssfixDefault);
    EXPECT_TRUE(d.encap);
    auto bare = resolved({});
    EXPECT_EQ(bare.value, kMssfixDefault);
    auto tun = resolved({}, false, 0, 1400);
    EXPECT_EQ(tun.value, 1400);
    EXPECT_TRUE(tun.fixed);
    auto frag = resolved({}, false, 1300);
    EXPECT_EQ(frag.value, 1300);
    EXPECT_FALSE(frag.encap);
    EXPECT_EQ(resolved({}, false, 0, std::nullopt, true).value, 0);
    std::vector<std::string> bad{"12x"}, badflag{"1400", "bogus"};
    EXPECT_FALSE(resolve_mssfix(&bad, 0, std::nullopt, false).ok());
    EXPECT_FALSE(resolve_mssfix(&badflag, 0, std::nullopt, false).ok());
}
