#include "openvpn/crypto/genkey.hpp"
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/pem.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>

namespace ovpn::crypto {
namespace {

using test::hex;
using test::read_text;

TEST(StaticKey, ReadsA26KeyAndWritesItBackByteForByte)
{
    const std::string text = read_text("keys/static-2.6.key");
    ASSERT_FALSE(text.empty());
    auto key = parse_static_key(text);
    ASSERT_TRUE(key.ok()) << key.error();
    EXPECT_EQ(key->bytes.size(), 256u);
    EXPECT_EQ(format_static_key(*key), text);
}

TEST(StaticKey, AcceptsAnyWhitespaceAndLeadingComments)
{
    std::string text = "garbage before\n-----BEGIN OpenVPN Static key V1-----\n";
    for (int i = 0; i < 256; ++i)
        text += (i % 3 == 0) ? "0A \t" : "0a\r\n";
    text += "-----END OpenVPN Static key V1-----";
    auto key = parse_static_key(text);
    ASSERT_TRUE(key.ok()) << key.error();
    EXPECT_EQ(key->bytes[255], 0x0a);
}

TEST(StaticKey, RejectsBadFiles)
{
    const std::string good = read_text("keys/static-2.6.key");
    EXPECT_FALSE(parse_static_key("").ok());
    std::string no_end = good.substr(0, good.find("-----END"));
    EXPECT_FALSE(parse_static_key(no_end).ok());
    std::string short_key = good;
    short_key.erase(short_key.find("-----BEGIN") + 38, 33); // drop one line = 16 bytes
    EXPECT_FALSE(parse_static_key(short_key).ok());
    std::string bad_char = good;
    bad_char[bad_char.find("-----BEGIN") + 40] = 'x';
    auto r = parse_static_key(bad_char);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("non-hex"), std::string::npos);
    std::string odd = good;
    odd.insert(odd.find("-----END"), "a");
    EXPECT_FALSE(parse_static_key(odd).ok());
}

TEST(StaticKey, DirectionSlicesFollowTheSpec)
{
    StaticKey key;
    key.bytes.resize(256);
    for (int i = 0; i < 256; ++i)
        key.bytes[i] = static_cast<std::uint8_t>(i);
    auto n = key_slices(key, KeyDirection::Normal);
    EXPECT_EQ(n.send_cipher[0], 0);
    EXPECT_EQ(n.send_hmac[0], 64);
    EXPECT_EQ(n.recv_cipher[0], 128);
    EXPECT_EQ(n.recv_hmac[0], 192);
    auto inv = key_slices(key, KeyDirection::Inverse);
    EXPECT_EQ(inv.send_hmac[0], 192);
    EXPECT_EQ(inv.recv_hmac[0], 64);
    auto bi = key_slices(key, KeyDirection::Bidirectional);
    EXPECT_EQ(bi.send_hmac[0], 64);
    EXPECT_EQ(bi.recv_hmac[0], 64);
    EXPECT_EQ(n.send_cipher.size(), 64u);
    EXPECT_TRUE(parse_key_direction("0").ok());
    EXPECT_EQ(*parse_key_direction("1"), KeyDirection::Inverse);
    EXPECT_FALSE(parse_key_direction("2").ok());
}

TEST(StaticKey, GeneratedKeysDifferAndRoundTrip)
{
    auto a = generate_static_key();
    auto b = generate_static_key();
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(hex(a->bytes.span()), hex(b->bytes.span()));
    auto back = parse_static_key(format_static_key(*a));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(hex(back->bytes.span()), hex(a->bytes.span()));
}

TEST(Pem, RoundTripAndRejects)
{
    std::vector<std::uint8_t> data(128);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<std::uint8_t>(i * 7);
    std::string text = pem_encode("TEST LABEL", data);
    EXPECT_EQ(text.substr(0, 27), "-----BEGIN TEST LABEL-----\n");
    auto back = pem_decode("TEST LABEL", text);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(hex(back->span()), hex(data));
    EXPECT_FALSE(pem_decode("OTHER", text).ok());
    EXPECT_FALSE(base64_decode("abc").ok());
    EXPECT_FALSE(base64_decode("ab!d").ok());
    auto hello = base64_decode("aGVsbG8=");
    ASSERT_TRUE(hello.ok());
    EXPECT_EQ(hex(hello->span()), "68656c6c6f");
    auto hi = base64_decode("aGk=");
    ASSERT_TRUE(hi.ok());
    EXPECT_EQ(hex(hi->span()), "6869");
}

TEST(KeyFiles, Reads26PemKeysAndWritesTheClientKeyBack)
{
    auto server = parse_tls_crypt_v2_server_key(read_text("keys/tc2-server-2.6.key"));
    ASSERT_TRUE(server.ok()) << server.error();
    EXPECT_EQ(server->size(), 128u);
    auto token = parse_auth_token_key(read_text("keys/auth-token-2.6.key"));
    ASSERT_TRUE(token.ok()) << token.error();
    const std::string client_text = read_text("keys/tc2-client-2.6.key");
    auto client = parse_tls_crypt_v2_client_key(client_text);
    ASSERT_TRUE(client.ok()) << client.error();
    EXPECT_EQ(client->wkc.size(), 299u);
    EXPECT_EQ(format_tls_crypt_v2_client_key(*client), client_text);
    EXPECT_FALSE(parse_tls_crypt_v2_server_key(client_text).ok());
}

TEST(KeyFiles, UnwrapsClientKeysMadeBy26)
{
    auto server = parse_tls_crypt_v2_server_key(read_text("keys/tc2-server-2.6.key"));
    ASSERT_TRUE(server.ok());
    auto client = parse_tls_crypt_v2_client_key(read_text("keys/tc2-client-2.6.key"));
    ASSERT_TRUE(client.ok());
    auto un = wire::unwrap_client_key(*server, client->wkc);
    ASSERT_TRUE(un.ok()) << wire::to_string(un.error());
    EXPECT_EQ(hex(un->kc.span()), hex(client->kc.bytes.span()));
    ASSERT_EQ(un->metadata.size(), 9u);
    EXPECT_EQ(un->metadata[0], wire::kMetadataTypeTimestamp);

    auto meta = parse_tls_crypt_v2_client_key(read_text("keys/tc2-client-meta-2.6.key"));
    ASSERT_TRUE(meta.ok());
    auto un2 = wire::unwrap_client_key(*server, meta->wkc);
    ASSERT_TRUE(un2.ok());
    EXPECT_EQ(hex(un2->metadata), "0068656c6c6f"); // type 0 + "hello"

    auto flipped = client->wkc;
    flipped[40] ^= 0x01;
    auto bad = wire::unwrap_client_key(*server, flipped);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), wire::WkcError::BadTag);
}

