// tests/unit/server/fake_kernel_plane.hpp: a DataPlane that plays the
// kernel's (its name is "dco", so session::offloaded says yes) for the
// server's DCO behaviour without a kernel: it records what the server asks
// (peers, keepalive, iroutes, key calls, stats requests), answers stats from
// counters the test sets, and drops a peer the way the kernel does (gone():
// forgotten, then a Gone event) when the test says so.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "openvpn/data/data_plane.hpp"
#include "openvpn/server/server.hpp"

namespace ovpn::servertest {

class FakeKernelPlane final : public data::DataPlane {
public:
    std::map<data::PeerId, data::PeerSpec> peers;
    std::map<data::PeerId, std::pair<std::chrono::seconds, std::chrono::seconds>> keepalive;
    std::map<data::PeerId, std::vector<data::IRoute>> iroutes;
    std::map<data::PeerId, data::PeerStats> counters; // what the "kernel" counted
    std::vector<std::string> calls;                   // "add 0", "install 0 primary", "del_peer 0", ...
    int stats_calls = 0, stats_all_calls = 0;
    std::size_t data_packets = 0;

    // gone: the kernel dropped peer `id` (keepalive expiry, a transport
    // error): it forgets it, then tells the server, as the notification does.
    void gone(data::PeerId id, data::DelReason why)
    {
        peers.erase(id);
        counters.erase(id);
        sink_(data::PeerEvent{id, data::PeerEventKind::Gone, why});
    }

    std::string name() const override { return "dco"; }
    const data::Device& device() const override { return dev_; }
    bool needs_net_admin() const override { return true; }
    Status<> attach(io::EventLoop&, data::EventSink sink) override
    {
        sink_ = std::move(sink);
        return Ok{};
    }
    Status<> add_peer(const data::PeerSpec& p) override
    {
        if (p.link == nullptr || !p.tx_peer_id || (!p.vpn_ipv4 && !p.vpn_ipv6))
            return Err(std::string("Invalid argument")); // what the MP module refuses
        peers[p.id] = p;
        counters[p.id] = data::PeerStats{};
        return note("add " + std::to_string(p.id));
    }
    Status<> del_peer(data::PeerId id) override
    {
        peers.erase(id);
        return note("del_peer " + std::to_string(id));
    }
    Status<> update_remote(data::PeerId, const io::SockAddr&, const io::LocalEnd&) override { return Ok{}; }
    Status<> set_iroutes(data::PeerId id, std::vector<data::IRoute> r) override
    {
        iroutes[id] = std::move(r);
        return known(id);
    }
    Status<> install_key(data::PeerId id, data::KeySlot slot, const data::DataKeys&) override
    {
        (void)note("install " + std::to_string(id) +
                   (slot == data::KeySlot::Primary ? " primary" : " secondary"));
        return known(id);
    }
    Status<> swap_keys(data::PeerId id) override
    {
        (void)note("swap " + std::to_string(id));
        return known(id);
    }
    Status<> del_key(data::PeerId id, data::KeySlot) override { return known(id); }
    Status<> set_keepalive(data::PeerId id, std::chrono::seconds interval,
                           std::chrono::seconds timeout) override
    {
        keepalive[id] = {interval, timeout};
        return known(id);
    }
    std::size_t on_link_data(data::PeerId, std::span<PacketBuf> pkts, TimePoint) override
    {
        data_packets += pkts.size();
        return 0;
    }
    void note_control(data::PeerId, bool, TimePoint) override {}
    Status<> send_exit_notify(data::PeerId, TimePoint) override { return Err(std::string("DCO")); }
    Result<data::PeerStats> stats(data::PeerId id) override
    {
        ++stats_calls;
        auto it = counters.find(id);
        if (it == counters.end())
            return Err(std::string("No such file or directory"));
        return it->second;
    }
    Result<std::vector<std::pair<data::PeerId, data::PeerStats>>> stats_all() override
    {
        ++stats_all_calls;
        return std::vector<std::pair<data::PeerId, data::PeerStats>>(counters.begin(), counters.end());
    }
    std::vector<std::pair<std::string, std::uint64_t>> drop_counts() const override { return {}; }

    // factory: a PlaneFactory that makes one FakeKernelPlane and leaves a
    // pointer to it in `out` (the server owns it).
    static server::PlaneFactory factory(FakeKernelPlane*& out)
    {
        return [&out](const options::Options&, const options::DcoVerdict&, session::PlaneMode,
                      io::EventLoop& loop, data::EventSink sink,
                      Logger&) -> Result<std::unique_ptr<data::DataPlane>> {
            auto p = std::make_unique<FakeKernelPlane>();
            (void)p->attach(loop, std::move(sink));
            out = p.get();
            return std::unique_ptr<data::DataPlane>(std::move(p));
        };
    }

private:
    Status<> note(std::string c)
    {
        calls.push_back(std::move(c));
        return Ok{};
    }
    Status<> known(data::PeerId id) const
    {
        if (peers.count(id) == 0)
            return Err(std::string("No such file or directory"));
        return Ok{};
    }
    data::Device dev_{"dco-fake0", 0, false};
    data::EventSink sink_;
};

} // namespace ovpn::servertest
