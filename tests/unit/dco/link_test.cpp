// RTM_NEWLINK / RTM_DELLINK bytes for the ovpn-dco link kind.
#include "dco/link.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "dco/messages.hpp"
#include "hex.hpp"

namespace ovpn::dco {
namespace {

using test::hex;
using test::vec;

TEST(Link, NewLinkMultiPeer)
{
    if constexpr (std::endian::native != std::endian::little)
        GTEST_SKIP();
    auto b = build_newlink("tun5", LinkMode::MP, 1);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("4c 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00" // RTM_NEWLINK
                           "11 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" // ifinfomsg AF_PACKET
                           "09 00 03 00 74 75 6e 35 00 00 00 00"             // IFNAME "tun5"
                           "20 00 12 00"                                     // LINKINFO
                           "0d 00 01 00 6f 76 70 6e 2d 64 63 6f 00 00 00 00" // KIND "ovpn-dco"
                           "0c 00 02 00"                                     // INFO_DATA
                           "05 00 01 00 01 00 00 00"));                      // IFLA_OVPN_MODE = MP
}

TEST(Link, NewLinkP2pModeByte)
{
    auto b = build_newlink("x", LinkMode::P2P, 1);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ((*b)[b->size() - 4], 0); // IFLA_OVPN_MODE payload
}

TEST(Link, NewLinkRefusesBadNames)
{
    EXPECT_FALSE(build_newlink("", LinkMode::P2P, 1).ok());
    EXPECT_FALSE(build_newlink("sixteen-chars-xx", LinkMode::P2P, 1).ok());
}

TEST(Link, DelLink)
{
    if constexpr (std::endian::native != std::endian::little)
        GTEST_SKIP();
    auto b = build_dellink(7, 2);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(vec(*b), hex("20 00 00 00 11 00 05 00 02 00 00 00 00 00 00 00"
                           "00 00 00 00 07 00 00 00 00 00 00 00 00 00 00 00"));
}

} // namespace
} // namespace ovpn::dco

