// control_sim_test: a TLS client and server control channel talk over two
// NoisyWires with tls-auth or tls-crypt wrapping and a virtual clock, through
// the handshake, a PUSH_REQUEST/PUSH_REPLY exchange and several
// renegotiations, and must agree on every data key.
#include <gtest/gtest.h>

#include <functional>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/wire/push_message.hpp"
#include "sim/noisy_wire.hpp"
#include "unit/control/test_pki.hpp"

using namespace ovpn;
using namespace ovpn::control;

namespace {

enum class Wrap { None, TlsAuth, TlsCrypt };

std::unique_ptr<ControlWrap> make_wrap(Wrap w, const crypto::StaticKey& key, bool server)
{
    switch (w) {
    case Wrap::None:
        return make_no_wrap();
    case Wrap::TlsAuth: {
        // key-direction 0 on the server, 1 on the client
        auto s =
            crypto::key_slices(key, server ? crypto::KeyDirection::Normal : crypto::KeyDirection::Inverse);
        auto ta = wire::TlsAuth::create("SHA256", s.send_hmac, s.recv_hmac, 1000);
        EXPECT_TRUE(ta);
        return make_tls_auth_wrap(std::move(ta).value());
    }
    case Wrap::TlsCrypt: {
        auto tc = wire::TlsCrypt::create(key.bytes, server ? wire::Role::Server : wire::Role::Client, 1000);
        EXPECT_TRUE(tc);
        return make_tls_crypt_wrap(std::move(tc).value());
    }
    }
    return nullptr;
}

struct Endpoint {
    std::unique_ptr<ControlChannel> cc;
    std::vector<ControlEvent> events;
    std::vector<std::string> messages;
    int active = 0;
};

struct Sim {
    Endpoint client, server;
    sim::NoisyWire c2s, s2c;
    TimePoint now{seconds(10000)};

    Sim(Wrap w, sim::Noise noise, unsigned seed, Duration reneg = Duration::zero())
        : c2s(noise, seed), s2c(noise, seed * 7919 + 1)
    {
        auto key = crypto::generate_static_key();
        EXPECT_TRUE(key);
        for (bool server : {false, true}) {
            ControlConfig c;
            c.is_server = server;
            c.tls = TlsContext::create(testpki::config(server)).value();
            c.wrap = make_wrap(w, *key, server);
            c.options_string = "V4,dev-type tun";
            c.hand_window = seconds(120);
            if (server)
                c.reneg_sec = reneg;
            else
                c.peer_info = "IV_PROTO=14\n";
            std::uint32_t ctr = server ? 1 : 2;
            c.random = [ctr, seed](MutBytes out) mutable {
                std::mt19937 r(seed * 31 + ctr++);
                for (auto& b : out)
                    b = static_cast<std::uint8_t>(r());
            };
            (server ? this->server : this->client).cc = ControlChannel::create(std::move(c), now).value();
        }
        client.cc->start(now);
    }

