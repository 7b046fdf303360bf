// sim/noisy_wire.hpp: a one-way fake link that drops, duplicates, reorders
// and corrupts packets with given probabilities, from a seeded RNG, and
// delays them by a fixed latency on the virtual clock.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "openvpn/core/clock.hpp"

namespace ovpn::sim {

struct Noise {
    double drop = 0, dup = 0, reorder = 0, corrupt = 0;
    Duration latency = milliseconds(20);
};

class NoisyWire {
public:
    NoisyWire(Noise n, unsigned seed) : noise_(n), rng_(seed) {}

    void send(std::vector<std::uint8_t> pkt, TimePoint now)
    {
        ++sent_;
        if (chance(noise_.drop)) {
            ++dropped_;
            return;
        }
        if (chance(noise_.corrupt) && !pkt.empty()) {
            std::uniform_int_distribution<std::size_t> pos(0, pkt.size() - 1);
            pkt[pos(rng_)] ^= 0x5A;
            ++corrupted_;
        }
        if (chance(noise_.dup))
            q_.push_back({now + noise_.latency, pkt});
        Item it{now + noise_.latency, std::move(pkt)};
        if (!q_.empty() && chance(noise_.reorder))
            q_.insert(q_.end() - 1, std::move(it));
        else
            q_.push_back(std::move(it));
    }

    // receive: every packet whose delivery time has come, in queue order.
    std::vector<std::vector<std::uint8_t>> receive(TimePoint now)
    {
        std::vector<std::vector<std::uint8_t>> out;
        while (!q_.empty() && q_.front().at <= now) {
            out.push_back(std::move(q_.front().pkt));
            q_.pop_front();
        }
        return out;
    }

    std::uint64_t sent() const { return sent_; }
    std::uint64_t dropped() const { return dropped_; }
    std::uint64_t corrupted() const { return corrupted_; }

private:
    struct Item {
        TimePoint at;
        std::vector<std::uint8_t> pkt;
    };
    bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

    Noise noise_;
    std::mt19937 rng_;
    std::deque<Item> q_;
    std::uint64_t sent_ = 0, dropped_ = 0, corrupted_ = 0;
};

} // namespace ovpn::sim
