// crypto/catalog.hpp and the CFB/OFB framing of crypto/data_channel.hpp.
#include "openvpn/crypto/catalog.hpp"
#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/crypto/tls_names.hpp"
#include "openvpn/wire/evp.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ovpn::crypto {
namespace {

using test::hex;

const CipherFacts* find(const std::vector<CipherFacts>& v, const std::string& name)
{
    auto it = std::find_if(v.begin(), v.end(), [&](const CipherFacts& c) { return c.name == name; });
    return it == v.end() ? nullptr : &*it;
}

TEST(Catalog, ClassifiesCiphersAs26Does)
{
    const auto all = data_channel_ciphers();
    ASSERT_FALSE(all.empty());
    const auto* gcm = find(all, "AES-256-GCM");
    ASSERT_NE(gcm, nullptr);
    EXPECT_EQ(gcm->mode, CipherMode::Aead);
    EXPECT_EQ(gcm->block_bytes, 16); // AES-256-CBC's block, not OpenSSL's 1
    EXPECT_EQ(gcm->key_bytes, 32);
    const auto* chacha = find(all, "CHACHA20-POLY1305"); // 2.6's spelling
    ASSERT_NE(chacha, nullptr);
    EXPECT_EQ(chacha->block_bytes, 1);
    EXPECT_FALSE(chacha->insecure);
    const auto* cfb1 = find(all, "AES-128-CFB1");
    ASSERT_NE(cfb1, nullptr);
    EXPECT_EQ(cfb1->mode, CipherMode::CfbOfb);
    EXPECT_EQ(cfb1->block_bytes, 16);
    const auto* des = find(all, "DES-EDE3-CBC");
    ASSERT_NE(des, nullptr);
    EXPECT_TRUE(des->insecure);
    EXPECT_EQ(des->mode, CipherMode::Cbc);
    for (const char* not_data : {"AES-128-ECB", "AES-128-CTR", "AES-128-XTS", "AES-128-CBC-CTS",
                                 "AES-128-OCB", "AES-128-CBC-HMAC-SHA1", "AES-128-WRAP", "ChaCha20"})
        EXPECT_EQ(find(all, not_data), nullptr) << not_data;
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const CipherFacts& a, const CipherFacts& b) {
        return a.lib_name < b.lib_name;
    }));
}

TEST(Catalog, LooksUpAnySpelling)
{
    auto c = cipher_facts("chacha20-poly1305");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->name, "CHACHA20-POLY1305");
    auto a = cipher_facts("aes256"); // an OpenSSL alias of AES-256-CBC
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->name, "AES-256-CBC");
    EXPECT_FALSE(cipher_facts("AES-256-ECB").has_value());
    EXPECT_FALSE(cipher_facts("NOPE").has_value());
}

TEST(Catalog, DigestsUse26Names)
{
    const auto all = all_digests();
    auto has = [&](const char* n, int size) {
        return std::any_of(all.begin(), all.end(),
                           [&](const DigestFacts& d) { return d.name == n && d.size_bytes == size; });
    };
    EXPECT_TRUE(has("SHA256", 32));
    EXPECT_TRUE(has("SHA512-256", 32));
    EXPECT_TRUE(has("BLAKE2s256", 32));
    EXPECT_TRUE(has("MD5-SHA1", 36));
    EXPECT_FALSE(has("SHA2-256", 32));
}

TEST(TlsNames, TranslatesBothWays)
{
    const auto* s = find_tls_suite("ECDHE-RSA-AES256-GCM-SHA384");
    ASSERT_NE(s, nullptr);
    EXPECT_STREQ(s->iana, "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384");
    EXPECT_EQ(find_tls_suite("TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"), s);
    EXPECT_EQ(find_tls_suite("ECDHE-ARIA256-GCM-SHA384"), nullptr); // 2.6 has no IANA name for it
    std::vector<std::string> renamed;
    EXPECT_EQ(tls_cipher_list_to_openssl("TLS-DHE-RSA-WITH-AES-128-CBC-SHA:ECDHE-RSA-AES256-GCM-SHA384:FOO",
                                         &renamed),
              "DHE-RSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:FOO");
    EXPECT_EQ(renamed, std::vector<std::string>{"ECDHE-RSA-AES256-GCM-SHA384"});
    EXPECT_EQ(tls13_list_to_openssl("TLS-AES-256-GCM-SHA384"), "TLS_AES_256_GCM_SHA384");
    EXPECT_EQ(tls_security_level(""), 1);
    EXPECT_EQ(tls_security_level("preferred"), 2);
    EXPECT_FALSE(tls_security_level("bogus").has_value());
}

