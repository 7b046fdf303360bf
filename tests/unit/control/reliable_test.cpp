#include "openvpn/control/reliable.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace ovpn;
using namespace ovpn::control;

namespace {

std::vector<std::uint8_t> msg_bytes(int i)
{
    return {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), 0xAB};
}

TEST(Reliable, AssignsSequentialIdsWithinWindow)
{
    Reliable r;
    TimePoint now{seconds(100)};
    for (int i = 0; i < 10; ++i)
        r.queue(4, msg_bytes(i));
    std::vector<std::uint32_t> sent;
    while (auto t = r.poll_transmit(now))
        sent.push_back(t->message->msg_id);
    ASSERT_EQ(sent.size(), 6u); // send window
    for (std::uint32_t i = 0; i < 6; ++i)
        EXPECT_EQ(sent[i], i);
    std::uint32_t ack0 = 0;
    r.on_acks({&ack0, 1}, now);
    auto t = r.poll_transmit(now);
    ASSERT_TRUE(t && t->message);
    EXPECT_EQ(t->message->msg_id, 6u);
    EXPECT_FALSE(r.poll_transmit(now));
}

TEST(Reliable, RetransmitsWithDoublingTimeoutUpToTheBound)
{
    ReliableConfig cfg;
    cfg.initial_timeout = seconds(2);
    cfg.max_timeout = seconds(8);
    Reliable r(cfg);
    TimePoint t0{seconds(100)};
    r.queue(4, msg_bytes(1));
    ASSERT_TRUE(r.poll_transmit(t0));
    EXPECT_EQ(r.next_timeout(), t0 + seconds(2));
    EXPECT_FALSE(r.poll_transmit(t0 + seconds(1)));
    ASSERT_TRUE(r.poll_transmit(t0 + seconds(2)));
    EXPECT_EQ(r.next_timeout(), t0 + seconds(6));
    ASSERT_TRUE(r.poll_transmit(t0 + seconds(6)));
    EXPECT_EQ(r.next_timeout(), t0 + seconds(14));
    // 2, 4, 8, then 8 again: not 16 (2.6 doubles without bound)
    ASSERT_TRUE(r.poll_transmit(t0 + seconds(14)));
    EXPECT_EQ(r.next_timeout(), t0 + seconds(22));
    ASSERT_TRUE(r.poll_transmit(t0 + seconds(22)));
    EXPECT_EQ(r.next_timeout(), t0 + seconds(30));
    EXPECT_EQ(r.num_retransmits(), 4u);
    // schedule_now: at once, and the timeout starts over (2.6)
    r.schedule_now(t0 + seconds(23));
    ASSERT_TRUE(r.poll_transmit(t0 + seconds(23)));
    EXPECT_EQ(r.next_timeout(), t0 + seconds(25));
    std::uint32_t id = 0;
    r.on_acks({&id, 1}, t0 + seconds(24));
    EXPECT_TRUE(r.all_acked());
    EXPECT_EQ(r.next_timeout(), TimePoint::max());
}

TEST(Reliable, ReceiveWindowDuplicatesAndOrder)
{
    Reliable r;
    std::uint8_t p[1] = {1};
    EXPECT_EQ(r.on_message(1, 4, p), RecvVerdict::Stored);
    EXPECT_FALSE(r.pop_received()); // 0 missing
    EXPECT_EQ(r.on_message(12, 4, p), RecvVerdict::OutOfWindow);
    EXPECT_EQ(r.on_message(11, 4, p), RecvVerdict::Stored);
    EXPECT_EQ(r.on_message(1, 4, p), RecvVerdict::Duplicate);
    EXPECT_EQ(r.on_message(0, 7, p), RecvVerdict::Stored);
    auto m0 = r.pop_received();
    ASSERT_TRUE(m0);
    EXPECT_EQ(m0->msg_id, 0u);
    EXPECT_EQ(m0->opcode, 7);
    EXPECT_EQ(r.pop_received()->msg_id, 1u);
    EXPECT_FALSE(r.pop_received());
    EXPECT_EQ(r.on_message(0, 4, p), RecvVerdict::Duplicate); // delivered: ACK again
    auto t = r.poll_transmit(TimePoint{});
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->message);
    // 1, 11, 0 pending + duplicates folded, MRU fill
    EXPECT_EQ(t->acks.size(), 3u);
}

