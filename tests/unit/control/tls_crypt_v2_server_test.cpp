// The server side of tls-crypt-v2 (make_tls_crypt_v2_server_wrap): a client
// wrap with Kc and WKc against a server wrap that only has the server key.
#include <openssl/rand.h>

#include <gtest/gtest.h>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/wire/opcode.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"
#include "unit/control/test_pki.hpp"

using namespace ovpn;
using namespace ovpn::control;

namespace {

struct Keys {
    SecureBytes server_key;
    SecureBytes kc;
    std::vector<std::uint8_t> wkc;
};

Keys make_keys()
{
    Keys k;
    k.server_key.resize(wire::kTlsCryptV2ServerKeyLen);
    k.kc.resize(wire::kTlsCryptV2ClientKeyLen);
    RAND_bytes(k.server_key.data(), static_cast<int>(k.server_key.size()));
    RAND_bytes(k.kc.data(), static_cast<int>(k.kc.size()));
    auto w = wire::wrap_client_key(k.server_key.span(), k.kc.span(), wire::timestamp_metadata(1700000000));
    EXPECT_TRUE(w);
    k.wkc = w ? *w : std::vector<std::uint8_t>{};
    return k;
}

ControlConfig make_cfg(bool server, std::unique_ptr<ControlWrap> wrap)
{
    ControlConfig c;
    c.is_server = server;
    auto ctx = TlsContext::create(testpki::config(server));
    EXPECT_TRUE(ctx);
    c.tls = *ctx;
    c.wrap = std::move(wrap);
    c.options_string = server ? "V4,dev-type tun,tls-server" : "V4,dev-type tun,tls-client";
    if (!server)
        c.peer_info = "IV_VER=2.6.14\nIV_PROTO=990\n";
    return c;
}

std::unique_ptr<ControlWrap> client_wrap(const Keys& k, std::uint32_t start)
{
    auto tc = wire::TlsCrypt::create(k.kc.span(), wire::Role::Client, start);
    EXPECT_TRUE(tc);
    auto w = std::move(tc).value();
    w.send_counter() = wire::PacketIdSend(start, wire::kEarlyNegStart);
    return make_tls_crypt_wrap(std::move(w), k.wkc, k.kc);
}

// handshake: shuttle until both keys are active (or give up).
bool handshake(ControlChannel& c, ControlChannel& s, TimePoint now,
               std::vector<std::uint8_t>* first = nullptr)
{
    c.start(now);
    bool c_active = false, s_active = false;
    for (int i = 0; i < 200 && !(c_active && s_active); ++i) {
        while (auto p = c.poll_transmit(now)) {
            if (first != nullptr && first->empty())
                *first = *p;
            s.on_packet(*p, now);
        }
        while (auto p = s.poll_transmit(now))
            c.on_packet(*p, now);
        while (auto e = c.poll_event())
            c_active = c_active || e->kind == ControlEvent::Kind::KeyActive;
        while (auto e = s.poll_event())
            s_active = s_active || e->kind == ControlEvent::Kind::KeyActive;
        now += milliseconds(50);
        c.on_timer(now);
        s.on_timer(now);
    }
    return c_active && s_active;
}

} // namespace

TEST(TlsCryptV2Server, OpensTheClientKeyFromTheFirstResetAndHandshakes)
{
    Keys k = make_keys();
    TimePoint now{seconds(5000)};
    auto c = ControlChannel::create(make_cfg(false, client_wrap(k, 1700000000)), now).value();
    auto s =
        ControlChannel::create(make_cfg(true, make_tls_crypt_v2_server_wrap(k.server_key, 1700000001)), now)
            .value();
    std::vector<std::uint8_t> first;
    ASSERT_TRUE(handshake(*c, *s, now, &first));
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(wire::opcode_of(first[0]), wire::Opcode::ControlHardResetClientV3);
    EXPECT_EQ(s->stats().drop_unwrap, 0u);
    // Messages flow both ways under the client's key.
    ASSERT_TRUE(c->send_message("PUSH_REQUEST"));
    bool got = false;
    for (int i = 0; i < 10 && !got; ++i) {
        while (auto p = c->poll_transmit(now))
            s->on_packet(*p, now);
        while (auto p = s->poll_transmit(now))
            c->on_packet(*p, now);
        while (auto e = s->poll_event())
            got = got || (e->kind == ControlEvent::Kind::Message && e->message.text == "PUSH_REQUEST");
    }
    EXPECT_TRUE(got);
}

TEST(TlsCryptV2Server, WrongServerKeyOrNoWkcIsDropped)
{
    Keys k = make_keys();
    Keys other = make_keys();
    TimePoint now{seconds(5000)};
    auto c = ControlChannel::create(make_cfg(false, client_wrap(k, 1700000000)), now).value();
    auto s = ControlChannel::create(make_cfg(true, make_tls_crypt_v2_server_wrap(other.server_key, 1)), now)
                 .value();
    c->start(now);
    auto p = c->poll_transmit(now);
    ASSERT_TRUE(p);
    s->on_packet(*p, now);
    EXPECT_EQ(s->stats().drop_unwrap, 1u);
    EXPECT_FALSE(s->poll_transmit(now)); // no reply to a key we cannot open

    // Before any WKc arrived, a plain tls-crypt packet cannot be opened.
    auto s2 =
        ControlChannel::create(make_cfg(true, make_tls_crypt_v2_server_wrap(k.server_key, 1)), now).value();
    std::vector<std::uint8_t> v1 = *p;
    v1[0] = wire::op_byte(wire::Opcode::ControlV1, 0);
    s2->on_packet(v1, now);
    EXPECT_EQ(s2->stats().drop_unwrap, 1u);
    // A WKc packet cut short is refused too.
    std::vector<std::uint8_t> cut(p->begin(), p->begin() + 60);
    s2->on_packet(cut, now);
    EXPECT_GE(s2->stats().drop_unwrap + s2->stats().drop_parse, 2u);
}

// Dynamic tls-crypt mixes Kc into its key at both ends: the server has it
// only from the client's WKc. A rekey goes through under the derived key.
TEST(TlsCryptV2Server, DynamicTlsCryptMixesTheClientKeyAtBothEnds)
{
    Keys k = make_keys();
    TimePoint now{seconds(5000)};
    auto c = ControlChannel::create(make_cfg(false, client_wrap(k, 1700000000)), now).value();
    auto s =
        ControlChannel::create(make_cfg(true, make_tls_crypt_v2_server_wrap(k.server_key, 1700000001)), now)
            .value();
    ASSERT_TRUE(handshake(*c, *s, now));
    ASSERT_TRUE(c->enable_dynamic_tls_crypt(1700000100));
    ASSERT_TRUE(s->enable_dynamic_tls_crypt(1700000101));
    ASSERT_TRUE(c->renegotiate(now));
    bool done = false;
    for (int i = 0; i < 200 && !done; ++i) {
        while (auto p = c->poll_transmit(now))
            s->on_packet(*p, now);
        while (auto p = s->poll_transmit(now))
            c->on_packet(*p, now);
        while (c->poll_event() || s->poll_event()) {
        }
        done = c->primary_key_id() == 1 && c->primary_active() && s->primary_key_id() == 1 &&
               s->primary_active();
        now += milliseconds(50);
    }
    EXPECT_TRUE(done);
    EXPECT_EQ(s->stats().drop_unwrap + c->stats().drop_unwrap, 0u);
}