// A CFB packet as 2.6's openvpn_encrypt_v1 lays it out, built here with
// OpenSSL directly: HMAC(IV || ct) | IV = id || time || 0... | CFB(payload).
TEST(DataChannelCfb, WireFormatIsHmacIvCiphertext)
{
    data::DataKeys k;
    k.cipher_name = "AES-128-CFB";
    k.auth_name = "SHA1";
    k.cipher = data::CipherAlg::CbcHmac;
    const std::vector<std::uint8_t> key(16, 0x42), hkey(20, 0x17);
    k.encrypt.cipher_key = SecureBytes(key);
    k.encrypt.hmac_key = SecureBytes(hkey);
    k.decrypt = k.encrypt;
    DataChannelConfig cfg;
    cfg.header = DataHeader::None;
    cfg.long_packet_id = true;
    cfg.session_time = 0x01020304;
    auto dc = DataChannel::create(k, cfg);
    ASSERT_TRUE(dc.ok()) << dc.error();
    const std::vector<std::uint8_t> payload{'h', 'e', 'l', 'l', 'o'};
    PacketBuf buf;
    ASSERT_TRUE(buf.append(payload));
    ASSERT_TRUE(dc->encrypt(buf, 0).ok());
    ASSERT_EQ(buf.size(), 20u + 16u + payload.size()); // no packet id inside, no padding
    const std::vector<std::uint8_t> iv{0, 0, 0, 1, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(hex(buf.span().subspan(20, 16)), hex(iv));
    wire::CipherPtr c{EVP_CIPHER_fetch(nullptr, "AES-128-CFB", nullptr)};
    wire::CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
    std::vector<std::uint8_t> ct(payload.size());
    int outl = 0;
    ASSERT_EQ(EVP_EncryptInit_ex2(ctx.get(), c.get(), key.data(), iv.data(), nullptr), 1);
    ASSERT_EQ(
        EVP_EncryptUpdate(ctx.get(), ct.data(), &outl, payload.data(), static_cast<int>(payload.size())), 1);
    EXPECT_EQ(hex(buf.span().subspan(36)), hex(ct));
    auto mac = wire::Hmac::create("SHA1", hkey);
    ASSERT_TRUE(mac.ok());
    std::vector<std::uint8_t> expect(20);
    ASSERT_TRUE(mac->compute({buf.span().subspan(20)}, expect));
    EXPECT_EQ(hex(buf.span().first(20)), hex(expect));
    ASSERT_TRUE(dc->decrypt(buf, 0).ok());
    EXPECT_EQ(hex(buf.span()), hex(payload));
}

TEST(DataChannelCfb, RefusesAnEmptyPayload)
{
    data::DataKeys k;
    k.cipher_name = "AES-256-OFB";
    k.auth_name = "none";
    k.cipher = data::CipherAlg::CbcHmac;
    k.encrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(32, 1));
    k.decrypt = k.encrypt;
    auto dc = DataChannel::create(k, {});
    ASSERT_TRUE(dc.ok()) << dc.error();
    PacketBuf only_iv;
    ASSERT_TRUE(only_iv.append(std::vector<std::uint8_t>(4 + 16, 0)));
    only_iv.data()[0] = 0x48; // P_DATA_V2, key id 0
    EXPECT_EQ(dc->decrypt(only_iv, 0).error(), wire::Drop::TooShort);
}

} // namespace
} // namespace ovpn::crypto
