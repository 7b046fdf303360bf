// The stateless UDP first handshake (server/stateless.hpp): a client reset
// gets a cookie reply and leaves no state; only an ACK of a valid cookie from
// the same address creates the instance; forged, expired, misdirected or
// out-of-window ACKs are dropped and counted.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/server/stateless.hpp"

using namespace ovpn;
using namespace ovpn::server;
using wire::Opcode;

namespace {

const std::uint8_t kKey[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                               17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
const wire::SessionId kClientSid = {0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8};
constexpr std::uint32_t kNow = 100000;

io::SockAddr addr(const char* ip, std::uint16_t port)
{
    return io::SockAddr::parse_numeric(ip, port).value();
}

std::vector<std::uint8_t> build(const wire::ControlPacket& p)
{
    std::vector<std::uint8_t> out(wire::control_size(p));
    auto n = wire::write_control(out, p);
    EXPECT_TRUE(n);
    out.resize(n ? *n : 0);
    return out;
}

std::vector<std::uint8_t> client_reset(Opcode op = Opcode::ControlHardResetClientV2)
{
    wire::ControlPacket p;
    p.opcode = op;
    p.session_id = kClientSid;
    p.message_id = 0;
    return build(p);
}

// client_reply: the client's 3rd packet (msg-id 1, ACK of the server's 0).
std::vector<std::uint8_t> client_reply(const wire::SessionId& cookie, std::uint32_t msg_id = 1,
                                       std::uint32_t acked = 0)
{
    static const std::uint8_t hello[] = {0x16, 0x03, 0x01};
    wire::ControlPacket p;
    p.opcode = Opcode::ControlV1;
    p.session_id = kClientSid;
    p.num_acks = 1;
    p.acks[0] = acked;
    p.remote_session_id = cookie;
    p.message_id = msg_id;
    p.payload = Bytes(hello, sizeof hello);
    return build(p);
}

CookieGate gate(bool force = false)
{
    return CookieGate::with_key(Bytes(kKey, sizeof kKey), 60, force).value();
}

// cookie_of: the server session id of a cookie reply (NoWrap: plain).
wire::SessionId cookie_of(const FirstPacket& fp)
{
    auto p = wire::parse_control(fp.reply);
    EXPECT_TRUE(p);
    return p ? p->session_id : wire::SessionId{};
}

} // namespace

TEST(CookieGate, ResetGetsAStatelessServerResetAckingMessageZero)
{
    auto g = gate();
    auto w = control::make_no_wrap();
    auto fp = g.first_packet(client_reset(), addr("10.0.0.1", 4000), *w, kNow);
    ASSERT_EQ(fp.verdict, FirstVerdict::ReplyCookie);
    auto p = wire::parse_control(fp.reply);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->opcode, Opcode::ControlHardResetServerV2);
    EXPECT_EQ(p->key_id, 0);
    ASSERT_EQ(p->num_acks, 1);
    EXPECT_EQ(p->acks[0], 0u);
    EXPECT_EQ(p->remote_session_id, kClientSid);
    EXPECT_EQ(p->message_id, 0u);
    EXPECT_TRUE(p->payload.empty());
    EXPECT_TRUE(wire::is_defined(p->session_id));
    EXPECT_EQ(g.stats().resets_answered, 1u);
}

TEST(CookieGate, ValidCookieFromTheSameAddressCreates)
{
    auto g = gate();
    auto w = control::make_no_wrap();
    const auto from = addr("10.0.0.1", 4000);
    const auto cookie = cookie_of(g.first_packet(client_reset(), from, *w, kNow));
    auto fp = g.first_packet(client_reply(cookie), from, *w, kNow + 20);
    ASSERT_EQ(fp.verdict, FirstVerdict::CreateFromAck);
    EXPECT_EQ(fp.cookie, cookie);
    EXPECT_EQ(fp.client_sid, kClientSid);
    EXPECT_EQ(g.stats().accepted, 1u);
    EXPECT_EQ(g.stats().drop_cookie, 0u);
}

