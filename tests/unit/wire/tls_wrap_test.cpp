// tls-auth, tls-crypt and tls-crypt-v2 against packets OpenVPN 2.6 sent
// (tests/vectors/facts: Appendix A of protocol-facts; tests/vectors/captured:
// tests/vectors/regen.sh) and round trips between our two ends.
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/tls_auth.hpp"
#include "openvpn/wire/tls_crypt.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>

namespace ovpn::wire {
namespace {

using test::hex;
using test::read_text;
using test::unhex;

crypto::StaticKey facts_key()
{
    auto k = crypto::parse_static_key(read_text("facts/a1-static.key"));
    EXPECT_TRUE(k.ok());
    return std::move(*k);
}

TEST(TlsAuth, VerifiesA26ClientResetAndRejectsAFlippedBit)
{
    auto key = facts_key();
    auto pkt = unhex(read_text("facts/a3-tls-auth-client-reset.hex"));
    ASSERT_EQ(pkt.size(), 42u);
    // The server (key-direction 0) receives with keys[1].hmac.
    auto s = crypto::key_slices(key, crypto::KeyDirection::Normal);
    auto ta = TlsAuth::create("SHA1", s.send_hmac, s.recv_hmac, 100);
    ASSERT_TRUE(ta.ok()) << ta.error();
    std::uint8_t plain[64];
    auto n = ta->unwrap(pkt, plain, 1000);
    ASSERT_TRUE(n.ok()) << to_string(n.error());
    EXPECT_EQ(ta->last_packet_id().id, 1u);
    EXPECT_EQ(ta->last_packet_id().time, 0x6b073980u);
    auto cp = parse_control(Bytes(plain, *n));
    ASSERT_TRUE(cp.ok());
    EXPECT_EQ(cp->opcode, Opcode::ControlHardResetClientV2);
    EXPECT_EQ(hex(cp->session_id), "a78159f9acd6a6eb");
    EXPECT_EQ(cp->message_id, 0u);
    // The same packet again is a replay.
    EXPECT_EQ(ta->unwrap(pkt, plain, 1000).error(), Drop::Replay);
    for (std::size_t bit : {0u, 8u * 5, 8u * 12, 8u * 30, 8u * 41 + 7}) {
        auto bad = pkt;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        auto fresh = TlsAuth::create("SHA1", s.send_hmac, s.recv_hmac, 100);
        EXPECT_EQ(fresh->unwrap(bad, plain, 1000).error(), Drop::BadHmac) << bit;
    }
    // Wrong direction: keys[0] does not verify it.
    auto wrong = TlsAuth::create("SHA1", s.recv_hmac, s.send_hmac, 100);
    EXPECT_EQ(wrong->unwrap(pkt, plain, 1000).error(), Drop::BadHmac);
}

TEST(TlsAuth, RoundTripBetweenDirections)
{
    auto key = crypto::generate_static_key();
    ASSERT_TRUE(key.ok());
    auto c = crypto::key_slices(*key, crypto::KeyDirection::Inverse);
    auto s = crypto::key_slices(*key, crypto::KeyDirection::Normal);
    auto client = TlsAuth::create("SHA256", c.send_hmac, c.recv_hmac, 7);
    auto server = TlsAuth::create("SHA256", s.send_hmac, s.recv_hmac, 9);
    ASSERT_TRUE(client.ok() && server.ok());
    EXPECT_EQ(client->overhead(), 40u);
    auto plain = unhex("20 0102030405060708 00 00000001 deadbeef");
    std::uint8_t wire[128], back[128];
    for (int i = 1; i <= 3; ++i) {
        auto n = client->wrap(plain, wire, 50);
        ASSERT_TRUE(n.ok());
        EXPECT_EQ(*n, plain.size() + 40);
        auto m = server->unwrap(Bytes(wire, *n), back, 50);
        ASSERT_TRUE(m.ok()) << to_string(m.error());
        EXPECT_EQ(hex(Bytes(back, *m)), hex(plain));
        EXPECT_EQ(server->last_packet_id().id, static_cast<std::uint32_t>(i));
        EXPECT_EQ(server->last_packet_id().time, 7u);
    }
    // The stateless server path verifies without touching the window.
    auto n = client->wrap(plain, wire, 50);
    ASSERT_TRUE(n.ok());
    EXPECT_TRUE(server->unwrap(Bytes(wire, *n), back, 50, ReplayCheck::Skip).ok());
    EXPECT_TRUE(server->unwrap(Bytes(wire, *n), back, 50, ReplayCheck::Skip).ok());
    EXPECT_TRUE(server->unwrap(Bytes(wire, *n), back, 50).ok());
    EXPECT_EQ(server->unwrap(Bytes(wire, *n), back, 50).error(), Drop::Replay);
    EXPECT_EQ(server->unwrap(Bytes(wire, 20), back, 50).error(), Drop::TooShort);
    EXPECT_FALSE(TlsAuth::create("NOPE", c.send_hmac, c.recv_hmac, 0).ok());
}

TEST(TlsCrypt, UnwrapsA26ClientReset)
{
    auto key = facts_key();
    auto pkt = unhex(read_text("facts/a2-tls-crypt-client-reset.hex"));
    ASSERT_EQ(pkt.size(), 54u);
    auto server = TlsCrypt::create(key.bytes, Role::Server, 1);
    ASSERT_TRUE(server.ok());
    std::uint8_t plain[64];
    auto n = server->unwrap(pkt, plain, 1000);
    ASSERT_TRUE(n.ok()) << to_string(n.error());
    EXPECT_EQ(hex(Bytes(plain, *n)), "387b074a04764b93ed0000000000");
    EXPECT_EQ(server->last_packet_id().id, 1u);
    EXPECT_EQ(server->unwrap(pkt, plain, 1000).error(), Drop::Replay);
    for (std::size_t i = 0; i < pkt.size(); i += 7) {
        auto bad = pkt;
        bad[i] ^= 0x10;
        auto fresh = TlsCrypt::create(key.bytes, Role::Server, 1);
        EXPECT_EQ(fresh->unwrap(bad, plain, 1000).error(), Drop::BadTag) << i;
    }
    // The client's own key direction cannot open what the client sent.
    auto client = TlsCrypt::create(key.bytes, Role::Client, 1);
    EXPECT_EQ(client->unwrap(pkt, plain, 1000).error(), Drop::BadTag);
}

TEST(TlsCrypt, RoundTripAndOurWrapMatches26)
{
    auto key = facts_key();
    // Rebuild A.2 exactly: same time, packet id 1, same plaintext.
    auto client = TlsCrypt::create(key.bytes, Role::Client, 0x6b0738d1);
    ASSERT_TRUE(client.ok());
    auto plain = unhex("38 7b074a04764b93ed 00 00000000");
    std::uint8_t wire[128], back[128];
    auto n = client->wrap(plain, wire, 0);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(hex(Bytes(wire, *n)), read_text("facts/a2-tls-crypt-client-reset.hex"));
    auto server = TlsCrypt::create(key.bytes, Role::Server, 5);
    auto big = unhex("20 0102030405060708 01 00000000 7b074a04764b93ed 00000001");
    big.resize(big.size() + 1000, 0xab);
    n = server->wrap(big, wire, 0);
    ASSERT_FALSE(n.ok()); // 128 bytes is too small
    EXPECT_EQ(n.error(), Drop::NoRoom);
    std::vector<std::uint8_t> wbuf(2000), pbuf(2000);
    n = server->wrap(big, wbuf, 0);
    ASSERT_TRUE(n.ok());
    auto m = client->unwrap(Bytes(wbuf.data(), *n), pbuf, 0);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(hex(Bytes(pbuf.data(), *m)), hex(big));
    (void)back;
}

TEST(TlsCryptV2, Unwraps26V3ResetAndParsesIt)
{
    const std::string pem = read_text("facts/a6-keys.pem");
    auto server_key = crypto::parse_tls_crypt_v2_server_key(pem);
    ASSERT_TRUE(server_key.ok()) << server_key.error();
    auto client_key = crypto::parse_tls_crypt_v2_client_key(pem);
    ASSERT_TRUE(client_key.ok()) << client_key.error();
    auto pkt = unhex(read_text("facts/a6-v3-client-reset.hex"));
    ASSERT_EQ(pkt.size(), 353u);

    auto split = split_wkc(pkt);
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(split->wkc.size(), 299u);
    EXPECT_EQ(hex(split->wkc), hex(client_key->wkc));
    auto un = unwrap_client_key(*server_key, split->wkc);
    ASSERT_TRUE(un.ok()) << to_string(un.error());
    EXPECT_EQ(hex(un->metadata), "01000000006b073874");
    EXPECT_EQ(hex(un->kc.span()), hex(client_key->kc.bytes.span()));

    auto server = TlsCrypt::create(un->kc, Role::Server, 1);
    ASSERT_TRUE(server.ok());
    std::uint8_t plain[64];
    auto n = server->unwrap(split->packet, plain, 0);
    ASSERT_TRUE(n.ok()) << to_string(n.error());
    EXPECT_TRUE(supports_early_negotiation(server->last_packet_id().id));
    EXPECT_EQ(server->last_packet_id().id, 0x0f000001u);
    auto cp = parse_control(Bytes(plain, *n));
    ASSERT_TRUE(cp.ok());
    EXPECT_EQ(cp->opcode, Opcode::ControlHardResetClientV3);
    EXPECT_EQ(hex(cp->session_id), "b39ea7b557e10370");

    // The server's reply opens with the client's view of Kc.
    auto reply = unhex(read_text("facts/a6-server-reset.hex"));
    auto client = TlsCrypt::create(client_key->kc.bytes, Role::Client, 1);
    n = client->unwrap(reply, plain, 0);
    ASSERT_TRUE(n.ok()) << to_string(n.error());
    cp = parse_control(Bytes(plain, *n));
    ASSERT_TRUE(cp.ok());
    EXPECT_EQ(cp->opcode, Opcode::ControlHardResetServerV2);
    EXPECT_EQ(cp->num_acks, 1);
    EXPECT_EQ(hex(cp->remote_session_id), "b39ea7b557e10370");
    auto en = parse_early_negotiation(cp->payload);
    ASSERT_TRUE(en.ok());
    EXPECT_EQ(en->flags, kEarlyNegFlagResendWkc);

    // One flipped bit anywhere in WKc is refused.
    for (std::size_t i = 0; i + 2 < split->wkc.size(); i += 13) {
        std::vector<std::uint8_t> bad(split->wkc.begin(), split->wkc.end());
        bad[i] ^= 0x04;
        EXPECT_EQ(unwrap_client_key(*server_key, bad).error(), WkcError::BadTag) << i;
    }
    std::vector<std::uint8_t> bad_len(split->wkc.begin(), split->wkc.end());
    bad_len.back() ^= 1;
    EXPECT_FALSE(unwrap_client_key(*server_key, bad_len).ok());
    EXPECT_FALSE(split_wkc(unhex("0001")).ok());
    EXPECT_FALSE(split_wkc(unhex("01 2b")).ok());
}

TEST(TlsCryptV2, WrapRoundTripAndLimits)
{
    std::vector<std::uint8_t> server(128, 0x11), kc(256, 0x22);
    auto md = timestamp_metadata(0x0102030405060708);
    EXPECT_EQ(hex(md), "010102030405060708");
    auto wkc = wrap_client_key(server, kc, md);
    ASSERT_TRUE(wkc.ok());
    EXPECT_EQ(wkc->size(), 299u);
    EXPECT_EQ(hex(Bytes(wkc->data() + 297, 2)), "012b");
    auto un = unwrap_client_key(server, *wkc);
    ASSERT_TRUE(un.ok());
    EXPECT_EQ(hex(un->metadata), hex(md));
    std::vector<std::uint8_t> other(128, 0x12);
    EXPECT_EQ(unwrap_client_key(other, *wkc).error(), WkcError::BadTag);
    std::vector<std::uint8_t> big_md(kTlsCryptV2MaxMetadataLen, 0);
    auto max = wrap_client_key(server, kc, big_md);
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(max->size(), kTlsCryptV2MaxWkcLen);
    EXPECT_TRUE(unwrap_client_key(server, *max).ok());
    big_md.push_back(0);
    EXPECT_EQ(wrap_client_key(server, kc, big_md).error(), WkcError::TooLong);
    EXPECT_EQ(wrap_client_key(kc, kc, md).error(), WkcError::BadServerKey);
}

} // namespace
} // namespace ovpn::wire
