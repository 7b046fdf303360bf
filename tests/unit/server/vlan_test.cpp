// A client's --vlan-pvid (its --client-config-dir file or --client-connect
// output) reaches the data plane with the client's peer; a bad value is
// logged in 2.6's words and the client keeps the server's VLAN.
#include <gtest/gtest.h>

#include "fake_kernel_plane.hpp"
#include "harness.hpp"

using namespace ovpn;
using servertest::FakeKernelPlane;
using servertest::Harness;
using servertest::TempDir;

namespace {

// peer_pvid: the vlan_pvid the client's peer was added with, given its ccd file.
std::uint16_t peer_pvid(const std::string& ccd, bool* logged_error = nullptr)
{
    TempDir d;
    d.write("test-client", ccd);
    FakeKernelPlane* k = nullptr;
    Harness h({"--client-config-dir", d.path}, FakeKernelPlane::factory(k));
    h.connect();
    EXPECT_TRUE(h.pump_until([&] { return h.has_message("PUSH_REPLY"); }));
    if (logged_error)
        *logged_error = h.logged("the parameter of --vlan-pvid parameters must be >= 1 and <= 4094");
    if (!k || k->peers.size() != 1) {
        ADD_FAILURE() << "no peer";
        return 0xffff;
    }
    return k->peers.begin()->second.vlan_pvid;
}

} // namespace

TEST(ServerVlan, TheClientsPvidGoesWithItsPeer)
{
    EXPECT_EQ(peer_pvid("vlan-pvid 12\n"), 12);
    EXPECT_EQ(peer_pvid("vlan-pvid 12x\n"), 12);  // 2.6 reads it with atoi
    EXPECT_EQ(peer_pvid("push \"ping 5\"\n"), 0); // none: the server's own
}

TEST(ServerVlan, ABadPvidIsLoggedAndIgnored)
{
    bool logged = false;
    EXPECT_EQ(peer_pvid("vlan-pvid 4095\n", &logged), 0);
    EXPECT_TRUE(logged);
}
