#include "openvpn/control/control_channel.hpp"
#include "openvpn/control/dynamic_wrap.hpp"

#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "openvpn/wire/control_packet.hpp"
#include "unit/control/test_pki.hpp"

using namespace ovpn;
using namespace ovpn::control;

namespace {

struct Side {
    std::unique_ptr<ControlChannel> cc;
    std::vector<ControlEvent> events;
    int count(ControlEvent::Kind k) const
    {
        return static_cast<int>(
            std::count_if(events.begin(), events.end(), [k](const ControlEvent& e) { return e.kind == k; }));
    }
};

ControlConfig make_cfg(bool server)
{
    ControlConfig c;
    c.is_server = server;
    auto ctx = TlsContext::create(testpki::config(server));
    EXPECT_TRUE(ctx);
    c.tls = *ctx;
    c.wrap = make_no_wrap();
    c.options_string = server ? "V4,dev-type tun,tls-server" : "V4,dev-type tun,tls-client";
    if (!server) {
        c.username = "user";
        c.password = SecureBytes(as_bytes(std::string("pass")));
        c.peer_info = "IV_VER=2.6.14\nIV_PROTO=14\n";
    }
    return c;
}

struct Pair {
    Side c, s;
    TimePoint now{seconds(5000)};
    std::uint64_t dropped = 0;
    // drop_every: drop every Nth packet (0 = none)
    unsigned drop_every = 0;
    unsigned counter = 0;
    // drop_if: drop the packets it is true for (from the client when
    // `from_client`)
    std::function<bool(Bytes pkt, bool from_client)> drop_if;

