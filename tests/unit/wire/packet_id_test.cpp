#include "openvpn/wire/packet_id.hpp"

#include <gtest/gtest.h>

namespace ovpn::wire {
namespace {

PacketId id(std::uint32_t i, std::uint32_t t = 0)
{
    return {i, t};
}

TEST(PacketIdSend, StartsAtOneAndStopsAtTheTop)
{
    PacketIdSend s;
    EXPECT_EQ(s.next_short(), 1u);
    EXPECT_EQ(s.next_short(), 2u);
    EXPECT_FALSE(s.needs_renegotiation());
    PacketIdSend high(0, kPacketIdRenegotiate - 2);
    EXPECT_EQ(high.next_short(), kPacketIdRenegotiate - 1);
    EXPECT_FALSE(high.needs_renegotiation());
    EXPECT_EQ(high.next_short(), kPacketIdRenegotiate);
    EXPECT_TRUE(high.needs_renegotiation()); // 32-bit wrap ahead: renegotiate
    PacketIdSend top(0, 0xfffffffe);
    EXPECT_EQ(top.next_short(), 0xffffffffu);
    EXPECT_FALSE(top.next_short().has_value()); // never wraps to 0
    EXPECT_FALSE(top.next_short().has_value());
}

TEST(PacketIdSend, LongFormWrapsWithANewTime)
{
    PacketIdSend s(1000, 0xfffffffe);
    auto a = s.next_long(5000);
    EXPECT_EQ(a->id, 0xffffffffu);
    EXPECT_EQ(a->time, 1000u);
    PacketIdSend same = s;
    EXPECT_FALSE(same.next_long(1000).has_value()); // time has not moved: refuse
    auto b = s.next_long(5000);
    EXPECT_EQ(b->id, 1u);
    EXPECT_EQ(b->time, 5000u);
}

TEST(ReplayWindow, InOrder)
{
    ReplayWindow w;
    for (std::uint32_t i = 1; i <= 200; ++i)
        EXPECT_FALSE(w.check_and_add(id(i), 100).has_value()) << i;
    EXPECT_EQ(w.highest(), 200u);
}

TEST(ReplayWindow, ZeroAndDuplicate)
{
    ReplayWindow w;
    EXPECT_EQ(w.check_and_add(id(0), 1), Drop::PacketIdZero);
    EXPECT_FALSE(w.check_and_add(id(1), 1));
    EXPECT_EQ(w.check_and_add(id(1), 1), Drop::Replay);
    EXPECT_FALSE(w.check_and_add(id(5), 1));
    EXPECT_FALSE(w.check_and_add(id(3), 1));
    EXPECT_EQ(w.check_and_add(id(3), 1), Drop::Replay);
    EXPECT_EQ(w.check_and_add(id(5), 1), Drop::Replay);
}

TEST(ReplayWindow, ReorderedWithinWindowThenTooOld)
{
    ReplayWindow w(64, 15);
    EXPECT_FALSE(w.check_and_add(id(100), 10));
    EXPECT_FALSE(w.check_and_add(id(37), 10));            // 63 back: the window's edge
    EXPECT_EQ(w.check_and_add(id(36), 10), Drop::Replay); // 64 back
    EXPECT_FALSE(w.check_and_add(id(99), 10));
    EXPECT_FALSE(w.check_and_add(id(50), 10));
    // Moving far ahead forgets everything below the window.
    EXPECT_FALSE(w.check_and_add(id(1000), 10));
    EXPECT_EQ(w.check_and_add(id(100), 10), Drop::Replay);
    EXPECT_FALSE(w.check_and_add(id(999), 10));
    EXPECT_FALSE(w.check_and_add(id(937), 10));
    EXPECT_EQ(w.check_and_add(id(936), 10), Drop::Replay);
    // test() never changes the state.
    EXPECT_FALSE(w.test(id(938), 10));
    EXPECT_FALSE(w.test(id(938), 10));
}

TEST(ReplayWindow, TimeBacktrack)
{
    ReplayWindow w(64, 15);
    EXPECT_FALSE(w.check_and_add(id(10), 100));
    EXPECT_FALSE(w.check_and_add(id(8), 110));            // 10 s after a higher id: fine
    EXPECT_EQ(w.check_and_add(id(9), 116), Drop::Replay); // id 10 arrived 16 s ago
    EXPECT_FALSE(w.check_and_add(id(20), 116));
    EXPECT_FALSE(w.check_and_add(id(15), 130)); // id 20 arrived 14 s ago
}

TEST(ReplayWindow, LongFormTime)
{
    ReplayWindow w;
    EXPECT_FALSE(w.check_and_add(id(5, 1000), 1));
    EXPECT_EQ(w.check_and_add(id(6, 999), 1), Drop::Replay); // older session time
    EXPECT_FALSE(w.check_and_add(id(1, 1001), 1));           // newer time resets the window
    EXPECT_EQ(w.check_and_add(id(5, 1000), 1), Drop::Replay);
    EXPECT_FALSE(w.check_and_add(id(2, 1001), 1));
}

// --replay-persist: a window started from a saved (time, id) refuses that
// id and everything below it (and older times), accepts what follows, and
// the first id it accepts does not open a fresh window under itself.
TEST(ReplayWindow, SeededFromASavedStateRefusesWhatCameBefore)
{
    ReplayWindow w;
    w.seed(id(500, 1000));
    EXPECT_EQ(w.highest(), 500u);
    EXPECT_EQ(w.time(), 1000u);
    EXPECT_EQ(w.check_and_add(id(500, 1000), 1), Drop::Replay);
    EXPECT_EQ(w.check_and_add(id(499, 1000), 1), Drop::Replay);
    EXPECT_EQ(w.check_and_add(id(3, 1000), 1), Drop::Replay);
    EXPECT_EQ(w.check_and_add(id(900, 999), 1), Drop::Replay); // an older session
    EXPECT_FALSE(w.check_and_add(id(502, 1000), 1));
    EXPECT_EQ(w.check_and_add(id(499, 1000), 1), Drop::Replay); // still below the saved id
    EXPECT_FALSE(w.check_and_add(id(501, 1000), 1));            // reordered, after the saved id
    EXPECT_FALSE(w.check_and_add(id(1, 1001), 1));              // the peer restarted
    ReplayWindow fresh;
    fresh.seed(id(0, 0)); // nothing saved: as a new window
    EXPECT_FALSE(fresh.check_and_add(id(1, 5), 1));
}

TEST(ReplayWindow, WrapOfTheShortIdIsRefused)
{
    ReplayWindow w;
    EXPECT_FALSE(w.check_and_add(id(0xfffffffe), 1));
    EXPECT_FALSE(w.check_and_add(id(0xffffffff), 1));
    // A sender that wrapped would restart at 1: refused as far too old.
    EXPECT_EQ(w.check_and_add(id(1), 1), Drop::Replay);
}

TEST(ReplayWindow, NoBacktrackIsStrictlySequential)
{
    ReplayWindow w(0, 0);
    EXPECT_FALSE(w.check_and_add(id(1), 1));
    EXPECT_FALSE(w.check_and_add(id(2), 1));
    EXPECT_EQ(w.check_and_add(id(4), 1), Drop::Replay);
    EXPECT_EQ(w.check_and_add(id(2), 1), Drop::Replay);
    EXPECT_FALSE(w.check_and_add(id(3), 1));
    EXPECT_EQ(w.check_and_add(id(2, 5), 1), Drop::Replay); // new time must restart at 1
    EXPECT_FALSE(w.check_and_add(id(1, 5), 1));
}

} // namespace
} // namespace ovpn::wire
