#include "openvpn/crypto/key_files.hpp"
#include "openvpn/wire/session_cookie.hpp"
#include "openvpn/wire/tls_crypt.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>

namespace ovpn::wire {
namespace {

using test::hex;
using test::read_text;
using test::unhex;

TEST(SessionCookie, RecomputesWithinTheWindowOnly)
{
    auto c = SessionCookie::create(std::vector<std::uint8_t>(32, 7));
    ASSERT_TRUE(c.ok());
    const auto addr = unhex("0002 0a5b0001 04d2");
    const SessionId client{1, 2, 3, 4, 5, 6, 7, 8};
    const SessionId sid = c->compute(1000, 60, addr, client);
    EXPECT_TRUE(is_defined(sid));
    EXPECT_EQ(sid, c->compute(1000, 60, addr, client)); // deterministic
    EXPECT_TRUE(c->verify(1000, 60, addr, client, sid));
    EXPECT_TRUE(c->verify(1000 + 60, 60, addr, client, sid));  // two slots later
    EXPECT_FALSE(c->verify(1000 + 90, 60, addr, client, sid)); // three slots later
    EXPECT_FALSE(c->verify(1000 - 30, 60, addr, client, sid)); // from the future
    EXPECT_FALSE(c->verify(1000, 60, unhex("0002 0a5b0002 04d2"), client, sid));
    const SessionId other{1, 2, 3, 4, 5, 6, 7, 9};
    EXPECT_FALSE(c->verify(1000, 60, addr, other, sid));
    auto d = SessionCookie::generate();
    ASSERT_TRUE(d.ok());
    EXPECT_NE(sid, d->compute(1000, 60, addr, client));
    EXPECT_FALSE(SessionCookie::create(std::vector<std::uint8_t>(16, 0)).ok());
}

TEST(SessionCookie, ReplyChecks)
{
    ControlPacket p;
    p.opcode = Opcode::ControlV1;
    p.num_acks = 1;
    p.acks[0] = 0;
    p.message_id = 1;
    EXPECT_TRUE(cookie_reply_ok(p));
    p.acks[0] = 2;
    EXPECT_FALSE(cookie_reply_ok(p));
    p.acks[0] = 0;
    p.message_id = 2;
    EXPECT_FALSE(cookie_reply_ok(p));
    p.message_id = 1;
    p.key_id = 1;
    EXPECT_FALSE(cookie_reply_ok(p));
    p.key_id = 0;
    p.num_acks = 0;
    EXPECT_FALSE(cookie_reply_ok(p));
}

TEST(TlsCryptV2, ClientBuildsV3AndServerOpensIt)
{
    const std::string pem = read_text("facts/a6-keys.pem");
    auto server_key = crypto::parse_tls_crypt_v2_server_key(pem);
    auto client_key = crypto::parse_tls_crypt_v2_client_key(pem);
    ASSERT_TRUE(server_key.ok() && client_key.ok());
    auto client = TlsCrypt::create(client_key->kc.bytes, Role::Client, 0x6b0739ab);
    ASSERT_TRUE(client.ok());
    client->send_counter() = PacketIdSend(0x6b0739ab, kEarlyNegStart);
    auto plain = unhex("50 b39ea7b557e10370 00 00000000");
    std::vector<std::uint8_t> out(512);
    auto n = client->wrap_with_wkc(plain, client_key->wkc, out, 0);
    ASSERT_TRUE(n.ok());
    // Same time, id and plaintext as 2.6's V3 reset: identical bytes.
    EXPECT_EQ(hex(Bytes(out.data(), *n)), read_text("facts/a6-v3-client-reset.hex"));
    auto opened = open_wkc_packet(*server_key, Bytes(out.data(), *n));
    ASSERT_TRUE(opened.ok());
    auto server = TlsCrypt::create(opened->key.kc, Role::Server, 1);
    std::vector<std::uint8_t> back(512);
    auto m = server->unwrap(opened->packet, back, 0);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(hex(Bytes(back.data(), *m)), hex(plain));
    out[*n - 5] ^= 1; // inside WKc
    EXPECT_EQ(open_wkc_packet(*server_key, Bytes(out.data(), *n)).error(), WkcError::BadTag);
    EXPECT_EQ(client->wrap_with_wkc(plain, client_key->wkc, MutBytes(out.data(), 100), 0).error(),
              Drop::NoRoom);
}

} // namespace
} // namespace ovpn::wire