    Pair(ControlConfig cc, ControlConfig sc)
    {
        c.cc = ControlChannel::create(std::move(cc), now).value();
        s.cc = ControlChannel::create(std::move(sc), now).value();
        c.cc->start(now);
    }
    void shuttle(Side& from, Side& to)
    {
        while (auto pkt = from.cc->poll_transmit(now)) {
            if ((drop_every != 0 && ++counter % drop_every == 0) || (drop_if && drop_if(*pkt, &from == &c))) {
                ++dropped;
                continue;
            }
            to.cc->on_packet(*pkt, now);
        }
    }
    void step(Duration d = milliseconds(100))
    {
        for (int i = 0; i < 4; ++i) {
            shuttle(c, s);
            shuttle(s, c);
        }
        now += d;
        c.cc->on_timer(now);
        s.cc->on_timer(now);
        for (Side* x : {&c, &s})
            while (auto e = x->cc->poll_event())
                x->events.push_back(std::move(*e));
    }
    bool run_until(const std::function<bool()>& done, int max_steps = 2000)
    {
        for (int i = 0; i < max_steps; ++i) {
            if (done())
                return true;
            step();
        }
        return done();
    }
};

std::vector<std::uint8_t> v(const SecureBytes& b)
{
    return {b.span().begin(), b.span().end()};
}

TEST(ControlChannel, HandshakeKeyExchangeAndMessages)
{
    Pair p(make_cfg(false), make_cfg(true));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    EXPECT_EQ(p.c.count(ControlEvent::Kind::KeyActive), 1);
    EXPECT_EQ(p.s.count(ControlEvent::Kind::KeyActive), 1);
    const auto* km = p.s.cc->peer_km2(0);
    ASSERT_NE(km, nullptr);
    EXPECT_EQ(km->username, "user");
    EXPECT_EQ(std::string(km->password.span().begin(), km->password.span().end()), "pass");
    EXPECT_EQ(km->options, "V4,dev-type tun,tls-client");
    EXPECT_EQ(km->peer_info, "IV_VER=2.6.14\nIV_PROTO=14\n");
    EXPECT_EQ(p.c.cc->peer_km2(0)->options, "V4,dev-type tun,tls-server");
    EXPECT_EQ(p.c.cc->remote_session_id(), p.s.cc->session_id());

    for (bool ekm : {true, false}) {
        auto kc = p.c.cc->derive_keys(0, "AES-256-GCM", "SHA1", ekm);
        auto ks = p.s.cc->derive_keys(0, "AES-256-GCM", "SHA1", ekm);
        ASSERT_TRUE(kc) << kc.error();
        ASSERT_TRUE(ks) << ks.error();
        EXPECT_EQ(v(kc->encrypt.cipher_key), v(ks->decrypt.cipher_key));
        EXPECT_EQ(v(kc->decrypt.implicit_iv), v(ks->encrypt.implicit_iv));
        EXPECT_NE(v(kc->encrypt.cipher_key), v(kc->decrypt.cipher_key));
        EXPECT_EQ(kc->encrypt.cipher_key.size(), 32u);
        EXPECT_EQ(kc->encrypt.implicit_iv.size(), 8u);
    }
    auto cbc = p.c.cc->derive_keys(0, "AES-256-CBC", "SHA256", false);
    ASSERT_TRUE(cbc);
    EXPECT_EQ(cbc->encrypt.hmac_key.size(), 32u);

    ASSERT_TRUE(p.c.cc->send_message("PUSH_REQUEST"));
    p.step();
    ASSERT_EQ(p.s.count(ControlEvent::Kind::Message), 1);
    auto it = std::find_if(p.s.events.begin(), p.s.events.end(),
                           [](auto& e) { return e.kind == ControlEvent::Kind::Message; });
    EXPECT_EQ(it->message.text, "PUSH_REQUEST");
}

TEST(ControlChannel, RenegotiationRotatesKeyIdAndKeepsLameDuck)
{
    auto sc = make_cfg(true);
    sc.reneg_sec = seconds(10);
    sc.tran_window = seconds(30);
    Pair p(make_cfg(false), std::move(sc));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    auto k0 = p.c.cc->derive_keys(0, "AES-128-GCM", "", true);
    ASSERT_TRUE(k0);
    // reneg-sec on the server side triggers a soft reset; the client follows.
    ASSERT_TRUE(p.run_until([&] {
        return p.c.cc->primary_key_id() == 1 && p.c.cc->primary_active() && p.s.cc->primary_active();
    }));
    EXPECT_EQ(p.c.count(ControlEvent::Kind::KeyActive), 2);
    EXPECT_EQ(p.s.count(ControlEvent::Kind::RenegotiationStarted), 1);
    EXPECT_EQ(p.c.count(ControlEvent::Kind::RenegotiationStarted), 1);
    auto k1c = p.c.cc->derive_keys(1, "AES-128-GCM", "", true);
    auto k1s = p.s.cc->derive_keys(1, "AES-128-GCM", "", true);
    ASSERT_TRUE(k1c && k1s);
    EXPECT_EQ(k1c->key_id, 1);
    EXPECT_EQ(v(k1c->encrypt.cipher_key), v(k1s->decrypt.cipher_key));
    EXPECT_NE(v(k1c->encrypt.cipher_key), v(k0->encrypt.cipher_key));
    // The old key stays usable (lame duck) until tran-window passes.
    EXPECT_TRUE(p.c.cc->derive_keys(0, "AES-128-GCM", "", true));
    ASSERT_TRUE(p.run_until([&] { return p.c.count(ControlEvent::Kind::LameDuckExpired) >= 1; }, 400));
    // Keep going: key ids advance 1..7 then wrap to 1.
    std::vector<int> ids;
    ASSERT_TRUE(p.run_until(
        [&] {
            auto id = p.c.cc->primary_key_id();
            if (p.c.cc->primary_active() && (ids.empty() || ids.back() != *id))
                ids.push_back(*id);
            return ids.size() >= 8;
        },
        10000));
    bool wrapped = false;
    for (std::size_t i = 1; i < ids.size(); ++i) {
        EXPECT_EQ(ids[i], wire::next_key_id(static_cast<std::uint8_t>(ids[i - 1])));
        wrapped = wrapped || (ids[i - 1] == 7 && ids[i] == 1);
    }
    EXPECT_TRUE(wrapped); // 7 wraps to 1, never back to 0
}

// A message queued while a renegotiation is under way (the server's exit
// RESTART) goes out once the new key is active, as 2.6's paybuf; before, the
// server skipped a client that was rekeying.
TEST(ControlChannel, MessageQueuedDuringARekeyGoesOutOnTheNewKey)
{
    auto sc = make_cfg(true);
    sc.reneg_sec = seconds(10);
    Pair p(make_cfg(false), std::move(sc));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    ASSERT_TRUE(p.run_until([&] { return p.s.count(ControlEvent::Kind::RenegotiationStarted) == 1; }));
    ASSERT_FALSE(p.s.cc->primary_active());
    EXPECT_FALSE(p.s.cc->send_message("RESTART"));
    ASSERT_TRUE(p.s.cc->queue_message("RESTART"));
    const auto got = [&] {
        return std::any_of(p.c.events.begin(), p.c.events.end(), [](const ControlEvent& e) {
            return e.kind == ControlEvent::Kind::Message && e.message.text == "RESTART";
        });
    };
    ASSERT_TRUE(p.run_until([&] { return got(); }));
    EXPECT_EQ(p.s.cc->primary_key_id(), 1);
    EXPECT_TRUE(p.s.cc->primary_active());
}

// The client's last ACKs of key 0 never reach the server (lost): the
// client is active, the server still waits for them when the client's
// soft reset for key 1 arrives. A peer renegotiates only from an active key,
// so that soft reset proves the server's records got through: the server
// activates key 0 and follows to key 1 (before the fix it dropped the soft
// reset as a key id of neither key state, and the rekey waited on the
// backed-off retransmissions of key 0: in the interop suite, past 30 s).
TEST(ControlChannel, PeerSoftResetCompletesAKeyWhoseLastAckWasLost)
{
    Pair p(make_cfg(false), make_cfg(true));
    p.drop_if = [&](Bytes pkt, bool from_client) {
        auto cp = wire::parse_control(pkt);
        return from_client && cp && cp->key_id == 0 && !cp->message_id && p.c.cc->primary_active();
    };
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active(); }));
    p.run_until([] { return false; }, 20); // the server retransmits, its ACKs are lost
    ASSERT_FALSE(p.s.cc->primary_active());
    ASSERT_GT(p.dropped, 0u);
    ASSERT_TRUE(p.c.cc->renegotiate(p.now));
    ASSERT_TRUE(p.run_until(
        [&] {
            return p.c.cc->primary_key_id() == 1 && p.c.cc->primary_active() &&
                   p.s.cc->primary_key_id() == 1 && p.s.cc->primary_active();
        },
        50));
    EXPECT_EQ(p.s.cc->stats().drop_key_id, 0u);
    ASSERT_EQ(p.s.count(ControlEvent::Kind::KeyActive), 2);
    EXPECT_EQ(p.s.events.front().key_active.key_id, 0);           // key 0 first, then the renegotiation
    EXPECT_TRUE(p.s.cc->derive_keys(0, "AES-128-GCM", "", true)); // the lame duck
    // and the lame duck no longer retransmits what the client already has
    const auto dropped = p.dropped;
    p.drop_if = [](Bytes pkt, bool from_client) {
        auto cp = wire::parse_control(pkt);
        return !from_client && cp && cp->key_id == 0;
    };
    p.run_until([] { return false; }, 300); // 30 s
    EXPECT_EQ(p.dropped, dropped);
    auto k1c = p.c.cc->derive_keys(1, "AES-128-GCM", "", true);
    auto k1s = p.s.cc->derive_keys(1, "AES-128-GCM", "", true);
    ASSERT_TRUE(k1c && k1s);
    EXPECT_EQ(v(k1c->encrypt.cipher_key), v(k1s->decrypt.cipher_key));
}

