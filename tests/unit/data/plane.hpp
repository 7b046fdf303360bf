// tests/unit/data/plane.hpp: a UserspaceDataPlane for tests: it owns a
// FakeTun, is attached to a real EventLoop on a FakeClock, and records the
// events its sink gets. settle() runs what is due (event delivery,
// keepalive); deliver() hands what a FakeLink received to one peer.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "openvpn/data/userspace_data_plane.hpp"
#include "openvpn/io/event_loop.hpp"
#include "support/io/fake_link.hpp"
#include "support/io/fake_tun.hpp"

namespace ovpn::test {

struct Plane {
    FakeClock clock;
    io::EventLoop loop{clock};
    FakeTun* tun = nullptr; // owned by dp
    std::unique_ptr<data::UserspaceDataPlane> dp;
    std::vector<data::PeerEvent> events;

    explicit Plane(const data::UserspaceConfig& cfg = {})
    {
        auto t = std::make_unique<FakeTun>();
        tun = t.get();
        dp = std::make_unique<data::UserspaceDataPlane>(std::move(t), cfg);
        EXPECT_TRUE(dp->attach(loop, [this](const data::PeerEvent& e) { events.push_back(e); }).ok());
    }

    // settle: run the loop until nothing more is due now.
    void settle()
    {
        for (int i = 0; i < 4; ++i)
            (void)loop.run_once(std::chrono::milliseconds(0));
    }

    // deliver: everything `link` received, to peer `id`; returns how many
    // packets reached the tun device.
    std::size_t deliver(FakeLink& link, data::PeerId id = data::kP2pPeerId)
    {
        std::vector<PacketBuf> bufs(32);
        std::vector<io::SockAddr> from(32);
        const std::size_t before = tun->written().size();
        for (;;) {
            auto n = link.recv(bufs, from);
            if (*n == 0)
                return tun->written().size() - before;
            (void)dp->on_link_data(id, std::span<PacketBuf>(bufs).first(*n), clock.now());
        }
    }
};

} // namespace ovpn::test
