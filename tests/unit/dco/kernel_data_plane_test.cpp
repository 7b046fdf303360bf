// KernelDataPlane on the host: without the ovpn-dco-v2 family open() says
// so in a way the caller can fall back on. (Everything with a kernel module
// runs in the qemu guest: tests/contract/ and tests/kernel/scenarios.)
#include "dco/kernel_data_plane.hpp"

#include <gtest/gtest.h>

#include "dco/availability.hpp"

namespace ovpn::dco {
namespace {

TEST(KernelDataPlaneOpen, SaysWhyItCannotOpen)
{
    KernelDataPlaneConfig cfg;
    cfg.dev = "dco-none-xyz";
    cfg.create = false; // never touch the host's devices
    auto dp = KernelDataPlane::open(cfg);
    ASSERT_FALSE(dp.ok());
    if (!dco_family_available().available) {
        EXPECT_EQ(dp.error().kind, OpenErrorKind::FamilyMissing);
        EXPECT_NE(dp.error().message.find("Kernel support for ovpn-dco missing"), std::string::npos)
            << dp.error().message;
    } else {
        EXPECT_EQ(dp.error().kind, OpenErrorKind::CreateFailed) << dp.error().message;
    }
    EXPECT_STREQ(open_error_name(OpenErrorKind::NotDcoDevice), "not-dco-device");
}

} // namespace
} // namespace ovpn::dco