    void pump(Endpoint& e, sim::NoisyWire& out, Endpoint& peer)
    {
        while (auto p = e.cc->poll_transmit(now))
            out.send(std::move(*p), now);
        while (auto ev = e.cc->poll_event()) {
            if (ev->kind == ControlEvent::Kind::KeyActive)
                ++e.active;
            if (ev->kind == ControlEvent::Kind::Message)
                e.messages.push_back(ev->message.text);
            e.events.push_back(std::move(*ev));
        }
        (void)peer;
    }
    void step()
    {
        for (auto& p : c2s.receive(now))
            server.cc->on_packet(p, now);
        for (auto& p : s2c.receive(now))
            client.cc->on_packet(p, now);
        client.cc->on_timer(now);
        server.cc->on_timer(now);
        pump(client, c2s, server);
        pump(server, s2c, client);
        now += milliseconds(10);
    }
    bool run_until(const std::function<bool()>& done, Duration limit)
    {
        TimePoint end = now + limit;
        while (now < end) {
            if (done())
                return true;
            step();
        }
        return done();
    }
    bool both_active() const { return client.cc->primary_active() && server.cc->primary_active(); }
};

void expect_same_keys(Sim& s, std::uint8_t key_id)
{
    auto kc = s.client.cc->derive_keys(key_id, "AES-256-GCM", "", true);
    auto ks = s.server.cc->derive_keys(key_id, "AES-256-GCM", "", true);
    ASSERT_TRUE(kc && ks);
    EXPECT_TRUE(std::equal(kc->encrypt.cipher_key.span().begin(), kc->encrypt.cipher_key.span().end(),
                           ks->decrypt.cipher_key.span().begin()));
    EXPECT_TRUE(std::equal(kc->decrypt.implicit_iv.span().begin(), kc->decrypt.implicit_iv.span().end(),
                           ks->encrypt.implicit_iv.span().begin()));
}

struct Case {
    Wrap wrap;
    sim::Noise noise;
    unsigned seed;
};

class ControlSim : public ::testing::TestWithParam<Case> {};

TEST_P(ControlSim, HandshakePushAndRenegotiation)
{
    const Case& c = GetParam();
    Sim s(c.wrap, c.noise, c.seed, seconds(20));
    ASSERT_TRUE(s.run_until([&] { return s.both_active(); }, seconds(100)));
    expect_same_keys(s, 0);

    ASSERT_TRUE(s.client.cc->send_message("PUSH_REQUEST"));
    ASSERT_TRUE(s.run_until([&] { return !s.server.messages.empty(); }, seconds(60)));
    EXPECT_EQ(s.server.messages.front(), "PUSH_REQUEST");
    auto reply = wire::build_push_reply(
        {"ping 10", "ping-restart 60", "ifconfig 10.8.0.2 255.255.255.0", "peer-id 0", "cipher AES-256-GCM"});
    ASSERT_TRUE(reply);
    ASSERT_TRUE(s.server.cc->send_message(reply->front()));
    ASSERT_TRUE(s.run_until([&] { return !s.client.messages.empty(); }, seconds(60)));
    auto pr = wire::parse_push_reply(s.client.messages.front());
    ASSERT_TRUE(pr);
    EXPECT_EQ(pr->options.size(), 5u);

    // The server renegotiates every 20 s; wait for three new keys.
    ASSERT_TRUE(s.run_until([&] { return s.client.active >= 4 && s.both_active(); }, seconds(400)));
    auto id = s.client.cc->primary_key_id();
    ASSERT_TRUE(id);
    EXPECT_EQ(id, s.server.cc->primary_key_id());
    expect_same_keys(s, *id);
    if (c.noise.drop > 0) {
        EXPECT_GT(s.c2s.dropped() + s.s2c.dropped(), 0u);
    }
    if (c.noise.corrupt > 0 && c.wrap != Wrap::None) {
        EXPECT_GT(s.client.cc->stats().drop_unwrap + s.server.cc->stats().drop_unwrap, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Noise, ControlSim,
                         ::testing::Values(Case{Wrap::None, {}, 1}, Case{Wrap::TlsAuth, {}, 2},
                                           Case{Wrap::TlsCrypt, {}, 3},
                                           Case{Wrap::TlsAuth, {0.2, 0.1, 0.2, 0.0, milliseconds(30)}, 4},
                                           Case{Wrap::TlsCrypt, {0.2, 0.1, 0.2, 0.05, milliseconds(30)}, 5},
                                           Case{Wrap::TlsCrypt, {0.4, 0.2, 0.3, 0.05, milliseconds(80)}, 6},
                                           Case{Wrap::TlsAuth, {0.3, 0.3, 0.5, 0.1, milliseconds(5)}, 7}));

TEST(ControlSimFail, WrongTlsAuthKeyNeverHandshakes)
{
    Sim s(Wrap::TlsAuth, {}, 9);
    // Replace the server's wrap by one with a different key.
    auto other = crypto::generate_static_key();
    ASSERT_TRUE(other);
    ControlConfig c;
    c.is_server = true;
    c.tls = TlsContext::create(testpki::config(true)).value();
    c.wrap = make_wrap(Wrap::TlsAuth, *other, true);
    c.hand_window = seconds(20);
    s.server.cc = ControlChannel::create(std::move(c), s.now).value();
    EXPECT_FALSE(s.run_until([&] { return s.both_active(); }, seconds(130)));
    EXPECT_GT(s.server.cc->stats().drop_unwrap, 0u);
    bool failed = false;
    for (auto& e : s.client.events)
        failed = failed || e.kind == ControlEvent::Kind::Failed;
    EXPECT_TRUE(failed); // hand-window (120 s) expired on the client
}

} // namespace
