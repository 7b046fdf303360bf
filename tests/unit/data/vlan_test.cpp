// 802.1Q tagging for --vlan-tagging (data/vlan.hpp, 2.6's vlan.c): the
// --vlan-accept rules on frames from the tap device, the tag put on a
// client's frame for the device, priority bits kept where 2.6 keeps them,
// and frames too short for their header refused.
#include <gtest/gtest.h>

#include <vector>

#include "openvpn/data/ethernet.hpp"
#include "openvpn/data/vlan.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

const std::vector<std::uint8_t> kMacs = {0x02, 0, 0, 0, 0, 0x11, 0x02, 0, 0, 0, 0, 0x22};

// untagged: dst, src, IPv4 ethertype, 46 bytes of payload.
std::vector<std::uint8_t> untagged()
{
    std::vector<std::uint8_t> f = kMacs;
    f.insert(f.end(), {0x08, 0x00});
    for (int i = 0; i < 46; ++i)
        f.push_back(static_cast<std::uint8_t>(i));
    return f;
}

// tagged: the same frame with a tag whose TCI is `tci` (PCP, DEI, VID).
std::vector<std::uint8_t> tagged(std::uint16_t tci)
{
    std::vector<std::uint8_t> f = untagged();
    const std::uint8_t tag[] = {0x81, 0x00, static_cast<std::uint8_t>(tci >> 8),
                                static_cast<std::uint8_t>(tci)};
    f.insert(f.begin() + 12, tag, tag + 4);
    return f;
}

PacketBuf buf(const std::vector<std::uint8_t>& f, std::size_t headroom = PacketBuf::kDefaultHeadroom)
{
    PacketBuf b(PacketBuf::kDefaultCapacity, headroom);
    EXPECT_TRUE(b.append(f));
    return b;
}

std::vector<std::uint8_t> bytes(const PacketBuf& b)
{
    return {b.span().begin(), b.span().end()};
}

VlanConfig cfg(VlanAccept accept, std::uint16_t pvid = 1)
{
    return VlanConfig{true, accept, pvid};
}

} // namespace

TEST(Vlan, ReadsTheVidOfATag)
{
    EXPECT_FALSE(vlan_vid(untagged()));
    EXPECT_EQ(vlan_vid(tagged(0xa00a)), 10); // PCP 5: not part of the VID
    EXPECT_EQ(vlan_vid(tagged(0x1fff)), 0xfff);
    EXPECT_EQ(vlan_vid(tagged(0xe000)), 0); // priority-tagged
    auto runt = tagged(10);
    runt.resize(17);
    EXPECT_FALSE(vlan_vid(runt));
}

TEST(Vlan, FromTapAcceptAllUntagsAndNamesTheVlan)
{
    auto b = buf(tagged(0xa00a));
    const VlanIn in = vlan_from_tap(cfg(VlanAccept::All, 7), b);
    EXPECT_EQ(in.verdict, VlanVerdict::Pass);
    EXPECT_EQ(in.vid, 10);
    EXPECT_EQ(bytes(b), untagged()); // the tag (and its priority) is gone
    auto u = buf(untagged());
    const VlanIn uin = vlan_from_tap(cfg(VlanAccept::All, 7), u);
    EXPECT_EQ(uin.verdict, VlanVerdict::Pass);
    EXPECT_EQ(uin.vid, 7); // untagged: the server's pvid
    EXPECT_EQ(bytes(u), untagged());
}

TEST(Vlan, FromTapAcceptTaggedRefusesUntagged)
{
    auto u = buf(untagged());
    EXPECT_EQ(vlan_from_tap(cfg(VlanAccept::Tagged), u).verdict, VlanVerdict::Filtered);
    auto t = buf(tagged(20));
    const VlanIn in = vlan_from_tap(cfg(VlanAccept::Tagged), t);
    EXPECT_EQ(in.verdict, VlanVerdict::Pass);
    EXPECT_EQ(in.vid, 20);
}

TEST(Vlan, FromTapAcceptUntaggedRefusesTagged)
{
    auto t = buf(tagged(20));
    EXPECT_EQ(vlan_from_tap(cfg(VlanAccept::Untagged), t).verdict, VlanVerdict::Filtered);
    EXPECT_EQ(bytes(t), tagged(20));
    auto u = buf(untagged());
    const VlanIn in = vlan_from_tap(cfg(VlanAccept::Untagged, 3), u);
    EXPECT_EQ(in.verdict, VlanVerdict::Pass);
    EXPECT_EQ(in.vid, 3);
}

