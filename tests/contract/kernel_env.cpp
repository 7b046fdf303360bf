// tests/contract/kernel_env.cpp: see kernel_env.hpp.
#include "contract/kernel_env.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "dco/kernel_data_plane.hpp"

namespace ovpn::contract {
namespace {

int g_world = 0; // a fresh set of names per Env, so a failed test leaves nothing in the next one's way

} // namespace

std::string ipcmd()
{
    const char* e = std::getenv("KT_IP");
    return e && *e ? e : "/usr/sbin/ip";
}

bool sh(const std::string& cmd)
{
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) {
        ADD_FAILURE() << "cannot run `" << cmd << "`";
        return false;
    }
    char buf[512];
    while (std::fgets(buf, sizeof buf, p))
        out += buf;
    int rc = ::pclose(p);
    if (rc != 0) {
        ADD_FAILURE() << "`" << cmd << "` failed (" << rc << "): " << out;
        return false;
    }
    return true;
}

KernelEnv::KernelEnv(Proto p) : Env(p), log_(stderr)
{
    log_.set_verb(1);
}

KernelEnv::~KernelEnv()
{
    teardown();
    for (int fd : ns_fd_)
        ::close(fd);
    for (int s = 0; s < created_; ++s)
        (void)std::system((ipcmd() + " netns delete " + ns(s) + " 2>/dev/null").c_str());
    if (self_ns_ >= 0)
        ::close(self_ns_);
}

std::string KernelEnv::name() const
{
    return is_tcp(proto()) ? "kernel/tcp4" : "kernel/udp4";
}

std::string KernelEnv::ns(int side) const
{
    return "ct" + std::to_string(::getpid()) + "w" + std::to_string(world_) + "s" + std::to_string(side);
}

std::string KernelEnv::veth(int side, int k) const
{
    return "ctv" + std::to_string(world_) + (side == 0 ? "a" : "b") + std::to_string(k);
}

void KernelEnv::make_world(const Topology& t)
{
    ASSERT_EQ(::geteuid(), 0u) << "the kernel contract tests need root (run them in the qemu guest)";
    world_ = ++g_world;
    self_ns_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(self_ns_, 0);
    for (int s = 0; s <= t.clients; ++s) {
        ASSERT_TRUE(sh(ipcmd() + " netns add " + ns(s)));
        created_ = s + 1;
        ASSERT_TRUE(sh(ipcmd() + " -n " + ns(s) + " link set lo up"));
        int fd = ::open(("/run/netns/" + ns(s)).c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0) << std::strerror(errno);
        ns_fd_.push_back(fd);
    }
    for (int k = 1; k <= t.clients; ++k) {
        std::string a = veth(0, k), b = veth(k, k), net = "10.200." + std::to_string(k);
        ASSERT_TRUE(sh(ipcmd() + " link add " + a + " netns " + ns(0) + " type veth peer name " + b +
                       " netns " + ns(k)));
        ASSERT_TRUE(sh(ipcmd() + " -n " + ns(0) + " addr add " + net + ".1/24 dev " + a));
        ASSERT_TRUE(sh(ipcmd() + " -n " + ns(k) + " addr add " + net + ".2/24 dev " + b));
        ASSERT_TRUE(sh(ipcmd() + " -n " + ns(0) + " link set " + a + " up"));
        ASSERT_TRUE(sh(ipcmd() + " -n " + ns(k) + " link set " + b + " up"));
    }
}

void KernelEnv::in_side(int side, const std::function<void()>& fn)
{
    ASSERT_EQ(::setns(ns_fd_.at(static_cast<std::size_t>(side)), CLONE_NEWNET), 0) << std::strerror(errno);
    fn();
    ASSERT_EQ(::setns(self_ns_, CLONE_NEWNET), 0) << std::strerror(errno);
}