// A soft reset for the next key id while our key's handshake is still
// running (records missing, not only ACKs) is not a reason to activate it.
TEST(ControlChannel, SoftResetBeforeOurHandshakeEndedIsDropped)
{
    Pair p(make_cfg(false), make_cfg(true));
    // nothing of the server reaches the client once the client's first
    // TLS record is out: the server's handshake cannot end
    p.drop_if = [&](Bytes pkt, bool from_client) {
        auto cp = wire::parse_control(pkt);
        return !from_client && cp && cp->opcode == wire::Opcode::ControlV1;
    };
    p.run_until([] { return false; }, 30);
    ASSERT_FALSE(p.s.cc->primary_active());
    // a soft reset for key 1 (forged here from the client's session)
    wire::ControlPacket sr;
    sr.opcode = wire::Opcode::ControlSoftResetV1;
    sr.key_id = 1;
    sr.session_id = p.c.cc->session_id();
    sr.message_id = 0;
    std::vector<std::uint8_t> buf(wire::control_size(sr));
    ASSERT_TRUE(wire::write_control(buf, sr));
    p.s.cc->on_packet(buf, p.now);
    EXPECT_EQ(p.s.cc->stats().drop_key_id, 1u);
    EXPECT_FALSE(p.s.cc->primary_active());
    EXPECT_EQ(p.s.cc->primary_key_id(), 0);
}

TEST(ControlChannel, HandshakeSurvivesLoss)
{
    Pair p(make_cfg(false), make_cfg(true));
    p.drop_every = 3;
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    EXPECT_GT(p.dropped, 0u);
    ASSERT_TRUE(p.c.cc->derive_keys(0, "AES-256-GCM", "", true));
}