// A priority-tagged frame (VID 0) is on the server's VLAN under every rule
// and keeps its tag, so its priority reaches the client (2.6).
TEST(Vlan, FromTapPriorityTaggedKeepsItsTag)
{
    for (VlanAccept a : {VlanAccept::All, VlanAccept::Tagged, VlanAccept::Untagged}) {
        auto p = buf(tagged(0xc000));
        const VlanIn in = vlan_from_tap(cfg(a, 5), p);
        EXPECT_EQ(in.verdict, VlanVerdict::Pass);
        EXPECT_EQ(in.vid, 5);
        EXPECT_EQ(bytes(p), tagged(0xc000));
    }
}

TEST(Vlan, FromTapRefusesRunts)
{
    auto r = buf(std::vector<std::uint8_t>(13, 0));
    EXPECT_EQ(vlan_from_tap(cfg(VlanAccept::All), r).verdict, VlanVerdict::TooShort);
    auto t = tagged(10);
    t.resize(16); // TPID but no room for the TCI and inner type
    auto tb = buf(t);
    EXPECT_EQ(vlan_from_tap(cfg(VlanAccept::All), tb).verdict, VlanVerdict::TooShort);
}

TEST(Vlan, FromClientOnlyUntaggedOrPriorityTagged)
{
    EXPECT_TRUE(vlan_from_client_ok(untagged()));
    EXPECT_TRUE(vlan_from_client_ok(tagged(0xe000)));
    EXPECT_FALSE(vlan_from_client_ok(tagged(10)));
}

TEST(Vlan, ToTapAcceptTaggedTagsEveryFrame)
{
    auto b = buf(untagged());
    EXPECT_EQ(vlan_to_tap(cfg(VlanAccept::Tagged), 1, b), VlanVerdict::Pass);
    EXPECT_EQ(bytes(b), tagged(1)); // priority 0
    auto c = buf(untagged());
    EXPECT_EQ(vlan_to_tap(cfg(VlanAccept::Tagged), 4094, c), VlanVerdict::Pass);
    EXPECT_EQ(bytes(c), tagged(4094));
}

TEST(Vlan, ToTapAcceptAllTagsOnlyOtherVlans)
{
    auto own = buf(untagged());
    EXPECT_EQ(vlan_to_tap(cfg(VlanAccept::All, 20), 20, own), VlanVerdict::Pass);
    EXPECT_EQ(bytes(own), untagged());
    auto other = buf(untagged());
    EXPECT_EQ(vlan_to_tap(cfg(VlanAccept::All, 20), 10, other), VlanVerdict::Pass);
    EXPECT_EQ(bytes(other), tagged(10));
}

TEST(Vlan, ToTapAcceptUntaggedPassesOnlyTheServersVlan)
{
    auto own = buf(untagged());
    EXPECT_EQ(vlan_to_tap(cfg(VlanAccept::Untagged, 20), 20, own), VlanVerdict::Pass);
    EXPECT_EQ(bytes(own), untagged());
    auto other = buf(untagged());
    EXPECT_EQ(vlan_to_tap(cfg(VlanAccept::Untagged, 20), 10, other), VlanVerdict::Filtered);
}

// A client's priority-tagged frame keeps its PCP and DEI bits and gets the
// VID; a frame already tagged with a VID is refused (2.6's sanity check).
TEST(Vlan, TagKeepsPriorityBits)
{
    auto p = buf(tagged(0xb000)); // PCP 5, DEI 1, VID 0
    EXPECT_EQ(vlan_tag(p, 10), VlanVerdict::Pass);
    EXPECT_EQ(bytes(p), tagged(0xb00a));
    auto t = buf(tagged(30));
    EXPECT_EQ(vlan_tag(t, 10), VlanVerdict::Filtered);
    EXPECT_EQ(bytes(t), tagged(30));
}

TEST(Vlan, TagNeedsHeadroomAndAWholeHeader)
{
    auto tight = buf(untagged(), 3);
    EXPECT_EQ(vlan_tag(tight, 10), VlanVerdict::NoRoom);
    EXPECT_EQ(bytes(tight), untagged());
    auto runt = buf(std::vector<std::uint8_t>(10, 0));
    EXPECT_EQ(vlan_tag(runt, 10), VlanVerdict::TooShort);
}

TEST(Vlan, UntagThenTagIsTheSameFrame)
{
    auto b = buf(tagged(42));
    EXPECT_EQ(vlan_untag(b), VlanVerdict::Pass);
    EXPECT_EQ(bytes(b), untagged());
    EXPECT_EQ(vlan_untag(b), VlanVerdict::Pass); // nothing to remove
    EXPECT_EQ(vlan_tag(b, 42), VlanVerdict::Pass);
    EXPECT_EQ(bytes(b), tagged(42));
    EXPECT_EQ(parse_ethernet(b.span())->ethertype, kEthTypeIpv4);
}
