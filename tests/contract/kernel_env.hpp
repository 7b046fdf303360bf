// tests/contract/kernel_env.hpp: the Env of KernelDataPlane, for the qemu
// guest (tests/kernel/scenarios/54-dco-contract.sh runs the binary on both
// modules). Needs root and the ovpn-dco-v2 module; fails loudly otherwise.
//
// One network namespace per side ("ct<pid>-<side>"), joined by a veth pair
// per connection (side 0 10.200.<k>.1/24, client k 10.200.<k>.2/24). Each
// side opens its KernelDataPlane inside its namespace ("--dev tun", so
// tun0), with 10.99.0.<side+1>/24 on the device. Every socket of a side is
// created in its namespace; the process itself stays in the initial one.
#pragma once

#include <string>
#include <vector>

#include "contract/env.hpp"
#include "openvpn/core/log.hpp"

namespace ovpn::contract {

// sh: run a shell command; false (and a test failure with its output) on error.
bool sh(const std::string& cmd);
// ipcmd: iproute2's ip ($KT_IP, else /usr/sbin/ip; busybox's applet lacks netns).
std::string ipcmd();

class KernelEnv : public Env {
public:
    explicit KernelEnv(Proto p);
    ~KernelEnv() override;

    bool kernel() const override { return true; }
    std::string name() const override;
    void send_plain(int from, const std::string& dst_ip, const Bytes& payload) override;
    void add_local_address(int side, const std::string& ip) override;
    void vanish(int side) override;

    // ns: the namespace of `side`, for `ip -n` commands in tests; veth:
    // side's end of connection k.
    std::string ns(int side) const;
    std::string veth(int side, int k) const;
    // enter: run fn inside side's namespace (sockets made there stay there).
    void enter(int side, const std::function<void()>& fn) { in_side(side, fn); }
    std::string dev(int side) { return plane(side).device().name; }

protected:
    const ClockSource& clock() override { return clock_; }
    void make_world(const Topology& t) override;
    std::unique_ptr<data::DataPlane> make_plane(int side, bool mp) override;
    void after_attach(int side) override;
    void in_side(int side, const std::function<void()>& fn) override;
    io::SockAddr address(int side, int k) override;
    void step(std::chrono::milliseconds d) override;
    void before_teardown() override;

private:
    SystemClock clock_;
    Logger log_;
    int world_ = 0;
    int self_ns_ = -1;
    std::vector<int> ns_fd_;
    std::vector<int> app_rx_, app_tx_;
    int created_ = 0;
};

template <Proto P> struct KernelEnvOf : KernelEnv {
    KernelEnvOf() : KernelEnv(P) {}
};
using KernelUdp4 = KernelEnvOf<Proto::Udp4>;
using KernelTcp4 = KernelEnvOf<Proto::Tcp4>;

} // namespace ovpn::contract