TEST(Genkey, EveryTypeProducesAFileWeCanReadBack)
{
    for (auto t : {"secret", "tls-auth", "tls-crypt"}) {
        auto type = parse_genkey_type(t);
        ASSERT_TRUE(type.ok());
        auto text = genkey_text(*type, {});
        ASSERT_TRUE(text.ok());
        EXPECT_EQ(text->rfind("#\n# 2048 bit OpenVPN static key\n#\n", 0), 0u);
        EXPECT_TRUE(parse_static_key(*text).ok());
    }
    auto server_text = genkey_text(GenkeyType::TlsCryptV2Server, {});
    ASSERT_TRUE(server_text.ok());
    auto server = parse_tls_crypt_v2_server_key(*server_text);
    ASSERT_TRUE(server.ok());
    auto token = genkey_text(GenkeyType::AuthToken, {});
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(parse_auth_token_key(*token).ok());

    GenkeyInput in;
    in.server_key_text = *server_text;
    in.now_unix = 0x6b073874;
    auto client_text = genkey_text(GenkeyType::TlsCryptV2Client, in);
    ASSERT_TRUE(client_text.ok()) << client_text.error();
    auto client = parse_tls_crypt_v2_client_key(*client_text);
    ASSERT_TRUE(client.ok());
    auto un = wire::unwrap_client_key(*server, client->wkc);
    ASSERT_TRUE(un.ok());
    EXPECT_EQ(hex(un->metadata), "01000000006b073874");

    in.metadata_base64 = "aGVsbG8=";
    client_text = genkey_text(GenkeyType::TlsCryptV2Client, in);
    ASSERT_TRUE(client_text.ok());
    client = parse_tls_crypt_v2_client_key(*client_text);
    ASSERT_TRUE(client.ok());
    un = wire::unwrap_client_key(*server, client->wkc);
    ASSERT_TRUE(un.ok());
    EXPECT_EQ(hex(un->metadata), "0068656c6c6f");

    in.metadata_base64 = std::string(1000, 'A');
    EXPECT_FALSE(genkey_text(GenkeyType::TlsCryptV2Client, in).ok());
    EXPECT_FALSE(genkey_text(GenkeyType::TlsCryptV2Client, {}).ok());
    EXPECT_FALSE(parse_genkey_type("bogus").ok());
}

} // namespace
} // namespace ovpn::crypto