TEST(Reliable, AckPiggybackLimitAndMru)
{
    Reliable r;
    std::uint8_t p[1] = {1};
    for (std::uint32_t i = 0; i < 6; ++i)
        ASSERT_EQ(r.on_message(i, 4, p), RecvVerdict::Stored);
    r.queue(4, p);
    auto t = r.poll_transmit(TimePoint{});
    ASSERT_TRUE(t && t->message);
    EXPECT_EQ(t->acks, (std::vector<std::uint32_t>{0, 1, 2, 3}));
    auto t2 = r.poll_transmit(TimePoint{});
    ASSERT_TRUE(t2 && !t2->message);
    // 4 and 5 pending, then the MRU refills the bare ACK up to 6 distinct ids
    EXPECT_EQ(t2->acks.size(), 6u);
    EXPECT_EQ(t2->acks[0], 4u);
    EXPECT_EQ(t2->acks[1], 5u);
    EXPECT_FALSE(r.poll_transmit(TimePoint{}));
}

TEST(Reliable, FastRetransmitAfterThreeLaterAcks)
{
    Reliable r;
    TimePoint now{seconds(10)};
    for (int i = 0; i < 5; ++i)
        r.queue(4, msg_bytes(i));
    while (r.poll_transmit(now)) {
    }
    for (std::uint32_t id : {1u, 2u}) {
        r.on_acks({&id, 1}, now);
        EXPECT_FALSE(r.poll_transmit(now));
    }
    std::uint32_t id = 3;
    r.on_acks({&id, 1}, now);
    auto t = r.poll_transmit(now);
    ASSERT_TRUE(t && t->message);
    EXPECT_EQ(t->message->msg_id, 0u);
}

// Two endpoints over a lossy, reordering, duplicating link: every message
// arrives exactly once and in order.
struct Wire {
    std::mt19937 rng;
    double loss, dup;
    std::vector<Transmit> q;
    void send(Transmit t)
    {
        std::uniform_real_distribution<double> u(0, 1);
        if (u(rng) < loss)
            return;
        if (u(rng) < dup)
            q.push_back(t);
        if (!q.empty() && u(rng) < 0.3)
            q.insert(q.end() - 1, std::move(t)); // reorder
        else
            q.push_back(std::move(t));
    }
};

void deliver(Wire& w, Reliable& to, std::vector<int>& got, TimePoint now)
{
    auto q = std::move(w.q);
    w.q.clear();
    for (auto& t : q) {
        to.on_acks(t.acks, now);
        if (t.message)
            (void)to.on_message(t.message->msg_id, t.message->opcode, t.message->payload);
    }
    while (auto m = to.pop_received())
        got.push_back(m->payload[0] | (m->payload[1] << 8));
}

class ReliableNoisy : public ::testing::TestWithParam<unsigned> {};

TEST_P(ReliableNoisy, DeliversAllInOrder)
{
    Reliable a, b;
    Wire ab{std::mt19937(GetParam()), 0.3, 0.1, {}};
    Wire ba{std::mt19937(GetParam() + 1000), 0.3, 0.1, {}};
    constexpr int kNum = 200;
    for (int i = 0; i < kNum; ++i) {
        a.queue(4, msg_bytes(i));
        b.queue(4, msg_bytes(i + 1000));
    }
    std::vector<int> got_a, got_b;
    TimePoint now{seconds(1)};
    for (int step = 0;
         step < 20000 && (got_a.size() < kNum || got_b.size() < kNum || !a.all_acked() || !b.all_acked());
         ++step) {
        while (auto t = a.poll_transmit(now))
            ab.send(std::move(*t));
        while (auto t = b.poll_transmit(now))
            ba.send(std::move(*t));
        deliver(ab, b, got_b, now);
        deliver(ba, a, got_a, now);
        now += milliseconds(500);
    }
    ASSERT_EQ(got_b.size(), std::size_t(kNum));
    ASSERT_EQ(got_a.size(), std::size_t(kNum));
    for (int i = 0; i < kNum; ++i) {
        EXPECT_EQ(got_b[i], i);
        EXPECT_EQ(got_a[i], i + 1000);
    }
    EXPECT_TRUE(a.all_acked());
    EXPECT_TRUE(b.all_acked());
    EXPECT_GT(a.num_retransmits(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ReliableNoisy, ::testing::Values(1u, 2u, 3u, 42u));

} // namespace