TEST(CookieGate, WrongAddressPortExpiredForgedAndLateIdsAreDroppedAndCounted)
{
    auto g = gate();
    auto w = control::make_no_wrap();
    const auto from = addr("10.0.0.1", 4000);
    const auto cookie = cookie_of(g.first_packet(client_reset(), from, *w, kNow));
    wire::SessionId forged = cookie;
    forged[0] ^= 1;
    EXPECT_EQ(g.first_packet(client_reply(cookie), addr("10.0.0.2", 4000), *w, kNow).verdict,
              FirstVerdict::Drop);
    EXPECT_EQ(g.first_packet(client_reply(cookie), addr("10.0.0.1", 4001), *w, kNow).verdict,
              FirstVerdict::Drop);
    EXPECT_EQ(g.first_packet(client_reply(forged), from, *w, kNow).verdict, FirstVerdict::Drop);
    // slots of 30 s; the current and two before are accepted: 90 s later it is gone
    EXPECT_EQ(g.first_packet(client_reply(cookie), from, *w, kNow + 95).verdict, FirstVerdict::Drop);
    EXPECT_EQ(g.first_packet(client_reply(cookie, 2), from, *w, kNow).verdict, FirstVerdict::Drop);
    EXPECT_EQ(g.first_packet(client_reply(cookie, 1, 2), from, *w, kNow).verdict, FirstVerdict::Drop);
    EXPECT_EQ(g.stats().drop_cookie, 6u);
    EXPECT_EQ(g.stats().accepted, 0u);
    // and the genuine one still works
    EXPECT_EQ(g.first_packet(client_reply(cookie), from, *w, kNow + 1).verdict, FirstVerdict::CreateFromAck);
}

TEST(CookieGate, GarbageAndOtherOpcodesAreDroppedAsUnwrapFailures)
{
    auto g = gate();
    auto w = control::make_no_wrap();
    const auto from = addr("10.0.0.1", 4000);
    const std::uint8_t junk[] = {0x38, 1, 2};
    EXPECT_EQ(g.first_packet(Bytes(junk, sizeof junk), from, *w, kNow).verdict, FirstVerdict::Drop);
    wire::ControlPacket p;
    p.opcode = Opcode::ControlSoftResetV1;
    p.session_id = kClientSid;
    p.message_id = 0;
    EXPECT_EQ(g.first_packet(build(p), from, *w, kNow).verdict, FirstVerdict::Drop);
    auto r = client_reset();
    r[0] |= 1; // key id 1
    EXPECT_EQ(g.first_packet(r, from, *w, kNow).verdict, FirstVerdict::Drop);
    EXPECT_EQ(g.stats().drop_unwrap, 3u);
    EXPECT_EQ(g.stats().resets_answered, 0u);
}

TEST(CookieGate, OldTlsCryptV2ResetIsStatefulUnlessForceCookie)
{
    // Without the early-negotiation marker in the wrap packet id (here the
    // plain bytes at that offset are zero) 2.6 keeps state for the WKc.
    auto w = control::make_no_wrap();
    auto g = gate(false);
    EXPECT_EQ(
        g.first_packet(client_reset(Opcode::ControlHardResetClientV3), addr("10.0.0.1", 1), *w, kNow).verdict,
        FirstVerdict::Stateful);
    auto f = gate(true);
    EXPECT_EQ(
        f.first_packet(client_reset(Opcode::ControlHardResetClientV3), addr("10.0.0.1", 1), *w, kNow).verdict,
        FirstVerdict::Drop);
    EXPECT_EQ(f.stats().drop_old_v3, 1u);
}

namespace {

// CountingWrap: plain copy, counting wraps (a packet id per wrap).
class CountingWrap final : public control::ControlWrap {
public:
    explicit CountingWrap(int* n) : n_(n) {}
    std::size_t overhead() const noexcept override { return 0; }
    Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t) override
    {
        ++*n_;
        std::copy(plain.begin(), plain.end(), out.begin());
        return plain.size();
    }
    Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t) override
    {
        if (in.size() > 0 && in[0] == 0xff)
            return Err(wire::Drop::BadHmac);
        std::copy(in.begin(), in.end(), out.begin());
        return in.size();
    }

private:
    int* n_;
};

} // namespace

TEST(CookieWrap, PassesTheSyntheticResetOnceAndSkipsTheCookieReplysPacketId)
{
    int wraps = 0;
    auto w = make_cookie_wrap(std::make_unique<CountingWrap>(&wraps));
    std::uint8_t out[64];
    const std::uint8_t bad[] = {0xff, 1};
    ASSERT_TRUE(w->unwrap(Bytes(bad, 2), out, 0));  // the synthetic one passes
    EXPECT_FALSE(w->unwrap(Bytes(bad, 2), out, 0)); // then the inner wrap decides
    const std::uint8_t pl[] = {1, 2, 3};
    ASSERT_TRUE(w->wrap(Bytes(pl, 3), out, 0));
    EXPECT_EQ(wraps, 2); // id 1 spent, this packet has id 2
    ASSERT_TRUE(w->wrap(Bytes(pl, 3), out, 0));
    EXPECT_EQ(wraps, 3);
}

