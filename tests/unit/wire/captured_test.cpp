// Packets captured from Debian's OpenVPN 2.6 by tests/vectors/regen.sh:
// the first control packets of a client with tls-auth / tls-crypt /
// tls-crypt-v2, and a p2p --secret tunnel (AES-256-CBC + SHA256) carrying pings.
#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/crypto/key_expansion.hpp"
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/tls_auth.hpp"
#include "openvpn/wire/tls_crypt.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace ovpn::wire {
namespace {

using test::read_text;
using test::unhex;

std::vector<std::vector<std::uint8_t>> packets(const std::string& name)
{
    std::vector<std::vector<std::uint8_t>> out;
    std::istringstream in(read_text("captured/" + name));
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.push_back(unhex(line));
    return out;
}

crypto::StaticKey key(const std::string& name)
{
    auto k = crypto::parse_static_key(read_text("captured/" + name));
    EXPECT_TRUE(k.ok()) << name;
    return std::move(*k);
}

void expect_client_reset(Bytes plain, Opcode op)
{
    auto cp = parse_control(plain);
    ASSERT_TRUE(cp.ok()) << to_string(cp.error());
    EXPECT_EQ(cp->opcode, op);
    EXPECT_EQ(cp->key_id, 0);
    EXPECT_EQ(cp->num_acks, 0);
    EXPECT_EQ(cp->message_id, 0u); // a retransmission keeps msg-id 0
    EXPECT_TRUE(is_defined(cp->session_id));
}

TEST(Captured26, TlsAuthClientResets)
{
    auto pkts = packets("tls-auth-client.hex");
    ASSERT_GE(pkts.size(), 2u);
    auto k = key("tls-auth.key");
    auto s = crypto::key_slices(k, crypto::KeyDirection::Normal); // the server's side
    auto ta = TlsAuth::create("SHA1", s.send_hmac, s.recv_hmac, 0);
    ASSERT_TRUE(ta.ok());
    std::uint32_t expect_id = 1;
    for (auto& p : pkts) {
        std::uint8_t plain[256];
        auto n = ta->unwrap(p, plain, 0);
        ASSERT_TRUE(n.ok()) << to_string(n.error());
        EXPECT_EQ(ta->last_packet_id().id, expect_id++); // fresh replay id per transmission
        expect_client_reset(Bytes(plain, *n), Opcode::ControlHardResetClientV2);
        EXPECT_EQ(ta->unwrap(p, plain, 0).error(), Drop::Replay);
        auto bad = p;
        bad[bad.size() / 2] ^= 0x01;
        auto fresh = TlsAuth::create("SHA1", s.send_hmac, s.recv_hmac, 0);
        EXPECT_EQ(fresh->unwrap(bad, plain, 0).error(), Drop::BadHmac);
    }
}

TEST(Captured26, TlsCryptClientResets)
{
    auto pkts = packets("tls-crypt-client.hex");
    ASSERT_GE(pkts.size(), 2u);
    auto k = key("tls-crypt.key");
    auto tc = TlsCrypt::create(k.bytes, Role::Server, 0);
    ASSERT_TRUE(tc.ok());
    for (auto& p : pkts) {
        std::uint8_t plain[256];
        auto n = tc->unwrap(p, plain, 0);
        ASSERT_TRUE(n.ok()) << to_string(n.error());
        expect_client_reset(Bytes(plain, *n), Opcode::ControlHardResetClientV2);
        EXPECT_EQ(tc->unwrap(p, plain, 0).error(), Drop::Replay);
        auto bad = p;
        bad.back() ^= 0x80;
        auto fresh = TlsCrypt::create(k.bytes, Role::Server, 0);
        EXPECT_EQ(fresh->unwrap(bad, plain, 0).error(), Drop::BadTag);
    }
}

TEST(Captured26, TlsCryptV2ClientResets)
{
    auto pkts = packets("tls-crypt-v2-client.hex");
    ASSERT_GE(pkts.size(), 2u);
    auto server_key = crypto::parse_tls_crypt_v2_server_key(read_text("captured/tc2-server.key"));
    auto client_key = crypto::parse_tls_crypt_v2_client_key(read_text("captured/tc2-client.key"));
    ASSERT_TRUE(server_key.ok() && client_key.ok());
    for (auto& p : pkts) {
        auto opened = open_wkc_packet(*server_key, p);
        ASSERT_TRUE(opened.ok()) << to_string(opened.error());
        EXPECT_EQ(opened->key.metadata.size(), 9u); // 2.6's default timestamp
        auto tc = TlsCrypt::create(opened->key.kc, Role::Server, 0);
        std::uint8_t plain[256];
        auto n = tc->unwrap(opened->packet, plain, 0);
        ASSERT_TRUE(n.ok()) << to_string(n.error());
        EXPECT_TRUE(supports_early_negotiation(tc->last_packet_id().id));
        expect_client_reset(Bytes(plain, *n), Opcode::ControlHardResetClientV3);
        auto bad = p;
        bad[20] ^= 0x02; // in the tag of the tls-crypt part
        auto o2 = open_wkc_packet(*server_key, bad);
        ASSERT_TRUE(o2.ok());
        auto tc2 = TlsCrypt::create(o2->key.kc, Role::Server, 0);
        EXPECT_EQ(tc2->unwrap(o2->packet, plain, 0).error(), Drop::BadTag);
        bad = p;
        bad[bad.size() - 100] ^= 0x02; // in WKc
        EXPECT_FALSE(open_wkc_packet(*server_key, bad).ok());
    }
    // The client key file's Kc is what the server unwrapped.
    auto opened = open_wkc_packet(*server_key, pkts[0]);
    EXPECT_EQ(test::hex(opened->key.kc.span()), test::hex(client_key->kc.bytes.span()));
}

TEST(Captured26, StaticKeyTunnelCarriesPings)
{
    auto pkts = packets("secret-aes256cbc-sha256.hex");
    ASSERT_GE(pkts.size(), 6u);
    auto k = key("secret.key");
    auto keys = crypto::static_data_keys(k, crypto::KeyDirection::Bidirectional, "AES-256-CBC", "SHA256");
    ASSERT_TRUE(keys.ok()) << keys.error();
    crypto::DataChannelConfig cfg;
    cfg.header = crypto::DataHeader::None;
    cfg.long_packet_id = true;
    int echo_requests = 0, echo_replies = 0;
    for (auto& p : pkts) {
        auto dc = crypto::DataChannel::create(*keys, cfg);
        ASSERT_TRUE(dc.ok());
        PacketBuf buf;
        ASSERT_TRUE(buf.append(p));
        auto r = dc->decrypt(buf, 0);
        ASSERT_TRUE(r.ok()) << to_string(r.error());
        Bytes ip = buf.span();
        if (ip.size() >= 28 && ip[0] == 0x45 && ip[9] == 1) {
            if (ip[20] == 8)
                ++echo_requests;
            if (ip[20] == 0)
                ++echo_replies;
            EXPECT_EQ(ip[12], 10); // 10.91.1.x
            EXPECT_EQ(ip[13], 91);
            // The same packet again is refused by the replay window.
            PacketBuf again;
            ASSERT_TRUE(again.append(p));
            EXPECT_EQ(dc->decrypt(again, 0).error(), Drop::Replay);
        }
        auto bad = p;
        bad[40] ^= 0x01;
        auto fresh = crypto::DataChannel::create(*keys, cfg);
        PacketBuf b2;
        ASSERT_TRUE(b2.append(bad));
        EXPECT_EQ(fresh->decrypt(b2, 0).error(), Drop::BadHmac);
    }
    EXPECT_GE(echo_requests, 3);
    EXPECT_GE(echo_replies, 3);
}

} // namespace
} // namespace ovpn::wire
