// tests/unit/session/channel_pair.hpp: a client and a server
// ControlChannel over memory with the test PKI, stepped by a fake clock,
// so session code can be driven through real handshakes and
// renegotiations. Events are left in the channels for the test to take.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "openvpn/control/control_channel.hpp"
#include "unit/control/test_pki.hpp"

namespace ovpn::test {

inline control::ControlConfig channel_config(bool server, Duration reneg = seconds(3600))
{
    control::ControlConfig c;
    c.is_server = server;
    auto ctx = control::TlsContext::create(testpki::config(server));
    EXPECT_TRUE(ctx);
    c.tls = *ctx;
    c.wrap = control::make_no_wrap();
    c.options_string = server ? "V4,dev-type tun,tls-server" : "V4,dev-type tun,tls-client";
    c.reneg_sec = reneg;
    c.tran_window = seconds(30);
    return c;
}

struct ChannelPair {
    TimePoint now{seconds(5000)};
    std::unique_ptr<control::ControlChannel> c, s;

    explicit ChannelPair(Duration server_reneg = seconds(3600))
    {
        c = control::ControlChannel::create(channel_config(false), now).value();
        s = control::ControlChannel::create(channel_config(true, server_reneg), now).value();
        c->start(now);
    }
    // step: move every pending packet both ways, then let time pass.
    void step(Duration d = milliseconds(100))
    {
        for (int i = 0; i < 4; ++i) {
            while (auto p = c->poll_transmit(now))
                s->on_packet(*p, now);
            while (auto p = s->poll_transmit(now))
                c->on_packet(*p, now);
        }
        now += d;
        c->on_timer(now);
        s->on_timer(now);
    }
    bool run_until(const std::function<bool()>& done, int max_steps = 2000)
    {
        for (int i = 0; i < max_steps && !done(); ++i)
            step();
        return done();
    }
};

} // namespace ovpn::test
