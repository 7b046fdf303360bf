// core/clock.hpp: time is injected. Protocol engines take `now` as an
// argument; the daemon reads SystemClock once per loop turn and tests use
// FakeClock. Nothing reads the wall clock behind the caller's back.
#pragma once

#include <chrono>

namespace ovpn {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;
using std::chrono::milliseconds;
using std::chrono::seconds;

class ClockSource {
public:
    virtual ~ClockSource() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public ClockSource {
public:
    TimePoint now() const override { return Clock::now(); }
};

class FakeClock final : public ClockSource {
public:
    TimePoint now() const override { return now_; }
    void advance(Duration d) { now_ += d; }

private:
    TimePoint now_{seconds(1000)};
};

} // namespace ovpn
