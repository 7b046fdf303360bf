// KernelDataPlane behaviour that has no userspace counterpart, in the qemu
// guest on both modules: 2.6's device naming and reuse, iroutes as kernel
// routes, a TCP socket that holds part of a record, DATA_V1, the kernel's
// peer id, stats_all in P2P.
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <gtest/gtest.h>

#include "contract/cases.hpp"
#include "contract/kernel_env.hpp"
#include "dco/kernel_data_plane.hpp"
#include "openvpn/wire/opcode.hpp"

namespace ovpn::contract {
namespace {

// out: a command's output ("" on failure).
std::string out(const std::string& cmd)
{
    std::string s;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p)
        return s;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p))
        s += buf;
    ::pclose(p);
    return s;
}

// Netns: a bare namespace to open devices in.
class Netns {
public:
    Netns() : name_("ctbare" + std::to_string(::getpid()) + "x" + std::to_string(++n_))
    {
        EXPECT_TRUE(sh(ipcmd() + " netns add " + name_));
        self_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        fd_ = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
    }
    ~Netns()
    {
        ::close(fd_);
        ::close(self_);
        (void)std::system((ipcmd() + " netns delete " + name_ + " 2>/dev/null").c_str());
    }
    const std::string& name() const { return name_; }
    template <class F> auto in(F&& f)
    {
        EXPECT_EQ(::setns(fd_, CLONE_NEWNET), 0);
        auto r = f();
        EXPECT_EQ(::setns(self_, CLONE_NEWNET), 0);
        return r;
    }
    Result<std::unique_ptr<dco::KernelDataPlane>, dco::OpenError>
    open(const std::string& dev, dco::LinkMode mode = dco::LinkMode::P2P)
    {
        dco::KernelDataPlaneConfig cfg;
        cfg.dev = dev;
        cfg.mode = mode;
        return in([&] { return dco::KernelDataPlane::open(cfg); });
    }
    bool has_link(const std::string& dev)
    {
        auto s = out(ipcmd() + " -n " + name_ + " -o link show dev " + dev);
        return s.find(": " + dev) != std::string::npos && s.find("does not exist") == std::string::npos;
    }
    std::string kind(const std::string& dev)
    {
        return out(ipcmd() + " -n " + name_ + " -d link show dev " + dev);
    }

private:
    static inline int n_ = 0;
    std::string name_;
    int self_ = -1, fd_ = -1;
};

TEST(KernelDataPlaneOpen, DevTunTakesTheFirstFreeTunN)
{
    Netns ns;
    ASSERT_TRUE(sh(ipcmd() + " -n " + ns.name() + " link add tun0 type veth peer name tunpeer0"));
    auto dp = ns.open("tun");
    ASSERT_TRUE(dp.ok()) << dp.error().message;
    EXPECT_EQ((*dp)->device().name, "tun1");
    EXPECT_FALSE((*dp)->device().persistent);
    EXPECT_GT((*dp)->device().ifindex, 0u);
    EXPECT_NE(ns.kind("tun1").find("ovpn-dco"), std::string::npos) << ns.kind("tun1");
    auto second = ns.open("tun");
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ((*second)->device().name, "tun2");
    dp->reset();
    EXPECT_FALSE(ns.has_link("tun1")) << "a device we created is deleted at close";
    EXPECT_TRUE(ns.has_link("tun2"));
}

TEST(KernelDataPlaneOpen, AFixedNameOfAnotherKindIsRefused)
{
    Netns ns;
    ASSERT_TRUE(sh(ipcmd() + " -n " + ns.name() + " link add vpn0 type veth peer name vpnpeer0"));
    auto dp = ns.open("vpn0");
    ASSERT_FALSE(dp.ok());
    EXPECT_EQ(dp.error().kind, dco::OpenErrorKind::NotDcoDevice);
    EXPECT_EQ(dp.error().message, "Interface vpn0 exists and is non-DCO");
    EXPECT_TRUE(ns.has_link("vpn0"));
}