// ---- the server on loopback UDP ----

namespace {

struct UdpServer {
    FakeClock clock;
    Logger log{stderr};
    io::EventLoop loop{clock};
    options::Options opts;
    std::unique_ptr<Server> srv;

    UdpServer()
    {
        log.set_verb(0);
        opts = servertest::server_opts({"--topology", "subnet", "--proto", "udp4", "--local", "127.0.0.1",
                                        "--port", std::to_string(servertest::free_udp_port())});
        opts.dev = "null";
        srv = std::make_unique<Server>(opts, servertest::no_dco(), log, loop);
        auto s = srv->start();
        EXPECT_TRUE(s) << (s ? "" : s.error());
    }

    std::unique_ptr<io::LinkSocket> socket()
    {
        io::UdpConfig uc;
        uc.family = io::Family::V4;
        uc.connect_to = srv->local_address();
        auto s = io::open_udp(uc);
        EXPECT_TRUE(s);
        return s ? std::move(*s) : nullptr;
    }

    void send(io::LinkSocket& s, const std::vector<std::uint8_t>& pkt)
    {
        PacketBuf b(pkt.size() + PacketBuf::kDefaultHeadroom);
        (void)b.append(pkt);
        (void)s.send(std::span<const PacketBuf>(&b, 1), nullptr);
        for (int i = 0; i < 4; ++i)
            (void)loop.run_once(milliseconds(0));
    }

    std::vector<std::vector<std::uint8_t>> recv(io::LinkSocket& s)
    {
        std::vector<std::vector<std::uint8_t>> out;
        std::vector<PacketBuf> rx(8);
        std::vector<io::SockAddr> from(8);
        for (;;) {
            auto n = s.recv(rx, from);
            if (!n || *n == 0)
                break;
            for (std::size_t i = 0; i < *n; ++i)
                out.emplace_back(rx[i].span().begin(), rx[i].span().end());
        }
        return out;
    }
};

} // namespace

TEST(ServerCookie, ResetLeavesNoStateAndOnlyAValidAckCreatesTheInstance)
{
    UdpServer u;
    auto a = u.socket();
    auto b = u.socket();
    ASSERT_TRUE(a && b);
    for (int i = 0; i < 50; ++i)
        u.send(*a, client_reset()); // a flood of (spoofable) resets
    EXPECT_EQ(u.srv->num_clients(), 0u);
    auto replies = u.recv(*a);
    ASSERT_EQ(replies.size(), 50u);
    auto p = wire::parse_control(replies.front());
    ASSERT_TRUE(p);
    const wire::SessionId cookie = p->session_id;
    ASSERT_NE(u.srv->cookie_stats(), nullptr);
    EXPECT_EQ(u.srv->cookie_stats()->resets_answered, 50u);

    // the cookie from another address, and a forged one: nothing
    u.send(*b, client_reply(cookie));
    wire::SessionId forged = cookie;
    forged[7] ^= 0x80;
    u.send(*a, client_reply(forged));
    EXPECT_EQ(u.srv->num_clients(), 0u);
    EXPECT_EQ(u.srv->cookie_stats()->drop_cookie, 2u);

    // the genuine ACK: the instance, whose session id is the cookie and
    // which goes on (it answers the ClientHello's ACK right away)
    u.send(*a, client_reply(cookie));
    EXPECT_EQ(u.srv->num_clients(), 1u);
    EXPECT_EQ(u.srv->cookie_stats()->accepted, 1u);
    auto more = u.recv(*a);
    ASSERT_FALSE(more.empty());
    auto q = wire::parse_control(more.front());
    ASSERT_TRUE(q);
    EXPECT_EQ(q->session_id, cookie);
    EXPECT_EQ(q->remote_session_id, kClientSid);
    EXPECT_NE(q->opcode, Opcode::ControlHardResetServerV2); // our reset counts as ACKed
}