TEST(ControlChannel, HandWindowExpiresWithoutPeer)
{
    auto cc = make_cfg(false);
    cc.hand_window = seconds(10);
    TimePoint now{seconds(100)};
    auto c = ControlChannel::create(std::move(cc), now).value();
    c->start(now);
    int sent = 0;
    std::optional<ControlEvent> failed;
    for (int i = 0; i < 150 && !failed; ++i) {
        while (c->poll_transmit(now))
            ++sent;
        now += milliseconds(100);
        c->on_timer(now);
        while (auto e = c->poll_event())
            if (e->kind == ControlEvent::Kind::Failed)
                failed = e;
    }
    ASSERT_TRUE(failed);
    EXPECT_TRUE(failed->failed.fatal);
    EXPECT_NE(failed->failed.reason.find("within 10 seconds"), std::string::npos);
    EXPECT_GE(sent, 3); // the reset was retransmitted (t, +2, +6)
}

TEST(ControlChannel, GivenSessionIdIsUsedAndAnUndefinedOneRefused)
{
    const wire::SessionId sid = {1, 2, 3, 4, 5, 6, 7, 8};
    auto sc = make_cfg(true);
    sc.local_session_id = sid;
    TimePoint now{seconds(100)};
    auto s = ControlChannel::create(std::move(sc), now);
    ASSERT_TRUE(s);
    EXPECT_EQ((*s)->session_id(), sid);
    auto bad = make_cfg(true);
    bad.local_session_id = wire::SessionId{};
    EXPECT_FALSE(ControlChannel::create(std::move(bad), now));
    // and a handshake with it completes as with a random one
    auto given = make_cfg(true);
    given.local_session_id = sid;
    Pair p(make_cfg(false), std::move(given));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    EXPECT_EQ(p.s.cc->session_id(), sid);
    EXPECT_EQ(p.c.cc->remote_session_id(), sid);
    EXPECT_EQ(p.c.count(ControlEvent::Kind::KeyActive), 1);
}

TEST(ControlChannel, GarbageAndWrongSessionAreCounted)
{
    Pair p(make_cfg(false), make_cfg(true));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active(); }));
    std::vector<std::uint8_t> junk = {0x20, 1, 2, 3};
    p.c.cc->on_packet(junk, p.now);
    EXPECT_GE(p.c.cc->stats().drop_parse, 1u);
    // A P_CONTROL_V1 from a different session id.
    std::vector<std::uint8_t> other = {0x20, 9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0, 7, 'x'};
    p.c.cc->on_packet(other, p.now);
    EXPECT_GE(p.c.cc->stats().drop_session, 1u);
    // a server reset to the server: server->server
    std::vector<std::uint8_t> sreset = {0x40, 9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0, 0};
    p.s.cc->on_packet(sreset, p.now);
    EXPECT_GE(p.s.cc->stats().drop_session, 1u);
    EXPECT_TRUE(p.c.cc->primary_active());
}

TEST(ControlChannel, TlsFailureIsFatalEvent)
{
    auto cc = make_cfg(false);
    TlsConfig t = testpki::config(false);
    t.verify_x509_name = VerifyX509Name{"nobody", X509NameType::Name};
    cc.tls = *TlsContext::create(t);
    Pair p(std::move(cc), make_cfg(true));
    ASSERT_TRUE(p.run_until([&] { return p.c.count(ControlEvent::Kind::Failed) > 0; }, 200));
    auto it = std::find_if(p.c.events.begin(), p.c.events.end(),
                           [](auto& e) { return e.kind == ControlEvent::Kind::Failed; });
    EXPECT_TRUE(it->failed.fatal);
    EXPECT_NE(it->failed.reason.find("TLS"), std::string::npos);
}

} // namespace

