// --secret key set-up: direction slices, 2.6's default cipher and a missing
// key file.
#include <gtest/gtest.h>

#include "openvpn/client/setup.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/options/parser.hpp"

using namespace ovpn;
using namespace ovpn::client;

namespace {

std::string key_file()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/vectors/captured/secret.key";
}

Result<data::DataKeys> keys_for(std::vector<std::string> extra)
{
    std::vector<std::string> args = {"--dev", "null", "--ifconfig", "10.1.0.1", "10.1.0.2"};
    args.insert(args.end(), extra.begin(), extra.end());
    Logger log(stderr);
    log.set_verb(0);
    auto o = options::parse_config(args, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    if (!o)
        return Err(o.error());
    return static_mode_keys(*o);
}

} // namespace

TEST(StaticModeKeys, DirectionsPickOppositeSlices)
{
    auto k0 = keys_for({"--secret", key_file(), "0", "--cipher", "AES-256-CBC", "--auth", "SHA256"});
    auto k1 = keys_for({"--secret", key_file(), "1", "--cipher", "AES-256-CBC", "--auth", "SHA256"});
    auto kb = keys_for({"--secret", key_file(), "--cipher", "AES-256-CBC", "--auth", "SHA256"});
    ASSERT_TRUE(k0) << k0.error();
    ASSERT_TRUE(k1) << k1.error();
    ASSERT_TRUE(kb) << kb.error();
    EXPECT_EQ(k0->key_id, 0);
    EXPECT_EQ(k0->cipher_name, "AES-256-CBC");
    EXPECT_EQ(k0->auth_name, "SHA256");
    EXPECT_EQ(k0->encrypt.cipher_key.size(), 32u);
    EXPECT_EQ(k0->encrypt.hmac_key.size(), 32u);
    // What direction 0 sends, direction 1 receives, and the other way round.
    EXPECT_TRUE(std::equal(k0->encrypt.cipher_key.span().begin(), k0->encrypt.cipher_key.span().end(),
                           k1->decrypt.cipher_key.span().begin()));
    EXPECT_TRUE(std::equal(k1->encrypt.hmac_key.span().begin(), k1->encrypt.hmac_key.span().end(),
                           k0->decrypt.hmac_key.span().begin()));
    EXPECT_FALSE(std::equal(k0->encrypt.cipher_key.span().begin(), k0->encrypt.cipher_key.span().end(),
                            k0->decrypt.cipher_key.span().begin()));
    // No direction: keys[0] both ways, the same as direction 0 sends.
    EXPECT_TRUE(std::equal(kb->encrypt.cipher_key.span().begin(), kb->encrypt.cipher_key.span().end(),
                           kb->decrypt.cipher_key.span().begin()));
    EXPECT_TRUE(std::equal(kb->encrypt.cipher_key.span().begin(), kb->encrypt.cipher_key.span().end(),
                           k0->encrypt.cipher_key.span().begin()));
}

// (AEAD, CFB and OFB never get here: admission refuses them, as 2.6 does;
// tests/unit/options/ports_ciphers_test.cpp.)
TEST(StaticModeKeys, DefaultCipherIsAClearError)
{
    auto bf = keys_for({"--secret", key_file()});
    if (bf) {
        EXPECT_EQ(bf->cipher_name, "BF-CBC"); // an OpenSSL with the legacy provider loaded
    } else {
        EXPECT_NE(bf.error().find("BF-CBC"), std::string::npos) << bf.error();
        EXPECT_NE(bf.error().find("--cipher"), std::string::npos) << bf.error();
    }
    auto missing = keys_for({"--secret", "/nonexistent/secret.key", "--cipher", "AES-256-CBC"});
    EXPECT_FALSE(missing);
}