TEST(ServerCookie, ExpiredCookieIsDropped)
{
    UdpServer u;
    auto a = u.socket();
    ASSERT_TRUE(a);
    u.send(*a, client_reset());
    auto replies = u.recv(*a);
    ASSERT_EQ(replies.size(), 1u);
    const wire::SessionId cookie = wire::parse_control(replies.front())->session_id;
    u.clock.advance(seconds(100)); // hand-window 60: slots of 30 s, three accepted
    u.send(*a, client_reply(cookie));
    EXPECT_EQ(u.srv->num_clients(), 0u);
    EXPECT_EQ(u.srv->cookie_stats()->drop_cookie, 1u);
}

TEST(CookieGate, MutatedPacketsNeverCreateAndNeverCrash)
{
    auto g = gate();
    auto w = control::make_no_wrap();
    const auto from = addr("10.0.0.1", 4000);
    const auto cookie = cookie_of(g.first_packet(client_reset(), from, *w, kNow));
    const auto good = client_reply(cookie);
    std::uint32_t x = 12345;
    auto next = [&] {
        x = x * 1664525u + 1013904223u;
        return x >> 8;
    };
    std::size_t created = 0;
    for (int i = 0; i < 3000; ++i) {
        auto p = good;
        const int flips = 1 + static_cast<int>(next() % 3);
        for (int k = 0; k < flips; ++k)
            p[next() % p.size()] ^= static_cast<std::uint8_t>(1 + next() % 255);
        p.resize(next() % (p.size() + 1));
        const auto fp = g.first_packet(p, from, *w, kNow);
        if (fp.verdict == FirstVerdict::CreateFromAck) {
            ++created;
            EXPECT_EQ(fp.cookie, cookie); // only with the genuine cookie (payload bytes may differ)
        }
    }
    EXPECT_EQ(g.stats().accepted, created);
}

TEST(CookieGate, ConnectFreqInitialLimitsAnsweredResets)
{
    auto g = gate();
    g.set_rate_limit(3, 10);
    auto w = control::make_no_wrap();
    const auto from = addr("10.0.0.1", 4000);
    wire::SessionId cookie{};
    for (int i = 0; i < 3; ++i) {
        auto fp = g.first_packet(client_reset(), from, *w, kNow);
        ASSERT_EQ(fp.verdict, FirstVerdict::ReplyCookie);
        cookie = cookie_of(fp);
    }
    auto over = g.first_packet(client_reset(), from, *w, kNow + 1);
    EXPECT_EQ(over.verdict, FirstVerdict::Drop);
    EXPECT_TRUE(over.rate_note);          // the first refusal of the period says so
    EXPECT_EQ(over.rate_seconds_left, 9); // period started at kNow
    auto again = g.first_packet(client_reset(), from, *w, kNow + 2);
    EXPECT_EQ(again.verdict, FirstVerdict::Drop);
    EXPECT_FALSE(again.rate_note);
    EXPECT_EQ(g.stats().drop_rate, 2u);
    // a finished handshake gives its place back... (count 5 -> 4: still over)
    ASSERT_EQ(g.first_packet(client_reply(cookie), from, *w, kNow + 2).verdict, FirstVerdict::CreateFromAck);
    EXPECT_EQ(g.first_packet(client_reset(), from, *w, kNow + 3).verdict, FirstVerdict::Drop);
    // ...and a new period starts afresh
    EXPECT_EQ(g.first_packet(client_reset(), from, *w, kNow + 11).verdict, FirstVerdict::ReplyCookie);
}

TEST(CookieGate, ACompletedHandshakeDoesNotCountAgainstTheLimit)
{
    auto g = gate();
    g.set_rate_limit(1, 10);
    auto w = control::make_no_wrap();
    const auto from = addr("10.0.0.1", 4000);
    for (int i = 0; i < 5; ++i) {
        auto fp = g.first_packet(client_reset(), from, *w, kNow);
        ASSERT_EQ(fp.verdict, FirstVerdict::ReplyCookie) << i;
        ASSERT_EQ(g.first_packet(client_reply(cookie_of(fp)), from, *w, kNow).verdict,
                  FirstVerdict::CreateFromAck);
    }
    EXPECT_EQ(g.stats().drop_rate, 0u);
}

TEST(ConnectFreq, AllowsMaxPerWindowThenResetsAndIsOffByDefault)
{
    server::ConnectFreq off;
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(off.allow(5));
    server::ConnectFreq f{2, 10};
    EXPECT_TRUE(f.allow(100));
    EXPECT_TRUE(f.allow(101));
    EXPECT_FALSE(f.allow(109)); // a third within the 10 s window
    EXPECT_TRUE(f.allow(110));  // a new window
}