TEST(KernelDataPlaneOpen, AnExistingDcoDeviceIsReusedAndKept)
{
    Netns ns;
    ASSERT_TRUE(sh(ipcmd() + " -n " + ns.name() + " link add dcokeep type ovpn-dco"));
    {
        auto dp = ns.open("dcokeep");
        ASSERT_TRUE(dp.ok()) << dp.error().message;
        EXPECT_TRUE((*dp)->device().persistent);
        EXPECT_EQ((*dp)->device().name, "dcokeep");
    }
    EXPECT_TRUE(ns.has_link("dcokeep")) << "a device that existed before us must survive us";
    auto fresh = ns.open("dcofresh", dco::LinkMode::MP);
    ASSERT_TRUE(fresh.ok()) << fresh.error().message;
    EXPECT_FALSE((*fresh)->device().persistent);
    EXPECT_EQ((*fresh)->mode(), dco::LinkMode::MP);
}

TEST(KernelDataPlaneOpen, WithoutCapNetAdminItSaysNotPermitted)
{
    Netns ns;
    // A child that dropped CAP_NET_ADMIN (setuid nobody) tries to create one.
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (::setns(::open(("/run/netns/" + ns.name()).c_str(), O_RDONLY), CLONE_NEWNET) != 0 ||
            ::setgid(65534) || ::setuid(65534))
            ::_exit(10);
        dco::KernelDataPlaneConfig cfg;
        cfg.dev = "tun";
        auto dp = dco::KernelDataPlane::open(cfg);
        if (dp.ok())
            ::_exit(11);
        if (dp.error().kind != dco::OpenErrorKind::NotPermitted)
            ::_exit(12);
        if (dp.error().message.find("Operation not permitted") == std::string::npos)
            ::_exit(13);
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10 setns/setuid, 11 opened, 12 wrong kind, 13 wrong text";
}

// ---- in a world of two sides ------------------------------------------------

TEST(KernelDataPlaneKernel, IroutesAreKernelRoutesViaThePeerMetric100)
{
    KernelUdp4 env;
    ASSERT_NO_FATAL_FAILURE(env.build({true, 2}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    ASSERT_NO_FATAL_FAILURE(env.connect(2));
    auto routes = [&] { return out(ipcmd() + " -n " + env.ns(0) + " route show"); };
    ASSERT_TRUE(env.plane(0).set_iroutes(1, {iroute("10.77.1.0", 24), iroute("10.78.0.0", 16)}).ok());
    ASSERT_TRUE(env.plane(0).set_iroutes(2, {iroute("10.79.9.9", 24)}).ok());
    auto r = routes();
    const std::string d = env.dev(0);
    EXPECT_NE(r.find("10.77.1.0/24 via 10.99.0.2 dev " + d + " metric 100"), std::string::npos) << r;
    EXPECT_NE(r.find("10.78.0.0/16 via 10.99.0.2 dev " + d + " metric 100"), std::string::npos) << r;
    EXPECT_NE(r.find("10.79.9.0/24 via 10.99.0.3 dev " + d + " metric 100"), std::string::npos) << r;
    auto detail = out(ipcmd() + " -d -n " + env.ns(0) + " route show 10.77.1.0/24");
    EXPECT_NE(detail.find(" proto boot "), std::string::npos) << detail;
    EXPECT_NE(detail.find(" scope global "), std::string::npos) << detail;
    ASSERT_TRUE(env.plane(0).set_iroutes(1, {iroute("10.78.0.0", 16)}).ok());
    r = routes();
    EXPECT_EQ(r.find("10.77.1.0/24"), std::string::npos) << "replaced routes are removed: " << r;
    EXPECT_NE(r.find("10.78.0.0/16 via 10.99.0.2"), std::string::npos) << r;
    ASSERT_TRUE(env.plane(0).del_peer(1).ok());
    r = routes();
    EXPECT_EQ(r.find("10.78.0.0/16"), std::string::npos) << "del_peer removes its routes: " << r;
    EXPECT_NE(r.find("10.79.9.0/24"), std::string::npos) << r;
    // A peer the kernel drops takes its routes along.
    ASSERT_TRUE(env.plane(0).set_keepalive(2, std::chrono::seconds(1), std::chrono::seconds(4)).ok());
    env.vanish(2);
    ASSERT_TRUE(env.run_until([&] { return has_gone(env, 0, 2); }, std::chrono::seconds(60)));
    r = routes();
    EXPECT_EQ(r.find("10.79.9.0/24"), std::string::npos) << "a Gone peer's routes stay: " << r;
}

TEST(KernelDataPlaneKernel, ATcpSocketHoldingPartOfARecordIsRefused)
{
    KernelTcp4 env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    env.link(0, 1).handover_done(); // bulk reads: now userspace can hold part of a record
    auto rec = framed(control_packet(500, 1));
    ASSERT_EQ(::send(env.link(1, 1).fd(), rec.data(), 100, MSG_NOSIGNAL), 100);
    ASSERT_TRUE(env.run_until([&] { return env.link(0, 1).holds_partial_record(); }, kBudget));
    auto st = env.plane(0).add_peer(env.spec(0, 1));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().find("part of a record"), std::string::npos) << st.error();
    EXPECT_FALSE(env.plane(0).stats(env.handle(0, 1)).ok());
}

TEST(KernelDataPlaneKernel, DataV1IsCountedAndLoggedOnce)
{
    KernelUdp4 env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    Bytes v1 = make_payload(60, 1);
    v1[0] = wire::op_byte(wire::Opcode::DataV1, 0);
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, v1));
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, v1));
    auto sync = control_packet(40, 2);
    ASSERT_NO_FATAL_FAILURE(env.send_control(1, 1, sync));
    ASSERT_TRUE(env.run_until([&] { return !env.inbox(0, 1).empty(); }, kBudget));
    std::uint64_t v1_count = 0;
    for (const auto& [name, n] : env.plane(0).drop_counts()) {
        if (name == "dco-data-v1")
            v1_count = n;
    }
    EXPECT_EQ(v1_count, 2u) << "P_DATA_V1 reaches userspace with DCO and is counted";
    EXPECT_EQ(env.inbox(0, 1).size(), 1u);
}