// Issue 15, finding 2: a client that sends its reset and then TLS records
// but never ACKs our reset gets no more than the receive window stored and
// ACKed (2.6's TLS_RELIABLE_N_REC_BUFFERS); the rest is dropped unACKed.
TEST(ControlChannel, PeerThatNeverAcksOurResetGetsOnlyTheWindowAcked)
{
    TimePoint now{seconds(100)};
    auto s = ControlChannel::create(make_cfg(true), now).value();
    auto packet = [](std::uint8_t opcode, std::uint32_t msg_id, std::size_t len) {
        std::vector<std::uint8_t> p = {static_cast<std::uint8_t>(opcode << 3), 1, 2, 3, 4, 5, 6, 7, 8, 0};
        for (int shift = 24; shift >= 0; shift -= 8)
            p.push_back(static_cast<std::uint8_t>(msg_id >> shift));
        p.insert(p.end(), len, 0x16);
        return p;
    };
    std::set<std::uint32_t> acked;
    auto collect_acks = [&] {
        while (auto out = s->poll_transmit(now)) {
            auto p = wire::parse_control(*out);
            ASSERT_TRUE(p);
            acked.insert(p->acks.begin(), p->acks.begin() + p->num_acks);
        }
    };
    s->on_packet(packet(7, 0, 0), now); // P_CONTROL_HARD_RESET_CLIENT_V2
    collect_acks();
    const std::uint32_t n = 2000;
    for (std::uint32_t id = 1; id <= n; ++id) {
        s->on_packet(packet(4, id, 1000), now); // P_CONTROL_V1, our reset never ACKed
        collect_acks();
    }
    EXPECT_LE(acked.size(), 1 + 12u); // the reset and one receive window
    EXPECT_GE(s->stats().drop_window, n - 12);
}

// Dynamic tls-crypt (2.6.1+): once both ends turned it on, the packets of
// key ids above 0 go under the tls-crypt key derived from key 0's TLS
// session, those of key 0 keep the session's wrap (here none).
TEST(ControlChannel, DynamicTlsCryptWrapsTheRenegotiations)
{
    Pair p(make_cfg(false), make_cfg(true));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    ASSERT_TRUE(p.c.cc->enable_dynamic_tls_crypt(1000));
    ASSERT_TRUE(p.s.cc->enable_dynamic_tls_crypt(2000));
    EXPECT_TRUE(p.c.cc->dynamic_tls_crypt());
    // what the client sends for key 1 opens with the server's own derivation
    auto check = make_dynamic_wrap(*p.s.cc->tls_session(0), {}, true, 0);
    ASSERT_TRUE(check) << check.error();
    int key1 = 0, opened = 0;
    p.drop_if = [&](Bytes pkt, bool from_client) {
        if (wire::key_id_of(pkt[0]) == 0)
            return false;
        ++key1;
        std::vector<std::uint8_t> out(pkt.size());
        if (from_client && (*check)->unwrap(pkt, out, 0))
            ++opened;
        return false;
    };
    ASSERT_TRUE(p.c.cc->renegotiate(p.now));
    ASSERT_TRUE(p.run_until([&] {
        return p.c.cc->primary_key_id() == 1 && p.c.cc->primary_active() && p.s.cc->primary_active();
    }));
    EXPECT_GT(key1, 4);
    EXPECT_GT(opened, 2);
    EXPECT_EQ(p.s.cc->stats().drop_unwrap + p.c.cc->stats().drop_unwrap, 0u);
    // the lame duck (key 0) still talks without a wrap
    EXPECT_TRUE(p.c.cc->derive_keys(0, "AES-128-GCM", "", true));
}

// One end without it: the other cannot read its packets, the rekey does
// not complete (what a 2.6 peer sees from an end that announced bit 9 and
// then did not switch).
TEST(ControlChannel, DynamicTlsCryptOnOneEndOnlyBreaksTheRekey)
{
    Pair p(make_cfg(false), make_cfg(true));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    ASSERT_TRUE(p.c.cc->enable_dynamic_tls_crypt(1000));
    ASSERT_TRUE(p.c.cc->renegotiate(p.now));
    // (the server, without a wrap, takes the tls-crypt packet for a plain
    // soft reset with a wild message id; key 1 never becomes active)
    EXPECT_FALSE(p.run_until(
        [&] { return p.s.cc->primary_key_id() == 1 && p.s.cc->primary_active() && p.c.cc->primary_active(); },
        300));
}

// Turned on only while key 0 is the primary key (2.6: KS_PRIMARY key id 0).
TEST(ControlChannel, DynamicTlsCryptOnlyFromKeyZero)
{
    Pair p(make_cfg(false), make_cfg(true));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_active() && p.s.cc->primary_active(); }));
    ASSERT_TRUE(p.c.cc->renegotiate(p.now));
    ASSERT_TRUE(p.run_until([&] { return p.c.cc->primary_key_id() == 1 && p.c.cc->primary_active(); }));
    ASSERT_TRUE(p.c.cc->enable_dynamic_tls_crypt(1000));
    EXPECT_FALSE(p.c.cc->dynamic_tls_crypt());
}