namespace ovpn::dco {
namespace {

using test::hex;
using test::vec;

TEST(Link, GetLinkByName)
{
    auto b = build_getlink("tun3", 9);
    ASSERT_TRUE(b.ok());
    auto msgs = split_messages(*b);
    ASSERT_TRUE(msgs.ok());
    ASSERT_EQ(msgs->size(), 1u);
    EXPECT_EQ((*msgs)[0].type, RTM_GETLINK);
    EXPECT_EQ((*msgs)[0].flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ((*msgs)[0].seq, 9u);
    auto attrs = parse_attrs((*msgs)[0].payload.subspan(sizeof(ifinfomsg)));
    ASSERT_TRUE(attrs.ok());
    auto name = attrs->get(IFLA_IFNAME);
    ASSERT_TRUE(name.has_value());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(name->data())), "tun3");
    EXPECT_FALSE(build_getlink("", 1).ok());
}

TEST(Link, ParsesKindAndIndexOfAReply)
{
    NlWriter w;
    ifinfomsg ifi{};
    ifi.ifi_index = 42;
    w.put_raw(Bytes(reinterpret_cast<const std::uint8_t*>(&ifi), sizeof ifi));
    w.put_string(IFLA_IFNAME, "tun0");
    auto li = w.begin_nest(IFLA_LINKINFO, false);
    w.put_string(IFLA_INFO_KIND, "ovpn-dco");
    w.end_nest(li);
    auto info = parse_link_reply(w.view());
    ASSERT_TRUE(info.ok()) << info.error();
    EXPECT_EQ(info->ifindex, 42u);
    EXPECT_EQ(info->name, "tun0");
    EXPECT_EQ(info->kind, "ovpn-dco");
    EXPECT_FALSE(parse_link_reply(Bytes(w.view().data(), 8)).ok());
}

TEST(Link, LoopbackHasNoKindAndNothingIsEnodev)
{
    auto s = RtnlSocket::open();
    ASSERT_TRUE(s.ok()) << s.error();
    auto lo = (*s)->get_link("lo");
    ASSERT_TRUE(lo.ok()) << lo.error();
    EXPECT_EQ(lo->ifindex, *link_index("lo"));
    EXPECT_EQ(lo->kind, "");
    auto none = (*s)->get_link("dco-none-xyz");
    ASSERT_FALSE(none.ok());
    EXPECT_EQ((*s)->last_errno(), ENODEV);
}

RouteSpec route4()
{
    RouteSpec r;
    r.family = AF_INET;
    r.dst = {192, 168, 50, 0};
    r.prefix_len = 24;
    r.gw = {10, 8, 0, 2};
    r.ifindex = 7;
    return r;
}

TEST(Link, IrouteIsAnRtnetlinkRouteViaThePeerMetric100)
{
    auto b = build_route(route4(), true, 5);
    ASSERT_TRUE(b.ok()) << b.error();
    auto msgs = split_messages(*b);
    ASSERT_TRUE(msgs.ok());
    ASSERT_EQ(msgs->size(), 1u);
    const auto& m = (*msgs)[0];
    EXPECT_EQ(m.type, RTM_NEWROUTE);
    EXPECT_EQ(m.flags & (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE), NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
    EXPECT_EQ(m.flags & (NLM_F_EXCL | NLM_F_REPLACE), 0);
    EXPECT_EQ(m.seq, 5u);
    rtmsg rt;
    ASSERT_GE(m.payload.size(), sizeof rt);
    std::memcpy(&rt, m.payload.data(), sizeof rt);
    EXPECT_EQ(rt.rtm_family, AF_INET);
    EXPECT_EQ(rt.rtm_dst_len, 24);
    EXPECT_EQ(rt.rtm_table, RT_TABLE_MAIN);
    EXPECT_EQ(rt.rtm_protocol, RTPROT_BOOT);
    EXPECT_EQ(rt.rtm_scope, RT_SCOPE_UNIVERSE);
    EXPECT_EQ(rt.rtm_type, RTN_UNICAST);
    auto attrs = parse_attrs(m.payload.subspan(NLMSG_ALIGN(sizeof rt)));
    ASSERT_TRUE(attrs.ok()) << attrs.error();
    EXPECT_EQ(vec(*attrs->get(RTA_DST)), hex("c0 a8 32 00"));
    EXPECT_EQ(vec(*attrs->get(RTA_GATEWAY)), hex("0a 08 00 02"));
    EXPECT_EQ(attrs->u32(RTA_PRIORITY), std::optional<std::uint32_t>(100));
    EXPECT_EQ(attrs->u32(RTA_OIF), std::optional<std::uint32_t>(7));

    auto d = build_route(route4(), false, 6);
    ASSERT_TRUE(d.ok());
    auto dm = split_messages(*d);
    EXPECT_EQ((*dm)[0].type, RTM_DELROUTE);
}

TEST(Link, Iroute6)
{
    RouteSpec r;
    r.family = AF_INET6;
    r.dst = {0xfd, 0, 0, 0x99};
    r.prefix_len = 64;
    r.gw = {0xfd, 0, 0, 8};
    r.gw[15] = 2;
    r.ifindex = 3;
    auto b = build_route(r, true, 1);
    ASSERT_TRUE(b.ok()) << b.error();
    auto msgs = split_messages(*b);
    rtmsg rt;
    std::memcpy(&rt, (*msgs)[0].payload.data(), sizeof rt);
    EXPECT_EQ(rt.rtm_family, AF_INET6);
    EXPECT_EQ(rt.rtm_dst_len, 64);
    auto attrs = parse_attrs((*msgs)[0].payload.subspan(NLMSG_ALIGN(sizeof rt)));
    ASSERT_TRUE(attrs.ok());
    EXPECT_EQ(vec(*attrs->get(RTA_GATEWAY)), hex("fd 00 00 08 00 00 00 00 00 00 00 00 00 00 00 02"));
    RouteSpec bad = r;
    bad.family = AF_UNIX;
    EXPECT_FALSE(build_route(bad, true, 1).ok());
}

} // namespace
} // namespace ovpn::dco
