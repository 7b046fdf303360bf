// tests/support/data/recording_plane.hpp: a DataPlane that only records
// the key calls it gets ("install 1 primary k0", "swap 1", "del 1
// secondary"), for tests of what the session layer asks of a data plane.
#pragma once

#include <string>
#include <vector>

#include "openvpn/data/data_plane.hpp"

namespace ovpn::test {

class RecordingPlane final : public data::DataPlane {
public:
    std::vector<std::string> calls;

    std::string name() const override { return "recording"; }
    const data::Device& device() const override { return dev_; }
    bool needs_net_admin() const override { return false; }
    Status<> attach(io::EventLoop&, data::EventSink) override { return Ok{}; }
    Status<> add_peer(const data::PeerSpec& p) override { return note("add " + std::to_string(p.id)); }
    Status<> del_peer(data::PeerId id) override { return note("del_peer " + std::to_string(id)); }
    Status<> update_remote(data::PeerId, const io::SockAddr&, const io::LocalEnd&) override { return Ok{}; }
    Status<> set_iroutes(data::PeerId, std::vector<data::IRoute>) override { return Ok{}; }
    Status<> install_key(data::PeerId id, data::KeySlot slot, const data::DataKeys& k) override
    {
        return note("install " + std::to_string(id) + " " + slot_name(slot) + " k" +
                    std::to_string(k.key_id));
    }
    Status<> swap_keys(data::PeerId id) override { return note("swap " + std::to_string(id)); }
    Status<> del_key(data::PeerId id, data::KeySlot slot) override
    {
        return note("del " + std::to_string(id) + " " + slot_name(slot));
    }
    Status<> set_keepalive(data::PeerId, std::chrono::seconds, std::chrono::seconds) override { return Ok{}; }
    std::size_t on_link_data(data::PeerId, std::span<PacketBuf>, TimePoint) override { return 0; }
    void note_control(data::PeerId, bool, TimePoint) override {}
    Status<> send_exit_notify(data::PeerId, TimePoint) override { return Ok{}; }
    Result<data::PeerStats> stats(data::PeerId) override { return data::PeerStats{}; }
    Result<std::vector<std::pair<data::PeerId, data::PeerStats>>> stats_all() override
    {
        return std::vector<std::pair<data::PeerId, data::PeerStats>>{};
    }
    std::vector<std::pair<std::string, std::uint64_t>> drop_counts() const override { return {}; }

private:
    static std::string slot_name(data::KeySlot s)
    {
        return s == data::KeySlot::Primary ? "primary" : "secondary";
    }
    Status<> note(std::string c)
    {
        calls.push_back(std::move(c));
        return Ok{};
    }
    data::Device dev_{"rec0", 0, false};
};

} // namespace ovpn::test
