// control/dynamic_wrap: 2.6's dynamic tls-crypt key (tls_crypt.c
// tls_session_generate_dynamic_tls_crypt_key) and its direction of use.
//
// The vectors were computed outside our code, with the openssl CLI, from
// 2.6's definition: K = EKM ^ original wrap key (struct key2, all 256
// bytes), used as a tls-crypt key with the server on keys[0] (key direction
// NORMAL: Ke = K[0..32), Ka = K[64..96)) and the client on keys[1]
// (K[128..160), K[192..224)); the packet is P_CONTROL_SOFT_RESET_V1 of key
// id 1 (byte 0x19), session id 01..08, no ACKs, message id 0, packet id 1
// at time 0x5f000000:
//   tag = HMAC-SHA256(Ka, 19 0102030405060708 00000001 5f000000 || 00 00000000)
//   ct  = AES-256-CTR(Ke, iv = tag[0..16), 00 00000000)
#include "openvpn/control/dynamic_wrap.hpp"

#include <array>

#include <gtest/gtest.h>

#include "unit/crypto/test_util.hpp"

using namespace ovpn;
using namespace ovpn::control;

namespace {

constexpr std::uint32_t kTime = 0x5f000000;

std::vector<std::uint8_t> ekm_bytes()
{
    std::vector<std::uint8_t> e(256);
    for (std::size_t i = 0; i < e.size(); ++i)
        e[i] = static_cast<std::uint8_t>(i);
    return e;
}

std::vector<std::uint8_t> original_bytes()
{
    std::vector<std::uint8_t> o(256);
    for (std::size_t i = 0; i < o.size(); ++i)
        o[i] = static_cast<std::uint8_t>((i * 37) ^ (i >> 3));
    return o;
}

const std::array<std::uint8_t, 14> kSoftReset = {0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0};

std::string wrap_hex(ControlWrap& w)
{
    std::vector<std::uint8_t> out(kSoftReset.size() + w.overhead());
    auto n = w.wrap(kSoftReset, out, kTime + 100);
    EXPECT_TRUE(n);
    out.resize(n ? *n : 0);
    return test::hex(out);
}

} // namespace

TEST(DynamicTlsCrypt, KeyIsTheExporterOutputXorTheOriginalKey)
{
    auto e = ekm_bytes();
    auto o = original_bytes();
    auto k = mix_dynamic_key(e, o);
    ASSERT_TRUE(k) << k.error();
    ASSERT_EQ(k->size(), 256u);
    for (std::size_t i = 0; i < 256; ++i)
        ASSERT_EQ((*k)[i], e[i] ^ o[i]) << i;
    auto plain = mix_dynamic_key(e, {});
    ASSERT_TRUE(plain);
    EXPECT_TRUE(std::equal(e.begin(), e.end(), plain->span().begin()));
    EXPECT_FALSE(mix_dynamic_key(Bytes(e).first(128), {}));
    EXPECT_FALSE(mix_dynamic_key(e, Bytes(o).first(128)));
    EXPECT_EQ(kDynTlsCryptLabel, "EXPORTER-OpenVPN-dynamic-tls-crypt");
}

TEST(DynamicTlsCrypt, ServerAndClientWrapAs26)
{
    auto srv = make_dynamic_wrap_from_ekm(ekm_bytes(), original_bytes(), true, kTime);
    auto cli = make_dynamic_wrap_from_ekm(ekm_bytes(), original_bytes(), false, kTime);
    ASSERT_TRUE(srv && cli);
    EXPECT_EQ(wrap_hex(**srv),
              "190102030405060708000000015f00000086b01b5f3ac8e4fed39c45f73cf7516c54d102a360b7a1"
              "9d4c887f9223d6d77e4868cf9b1e");
    EXPECT_EQ(wrap_hex(**cli),
              "190102030405060708000000015f000000f581b7a3321630c6654bdb9d86ae7a900ca91e9f2d3a6e"
              "a8ab9046de6e1e830e316417545e");
    // No session wrap: the exporter output is the key as it is.
    auto bare = make_dynamic_wrap_from_ekm(ekm_bytes(), {}, true, kTime);
    ASSERT_TRUE(bare);
    EXPECT_EQ(wrap_hex(**bare),
              "190102030405060708000000015f000000d89b40cfbe7bd24ff2cf005abda830acd93f1a2c4450e9"
              "3f60a40313a80d9b61994a1f0713");
}

TEST(DynamicTlsCrypt, EachEndOpensWhatTheOtherSends)
{
    auto srv = make_dynamic_wrap_from_ekm(ekm_bytes(), original_bytes(), true, kTime);
    auto cli = make_dynamic_wrap_from_ekm(ekm_bytes(), original_bytes(), false, kTime);
    ASSERT_TRUE(srv && cli);
    for (auto [from, to] : {std::pair{srv->get(), cli->get()}, std::pair{cli->get(), srv->get()}}) {
        std::vector<std::uint8_t> w(64), back(64);
        auto n = from->wrap(kSoftReset, w, kTime);
        ASSERT_TRUE(n);
        auto m = to->unwrap(Bytes(w.data(), *n), back, kTime);
        ASSERT_TRUE(m);
        EXPECT_TRUE(std::equal(kSoftReset.begin(), kSoftReset.end(), back.begin()));
        // its own packets do not open with the same end's receive key
        EXPECT_FALSE(from->unwrap(Bytes(w.data(), *n), back, kTime));
    }
}
