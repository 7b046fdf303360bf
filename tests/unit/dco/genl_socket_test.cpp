// NlSocket/GenlSocket against the running kernel, through families every
// Linux kernel has (nlctrl, rtnetlink) and requests that need no privilege:
// ACK and error paths, errno text, extended ACK parsing on live replies,
// multi-part dumps ending in NLMSG_DONE. The ovpn-dco-v2 commands themselves
// run in the qemu scenarios (tests/kernel/scenarios/5*-dco-*.sh).
#include "dco/genl_socket.hpp"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <gtest/gtest.h>

#include "dco/link.hpp"

namespace ovpn::dco {
namespace {

TEST(GenlSocket, MissingFamilyIsAClearError)
{
    auto s = GenlSocket::open("ovpn-no-such-family");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().find("ovpn-no-such-family"), std::string::npos) << s.error();
}

TEST(GenlSocket, ControllerRequestAndError)
{
    auto s = GenlSocket::open("nlctrl");
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ((*s)->family_id(), GENL_ID_CTRL);

    NlWriter w;
    w.put_string(CTRL_ATTR_FAMILY_NAME, "nlctrl");
    auto good = (*s)->request(CTRL_CMD_GETFAMILY, w.view(), 0, "GETFAMILY nlctrl");
    ASSERT_TRUE(good.ok()) << good.error();
    ASSERT_EQ(good->size(), 1u);
    EXPECT_EQ((*good)[0].type, GENL_ID_CTRL);
    auto attrs = parse_attrs((*good)[0].attrs);
    ASSERT_TRUE(attrs.ok());
    EXPECT_EQ(attrs->u16(CTRL_ATTR_FAMILY_ID), GENL_ID_CTRL);

    NlWriter bad;
    bad.put_string(CTRL_ATTR_FAMILY_NAME, "dco-nofam");
    auto r = (*s)->request(CTRL_CMD_GETFAMILY, bad.view(), 0, "GETFAMILY missing");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ((*s)->last_errno(), ENOENT);
    EXPECT_NE(r.error().find("GETFAMILY missing: "), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("(errno 2)"), std::string::npos) << r.error();

    // A name longer than GENL_NAMSIZ breaks the controller's policy: EINVAL
    // with the policy's extended-ACK text appended after the errno.
    NlWriter too_long;
    too_long.put_string(CTRL_ATTR_FAMILY_NAME, "ovpn-no-such-family");
    auto e = (*s)->request(CTRL_CMD_GETFAMILY, too_long.view(), 0, "GETFAMILY long");
    ASSERT_FALSE(e.ok());
    EXPECT_EQ((*s)->last_errno(), EINVAL);
    EXPECT_NE(e.error().find("(errno 22): "), std::string::npos) << e.error();
}

TEST(GenlSocket, DumpCollectsEveryPartUntilDone)
{
    auto s = GenlSocket::open("nlctrl");
    ASSERT_TRUE(s.ok()) << s.error();
    auto r = (*s)->request(CTRL_CMD_GETFAMILY, {}, NLM_F_DUMP, "GETFAMILY dump");
    ASSERT_TRUE(r.ok()) << r.error();
    bool saw_ctrl = false;
    for (const auto& reply : *r) {
        auto attrs = parse_attrs(reply.attrs);
        ASSERT_TRUE(attrs.ok());
        if (attrs->u16(CTRL_ATTR_FAMILY_ID) == GENL_ID_CTRL)
            saw_ctrl = true;
    }
    EXPECT_TRUE(saw_ctrl);
    EXPECT_GE(r->size(), 1u);
}

TEST(NlSocket, RtnetlinkErrorCarriesErrno)
{
    auto s = NlSocket::open(NETLINK_ROUTE);
    ASSERT_TRUE(s.ok()) << s.error();
    NlWriter w;
    std::uint32_t seq = (*s)->next_seq();
    auto m = w.begin_msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
    ifinfomsg ifi{};
    ifi.ifi_index = 0x7ffffff0; // no such interface
    w.put_raw(Bytes(reinterpret_cast<const std::uint8_t*>(&ifi), sizeof ifi));
    w.end_msg(m);
    auto r = (*s)->transact(w.view(), seq, "RTM_GETLINK");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ((*s)->last_errno(), ENODEV);
    EXPECT_NE(r.error().find("(errno 19)"), std::string::npos) << r.error();
}

TEST(Link, IndexOfLoopbackAndOfNothing)
{
    auto lo = link_index("lo");
    ASSERT_TRUE(lo.ok()) << lo.error();
    EXPECT_GT(*lo, 0u);
    EXPECT_FALSE(link_index("dco-none-xyz").ok());
}

} // namespace
} // namespace ovpn::dco
