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

TEST(MakeDataPlane, BlockedVerdictSaysWhyOffloadIsOffNamingTheOption)
{
    FakeClock clock;
    io::EventLoop loop(clock);
    Captured c;
    session::PlaneChoice choice;
    auto dp =
        session::make_data_plane(null_dev(), kBlocked, session::PlaneMode::P2P, loop, {}, c.log, &choice);
    ASSERT_TRUE(dp) << dp.error();
    EXPECT_FALSE(choice.offload);
    EXPECT_EQ(choice.device, "null");
    EXPECT_STREQ(choice.device_kind(), "TUN/TAP");
    EXPECT_NE(
        c.text().find("Data channel offload: off (--fragment); the data channel runs in userspace on null"),
        std::string::npos)
        << c.text();
}

// An allowed verdict tries the kernel. On a host without the module (CI,
// the host of this project) the open fails and the userspace plane runs,
// after 2.6's note; where the module is there the device is an ovpn-dco one.
TEST(MakeDataPlane, AllowedVerdictTriesDcoAndFallsBackWithTheReason)
{
    FakeClock clock;
    io::EventLoop loop(clock);
    Captured c;
    session::PlaneChoice choice;
    options::Options o = null_dev();
    o.dev = "ovpnt-mdp0";
    auto dp = session::make_data_plane(o, kAllowed, session::PlaneMode::P2P, loop, {}, c.log, &choice);
    if (dp && choice.offload) {
        EXPECT_TRUE(session::offloaded(**dp));
        EXPECT_TRUE((*dp)->needs_net_admin());
        EXPECT_NE(c.text().find("DCO device ovpnt-mdp0 opened"), std::string::npos) << c.text();
        EXPECT_NE(c.text().find("Data channel offload: on (ovpn-dco-v2 "), std::string::npos) << c.text();
        return;
    }
    EXPECT_EQ(c.text().find("DCO device"), std::string::npos) << c.text();
    EXPECT_NE(c.text().find("Note: Kernel support for ovpn-dco missing, disabling data channel offload."),
              std::string::npos)
        << c.text();
    // The fallback opens a tun device (which needs CAP_NET_ADMIN and
    // /dev/net/tun); without those the error is the tun's.
    if (!dp)
        return;
    EXPECT_FALSE(session::offloaded(**dp));
    EXPECT_NE(c.text().find("TUN/TAP device ovpnt-mdp0 opened"), std::string::npos) << c.text();
    EXPECT_NE(c.text().find("Data channel offload: off (no ovpn-dco-v2 support in the kernel); the data "
                            "channel runs in userspace on ovpnt-mdp0"),
              std::string::npos)
        << c.text();
}

TEST(MakeDataPlane, PushedOptionsAreCheckedOnlyWhenDcoIsWanted)
{
    Captured c;
    options::Options pushed;
    pushed.compress = "lz4";
    EXPECT_TRUE(session::pushed_options_allow(pushed, false, kBlocked, nullptr, c.log));
    EXPECT_EQ(c.text(), "");
}

TEST(MakeDataPlane, PushedCompressionIsRefusedUnderDcoAs26Does)
{
    for (const char* comp : {"", "lz4", "lz4-v2", "lzo", "stub"}) {
        Captured c;
        options::Options pushed;
        pushed.compress = comp;
        EXPECT_FALSE(session::pushed_options_allow(pushed, true, kAllowed, nullptr, c.log)) << comp;
        EXPECT_NE(c.text().find("Compression or compression stub framing is not allowed since data-channel "
                                "offloading is enabled."),
                  std::string::npos);
        EXPECT_NE(c.text().find("OPTIONS ERROR: server pushed compression settings that are not allowed"),
                  std::string::npos);
    }
    Captured c;
    options::Options lzo;
    lzo.comp_lzo = "no";
    EXPECT_FALSE(session::pushed_options_allow(lzo, true, kAllowed, nullptr, c.log));
    // stub-v2 frames nothing an IP packet can carry, migrate is no framing
    for (const char* comp : {"stub-v2", "migrate"}) {
        options::Options pushed;
        pushed.compress = comp;
        EXPECT_TRUE(session::pushed_options_allow(pushed, true, kAllowed, nullptr, c.log)) << comp;
    }
}

TEST(MakeDataPlane, NoPushedPeerIdIsRefusedUnderDcoWith26sLines)
{
    Captured c;
    EXPECT_FALSE(session::pushed_options_allow(options::Options{}, false, kAllowed, nullptr, c.log));
    EXPECT_NE(c.text().find("OPTIONS IMPORT: Server did not request DATA_V2 packet format required for data "
                            "channel offload\n"),
              std::string::npos);
    EXPECT_NE(c.text().find("OPTIONS ERROR: pushed options are incompatible with data channel offload. Use "
                            "--disable-dco to connect to this server"),
              std::string::npos);
    EXPECT_TRUE(session::pushed_options_allow(options::Options{}, true, kAllowed, nullptr, c.log));
}

TEST(MakeDataPlane, AUserspacePlaneAlreadyOpenIsNotCheckedAgain)
{
    FakeClock clock;
    io::EventLoop loop(clock);
    Captured c;
    auto dp = session::make_data_plane(null_dev(), kBlocked, session::PlaneMode::P2P, loop, {}, c.log);
    ASSERT_TRUE(dp);
    // a verdict that allowed DCO, but the device in use is userspace (a
    // fallback kept with --persist-tun): nothing to refuse
    EXPECT_FALSE(session::dco_wanted(kAllowed, dp->get()));
    EXPECT_TRUE(session::pushed_options_allow(options::Options{}, false, kAllowed, dp->get(), c.log));
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
