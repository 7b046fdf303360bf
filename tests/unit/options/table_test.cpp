// The option table: every 2.6 name once, with its arity and permission classes.
#include <gtest/gtest.h>

#include <set>

#include "openvpn/options/table.hpp"

using namespace ovpn::options;

TEST(Table, HasAll311NamesOnce)
{
    auto all = all_options();
    EXPECT_EQ(all.size(), 311u);
    std::set<std::string_view> names;
    for (const auto& s : all) {
        EXPECT_TRUE(names.insert(s.name).second) << "duplicate " << s.name;
        EXPECT_NE(s.handler, nullptr) << s.name;
        EXPECT_LE(s.min_args, s.max_args) << s.name;
        EXPECT_FALSE(s.help.empty()) << s.name;
    }
}

TEST(Table, LookupFindsAndMisses)
{
    ASSERT_NE(lookup("remote"), nullptr);
    EXPECT_EQ(lookup("remote")->max_args, 3);
    EXPECT_EQ(lookup("keysize"), nullptr);     // removed in 2.6
    EXPECT_EQ(lookup("tun-max-mtu"), nullptr); // the man page's wrong name
    EXPECT_NE(lookup("tun-mtu-max"), nullptr);
}

TEST(Table, PermissionClassesMatch26)
{
    // <connection>-capable options: 2.6 counts 34 with OPT_P_CONNECTION.
    int conn = 0, pullable = 0, ccd = 0;
    for (const auto& s : all_options()) {
        if ((s.perm & P_CONNECTION) && s.perm != P_ANY)
            ++conn;
        if (s.perm & (kMaskPullBase | kMaskPullRoutes))
            ++pullable;
        if (s.perm & kMaskClientConnect)
            ++ccd;
    }
    EXPECT_EQ(conn, 34);
    EXPECT_GE(pullable, 56);
    EXPECT_GE(ccd, 30);
    EXPECT_TRUE(lookup("route")->perm & P_ROUTE);
    EXPECT_TRUE(lookup("iroute")->perm & P_INSTANCE);
    EXPECT_TRUE(lookup("ca")->perm & P_INLINE);
    EXPECT_FALSE(lookup("verb")->perm & P_INLINE);
}

TEST(Table, WindowsOnlyAndDcoMarks)
{
    EXPECT_TRUE(lookup("block-outside-dns")->flags & F_WINDOWS);
    EXPECT_FALSE(lookup("dhcp-option")->flags & F_WINDOWS); // accepted on Linux
    EXPECT_EQ(lookup("fragment")->dco, Dco::Blocks);
    EXPECT_EQ(lookup("topology")->dco, Dco::Conditional);
    EXPECT_EQ(lookup("verb")->dco, Dco::Ok);
}
