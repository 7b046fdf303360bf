// session::make_data_plane: the one choice of the data plane. With --dev
// null no device is needed, so these run anywhere.
#include "openvpn/session/make_data_plane.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "openvpn/io/event_loop.hpp"

using namespace ovpn;

namespace {

// Captured: a Logger writing into a string.
struct Captured {
    char* buf = nullptr;
    std::size_t len = 0;
    std::FILE* f = open_memstream(&buf, &len);
    Logger log{f};
    Captured() { log.set_verb(4); }
    ~Captured()
    {
        std::fclose(f);
        std::free(buf);
    }
    std::string text()
    {
        std::fflush(f);
        return std::string(buf, len);
    }
};

options::Options null_dev()
{
    options::Options o;
    o.dev = "null";
    return o;
}

const options::DcoVerdict kBlocked{{{"fragment", "Note: --fragment disables data channel offload."}}};
const options::DcoVerdict kAllowed{};

} // namespace

TEST(MakeDataPlane, BlockedVerdictOpensTheDeviceWithTheUserspacePlane)
{
    FakeClock clock;
    io::EventLoop loop(clock);
    Captured c;
    auto dp = session::make_data_plane(null_dev(), kBlocked, session::PlaneMode::P2P, loop, {}, c.log);
    ASSERT_TRUE(dp) << dp.error();
    EXPECT_EQ((*dp)->device().name, "null");
    EXPECT_EQ((*dp)->name(), "userspace");
    EXPECT_FALSE((*dp)->needs_net_admin());
    EXPECT_NE(c.text().find("TUN/TAP device null opened"), std::string::npos);
    EXPECT_EQ(c.text().find("offload is possible"), std::string::npos);
    // attached already: a second attach is refused
    EXPECT_FALSE((*dp)->attach(loop, {}));
}

TEST(MakeDataPlane, AllowedVerdictSaysDcoIsNotUsedYet)
{
    FakeClock clock;
    io::EventLoop loop(clock);
    Captured c;
    auto dp = session::make_data_plane(null_dev(), kAllowed, session::PlaneMode::MultiPeer, loop, {}, c.log);
    ASSERT_TRUE(dp) << dp.error();
    EXPECT_EQ((*dp)->name(), "userspace");
    EXPECT_NE(c.text().find("Note: data channel offload is possible for this configuration, but this build "
                            "does not use it yet"),
              std::string::npos);
}

TEST(MakeDataPlane, ADeviceThatCannotBeOpenedIsAnError)
{
    FakeClock clock;
    io::EventLoop loop(clock);
    Captured c;
    options::Options o;
    o.dev = "this-name-is-far-too-long-for-an-interface";
    auto dp = session::make_data_plane(o, kBlocked, session::PlaneMode::P2P, loop, {}, c.log);
    EXPECT_FALSE(dp);
}
