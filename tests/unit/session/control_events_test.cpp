// session::dispatch_control_events / flush_control / control_tick: events
// go to the handler in order, the shared log lines are written, and a
// handler that ends the session stops everything at once.
#include "openvpn/session/control_events.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "unit/session/channel_pair.hpp"

using namespace ovpn;

namespace {

struct Recorder : session::ControlHandler {
    std::unique_ptr<control::ControlChannel>* cc = nullptr;
    std::vector<std::string> seen;
    std::vector<std::vector<std::uint8_t>> sent;
    bool dead = false;
    bool kill_on_key = false; // end the session (destroy the channel) at KeyActive
    bool alive() const override { return !dead; }
    std::string log_prefix() const override { return "peer/1.2.3.4:5 "; }
    void send_control(const std::vector<std::uint8_t>& pkt) override { sent.push_back(pkt); }
    void on_key_active(std::uint8_t key_id, bool renegotiated) override
    {
        seen.push_back("key " + std::to_string(key_id) + (renegotiated ? " reneg" : ""));
        if (kill_on_key)
            cc->reset();
    }
    void on_message(const std::string& text) override { seen.push_back("msg " + text); }
    void on_tls_failed() override
    {
        seen.push_back("failed");
        dead = true;
    }
    void on_lame_duck_expired(std::uint8_t key_id) override
    {
        seen.push_back("lame " + std::to_string(key_id));
    }
};

struct Captured {
    char* buf = nullptr;
    std::size_t len = 0;
    std::FILE* f = open_memstream(&buf, &len);
    Logger log{f};
    Captured() { log.set_verb(4); }
    ~Captured()
    {
        std::fclose(f);
        std::free(buf);
    }
    std::string text()
    {
        std::fflush(f);
        return std::string(buf, len);
    }
};

// handshake: step the pair (the test's shuttle) until the server's key is
// active, without taking events.
void handshake(test::ChannelPair& p)
{
    ASSERT_TRUE(p.run_until([&] { return p.c->primary_active() && p.s->primary_active(); }));
}

} // namespace

TEST(ControlEvents, DispatchInOrderWithTheSharedLogLines)
{
    test::ChannelPair p(seconds(10));
    handshake(p);
    ASSERT_TRUE(p.c->send_message("PUSH_REQUEST"));
    p.step();
    Recorder r;
    r.cc = &p.s;
    Captured c;
    session::dispatch_control_events(p.s, r, c.log);
    EXPECT_EQ(r.seen, (std::vector<std::string>{"key 0", "msg PUSH_REQUEST"}));
    // the server's reneg-sec starts a soft reset: logged with the prefix
    ASSERT_TRUE(p.run_until([&] { return p.s->primary_key_id() == 1 && p.s->primary_active(); }));
    session::dispatch_control_events(p.s, r, c.log);
    EXPECT_EQ(r.seen.back(), "key 1 reneg");
    EXPECT_NE(c.text().find("peer/1.2.3.4:5 TLS: soft reset, new key id 1 (local trigger)"),
              std::string::npos);
}

TEST(ControlEvents, AHandlerThatEndsTheSessionStopsTheDispatch)
{
    test::ChannelPair p;
    ASSERT_TRUE(p.run_until([&] { return p.c->primary_active(); }));
    ASSERT_TRUE(p.s->send_message("ONE"));
    p.step();
    Recorder r;
    r.cc = &p.c;
    r.kill_on_key = true;
    Captured c;
    session::dispatch_control_events(p.c, r, c.log); // KeyActive, then the channel is gone
    EXPECT_EQ(r.seen, (std::vector<std::string>{"key 0"}));
    EXPECT_EQ(p.c, nullptr);
    session::flush_control(p.c, r, p.now); // nothing to flush from, no crash
    session::control_tick(p.c, r, c.log, p.now);
    EXPECT_TRUE(r.sent.empty());
}

TEST(ControlEvents, FlushSendsWhatTheChannelHasAndFailureIsLogged)
{
    FakeClock clock;
    auto cfg = test::channel_config(false);
    cfg.hand_window = seconds(5);
    auto cc = control::ControlChannel::create(std::move(cfg), clock.now()).value();
    cc->start(clock.now());
    Recorder r;
    r.cc = &cc;
    Captured c;
    session::flush_control(cc, r, clock.now());
    EXPECT_EQ(r.sent.size(), 1u); // the hard reset
    clock.advance(seconds(6));    // nobody answers within --hand-window
    session::control_tick(cc, r, c.log, clock.now());
    ASSERT_FALSE(r.seen.empty());
    EXPECT_EQ(r.seen.back(), "failed");
    EXPECT_NE(c.text().find("peer/1.2.3.4:5 TLS Error: TLS handshake failed"), std::string::npos);
}