// 2.6: the kernel knows the peer by the peer-id on the wire (a client's
// pushed peer-id), whatever handle the control plane uses.
TEST(KernelDataPlaneKernel, TheKernelPeerIdIsTheWirePeerId)
{
    KernelUdp4 env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    for (int s = 0; s <= 1; ++s) {
        auto spec = env.spec(s, 1);
        spec.tx_peer_id = 4711;
        ASSERT_TRUE(env.plane(s).add_peer(spec).ok());
        ASSERT_TRUE(env.plane(s).install_key(spec.id, data::KeySlot::Primary, env.keys(s, 1, 0)).ok());
    }
    auto& kdp = dynamic_cast<dco::KernelDataPlane&>(env.plane(0));
    EXPECT_EQ(kdp.kernel_peer_id(data::kP2pPeerId), std::optional<std::uint32_t>(4711));
    ASSERT_NO_FATAL_FAILURE(both_ways(env, 0, 1, 1));
    auto all = env.plane(0).stats_all(); // P2P: the module's dump is empty, we ask for the peer
    ASSERT_TRUE(all.ok()) << all.error();
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ(all->front().first, data::kP2pPeerId);
    EXPECT_GE(all->front().second.plain_rx_packets, 1u);
    auto second = env.spec(0, 1);
    second.id = 9;
    auto refused = env.plane(0).add_peer(second);
    ASSERT_FALSE(refused.ok()) << "a P2P device carries one peer";
}

TEST(KernelDataPlaneKernel, ExplicitExitNotifyIsNotPossible)
{
    KernelUdp4 env;
    ASSERT_NO_FATAL_FAILURE(env.build({}));
    ASSERT_NO_FATAL_FAILURE(env.connect(1));
    EXPECT_FALSE(env.plane(0).send_exit_notify(data::kP2pPeerId, std::chrono::steady_clock::now()).ok());
    EXPECT_EQ(env.plane(0).name(), "dco");
}

} // namespace
} // namespace ovpn::contract
