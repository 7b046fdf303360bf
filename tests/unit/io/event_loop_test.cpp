#include "openvpn/io/event_loop.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <vector>

using namespace ovpn;
using namespace ovpn::io;

TEST(EventLoop, TimersFireInDeadlineOrderWithFakeClock)
{
    FakeClock clock;
    EventLoop loop(clock);
    std::vector<int> fired;
    loop.add_timer(clock.now() + seconds(5), [&] { fired.push_back(5); });
    loop.add_timer(clock.now() + seconds(1), [&] { fired.push_back(1); });
    auto cancelled = loop.add_timer(clock.now() + seconds(2), [&] { fired.push_back(2); });
    loop.add_timer(clock.now() + seconds(1), [&] { fired.push_back(11); });
    loop.cancel_timer(cancelled);
    ASSERT_TRUE(loop.run_once(milliseconds(0)).ok());
    EXPECT_TRUE(fired.empty());
    clock.advance(seconds(1));
    ASSERT_TRUE(loop.run_once(milliseconds(0)).ok());
    EXPECT_EQ(fired, (std::vector<int>{1, 11}));
    EXPECT_EQ(*loop.next_deadline(), clock.now() + seconds(4));
    clock.advance(seconds(10));
    ASSERT_TRUE(loop.run_once(milliseconds(0)).ok());
    EXPECT_EQ(fired, (std::vector<int>{1, 11, 5}));
    EXPECT_FALSE(loop.next_deadline().has_value());
}

TEST(EventLoop, FdCallbacksAndSelfRemoval)
{
    SystemClock clock;
    EventLoop loop(clock);
    int efd = ::eventfd(0, EFD_NONBLOCK);
    int calls = 0;
    ASSERT_TRUE(loop.add_fd(efd, kReadable,
                            [&](std::uint32_t ev) {
                                EXPECT_TRUE(ev & kReadable);
                                ++calls;
                                loop.remove_fd(efd); // safe inside its own callback
                            })
                    .ok());
    std::uint64_t one = 1;
    ASSERT_EQ(::write(efd, &one, sizeof one), 8);
    auto n = loop.run_once(milliseconds(1000));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(calls, 1);
    ASSERT_TRUE(loop.run_once(milliseconds(0)).ok()); // removed: no second call
    EXPECT_EQ(calls, 1);
    ::close(efd);
}

TEST(EventLoop, SignalsBecomeEvents)
{
    SystemClock clock;
    std::vector<Signal> got;
    {
        EventLoop loop(clock);
        ASSERT_TRUE(loop.watch_signals([&](Signal s) { got.push_back(s); }).ok());
        ::raise(SIGUSR1);
        ::raise(SIGHUP);
        for (int i = 0; i < 5 && got.size() < 2; ++i)
            ASSERT_TRUE(loop.run_once(milliseconds(200)).ok());
    }
    ASSERT_EQ(got.size(), 2u);
    // pending signals come out in signal-number order, not raise order
    EXPECT_EQ(std::string(signal_name(got[0])) + signal_name(got[1]), "sighupsigusr1");
}

TEST(EventLoop, StopEndsRun)
{
    FakeClock clock;
    EventLoop loop(clock);
    loop.add_timer(clock.now(), [&] { loop.stop(); });
    ASSERT_TRUE(loop.run().ok());
    EXPECT_TRUE(loop.stopped());
}

TEST(EventLoop, RunReturnsAtOnceAfterAnEarlierStop)
{
    FakeClock clock;
    EventLoop loop(clock);
    bool fired = false;
    loop.add_timer(clock.now(), [&] { fired = true; });
    loop.stop();
    ASSERT_TRUE(loop.run().ok());
    EXPECT_FALSE(fired);
}