std::unique_ptr<data::DataPlane> KernelEnv::make_plane(int side, bool mp)
{
    dco::KernelDataPlaneConfig cfg;
    cfg.dev = "tun";
    cfg.mode = mp ? dco::LinkMode::MP : dco::LinkMode::P2P;
    cfg.log = &log_;
    auto dp = dco::KernelDataPlane::open(cfg);
    if (!dp) {
        ADD_FAILURE() << "side " << side
                      << ": KernelDataPlane::open: " << dco::open_error_name(dp.error().kind) << ": "
                      << dp.error().message;
        return nullptr;
    }
    return std::move(*dp);
}

void KernelEnv::after_attach(int side)
{
    const std::string n = ipcmd() + " -n " + ns(side) + " ", d = dev(side);
    // No link-local address: no IPv6 autoconfiguration traffic in the tunnel.
    ASSERT_TRUE(sh(n + "link set dev " + d + " addrgenmode none"));
    ASSERT_TRUE(sh(n + "link set dev " + d + " mtu 1400"));
    ASSERT_TRUE(sh(n + "addr add " + vpn_ip(side) + "/24 dev " + d));
    ASSERT_TRUE(sh(n + "link set dev " + d + " up"));
    int rx = -1, tx = -1;
    in_side(side, [&] {
        rx = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        tx = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    });
    ASSERT_GE(rx, 0);
    ASSERT_GE(tx, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(kAppPort);
    ASSERT_EQ(::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
    app_rx_.push_back(rx);
    app_tx_.push_back(tx);
    auto st = loop().add_fd(rx, io::kReadable, [this, side, rx](std::uint32_t) {
        std::uint8_t buf[4096];
        for (;;) {
            ssize_t n = ::recv(rx, buf, sizeof buf, MSG_DONTWAIT);
            if (n < 0)
                return;
            delivered(side).emplace_back(buf, buf + n);
        }
    });
    ASSERT_TRUE(st.ok()) << st.error();
}

io::SockAddr KernelEnv::address(int side, int k)
{
    if (side == 0 && k == 0)
        return *io::SockAddr::parse_numeric("0.0.0.0", kServerPort);
    const std::string net = "10.200." + std::to_string(side == 0 ? k : side);
    if (side == 0)
        return *io::SockAddr::parse_numeric(net + ".1", kServerPort);
    return *io::SockAddr::parse_numeric(net + ".2", 0);
}

void KernelEnv::step(std::chrono::milliseconds d)
{
    auto r = loop().run_once(d);
    ASSERT_TRUE(r.ok()) << r.error();
}

void KernelEnv::before_teardown()
{
    for (int fd : app_rx_) {
        loop().remove_fd(fd);
        ::close(fd);
    }
    for (int fd : app_tx_)
        ::close(fd);
    app_rx_.clear();
    app_tx_.clear();
}

void KernelEnv::send_plain(int from, const std::string& dst_ip, const Bytes& payload)
{
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(kAppPort);
    ASSERT_EQ(inet_pton(AF_INET, dst_ip.c_str(), &to.sin_addr), 1) << dst_ip;
    ssize_t n = ::sendto(app_tx_.at(static_cast<std::size_t>(from)), payload.data(), payload.size(), 0,
                         reinterpret_cast<sockaddr*>(&to), sizeof to);
    ASSERT_EQ(n, static_cast<ssize_t>(payload.size())) << "sendto " << dst_ip << ": " << std::strerror(errno);
}

void KernelEnv::add_local_address(int side, const std::string& ip)
{
    ASSERT_TRUE(sh(ipcmd() + " -n " + ns(side) + " addr add " + ip + "/32 dev lo"));
}

// vanish: the host disappears from the network (its link goes down); its
// sockets stay open, so the other end sees silence, not a reset.
void KernelEnv::vanish(int side)
{
    for (int k = 1; k <= topology().clients; ++k) {
        if (side == 0 || side == k) {
            ASSERT_TRUE(sh(ipcmd() + " -n " + ns(side) + " link set " + veth(side, k) + " down"));
        }
    }
}

} // namespace ovpn::contract
