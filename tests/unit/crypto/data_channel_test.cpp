#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/crypto/key_expansion.hpp"
#include "openvpn/wire/evp.hpp"
#include "unit/crypto/test_util.hpp"

#include <gtest/gtest.h>

namespace ovpn::crypto {
namespace {

using test::hex;
using test::read_text;
using test::unhex;
using wire::Drop;

PacketBuf buf_of(Bytes b)
{
    PacketBuf buf;
    EXPECT_TRUE(buf.append(b));
    return buf;
}

data::DataKeys aead_keys(std::string cipher, std::size_t key_len, std::uint8_t fill)
{
    data::DataKeys k;
    k.cipher_name = cipher;
    auto info = lookup_cipher(cipher);
    k.cipher = info->alg;
    k.encrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(key_len, fill));
    k.encrypt.implicit_iv = SecureBytes(std::vector<std::uint8_t>(8, static_cast<std::uint8_t>(fill + 1)));
    k.decrypt = k.encrypt; // loopback: both directions share keys
    return k;
}

TEST(DataChannel, DecryptsA26AesGcmPacket)
{
    auto pkt = unhex(read_text("facts/a4-aes256gcm-data-v2.hex"));
    data::DataKeys k;
    k.cipher_name = "AES-256-GCM";
    k.cipher = data::CipherAlg::Aes256Gcm;
    k.decrypt.cipher_key =
        SecureBytes(unhex("954844640f7f4e944ef9350e59a4b89ca227a02b56a0069334c9da2e911c79b5"));
    k.decrypt.implicit_iv = SecureBytes(unhex("22cd303d35886141"));
    k.encrypt = k.decrypt;
    auto dc = DataChannel::create(k, {});
    ASSERT_TRUE(dc.ok()) << dc.error();
    auto buf = buf_of(pkt);
    auto r = dc->decrypt(buf, 0);
    ASSERT_TRUE(r.ok()) << wire::to_string(r.error());
    EXPECT_EQ(
        hex(buf.span()),
        "6000000000083afffe800000000000000ae48fa6be742e0aff0200000000000000000000000000028500f62d00000000");
    auto again = buf_of(pkt);
    EXPECT_EQ(dc->decrypt(again, 0).error(), Drop::Replay);
    for (std::size_t i = 0; i < pkt.size(); i += 5) {
        auto bad = pkt;
        bad[i] ^= 0x80;
        auto fresh = DataChannel::create(k, {});
        auto b = buf_of(bad);
        auto e = fresh->decrypt(b, 0);
        ASSERT_FALSE(e.ok()) << i;
        // Byte 0 flips the opcode to something that is not data.
        EXPECT_TRUE(e.error() == Drop::BadTag || (i == 0 && e.error() == Drop::BadOpcode)) << i;
    }
}

TEST(DataChannel, NonceIsPacketIdThenImplicitIvAsComputedByHand)
{
    // Spec (protocol-facts §6.2): nonce = pid(4, BE) || implicit_iv(8);
    // AAD for P_DATA_V2 = header(4) || pid(4); tag before ciphertext.
    auto k = aead_keys("AES-128-GCM", 16, 0x41);
    DataChannelConfig cfg;
    cfg.header = DataHeader::DataV2;
    cfg.peer_id = 0x000102;
    cfg.last_sent_id = 6; // the packet carries id 7
    auto dc = DataChannel::create(k, cfg);
    ASSERT_TRUE(dc.ok());
    const auto payload = unhex("45000054deadbeef");
    auto buf = buf_of(payload);
    ASSERT_TRUE(dc->encrypt(buf, 0).ok());
    ASSERT_EQ(buf.size(), 4 + 4 + 16 + payload.size());
    EXPECT_EQ(hex(buf.span().first(8)), "48000102"
                                        "00000007");

    // Recompute with EVP directly from the hand-built nonce.
    const auto nonce = unhex("00000007"
                             "4242424242424242");
    const auto aad = unhex("48000102 00000007");
    wire::CipherPtr c{EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr)};
    wire::CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
    std::vector<std::uint8_t> key(16, 0x41), ct(payload.size()), tag(16);
    int outl = 0, fin = 0;
    ASSERT_EQ(EVP_EncryptInit_ex2(ctx.get(), c.get(), key.data(), nonce.data(), nullptr), 1);
    ASSERT_EQ(EVP_EncryptUpdate(ctx.get(), nullptr, &outl, aad.data(), 8), 1);
    ASSERT_EQ(
        EVP_EncryptUpdate(ctx.get(), ct.data(), &outl, payload.data(), static_cast<int>(payload.size())), 1);
    ASSERT_EQ(EVP_EncryptFinal_ex(ctx.get(), ct.data() + outl, &fin), 1);
    ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, tag.data()), 1);
    EXPECT_EQ(hex(buf.span().subspan(8, 16)), hex(tag));
    EXPECT_EQ(hex(buf.span().subspan(24)), hex(ct));
}

struct Case {
    const char* cipher;
    const char* auth;
    std::size_t key_len;
    DataHeader header;
};

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, EncryptThenDecryptEverySize)
{
    const Case c = GetParam();
    data::DataKeys k;
    k.cipher_name = c.cipher;
    k.auth_name = c.auth;
    auto info = lookup_cipher(c.cipher);
    ASSERT_TRUE(info.ok());
    k.cipher = info->alg;
    auto hl = digest_len(c.auth);
    ASSERT_TRUE(hl.ok());
    // Two distinct directions: a sender and a receiver with swapped keys.
    data::DirectionKeys a, b;
    a.cipher_key = SecureBytes(std::vector<std::uint8_t>(c.key_len, 0x11));
    b.cipher_key = SecureBytes(std::vector<std::uint8_t>(c.key_len, 0x22));
    if (info->aead) {
        a.implicit_iv = SecureBytes(std::vector<std::uint8_t>(8, 0x33));
        b.implicit_iv = SecureBytes(std::vector<std::uint8_t>(8, 0x44));
    } else if (*hl > 0) {
        a.hmac_key = SecureBytes(std::vector<std::uint8_t>(*hl, 0x55));
        b.hmac_key = SecureBytes(std::vector<std::uint8_t>(*hl, 0x66));
    }
    data::DataKeys ks = k, kr = k;
    ks.encrypt = a;
    ks.decrypt = b;
    kr.encrypt = b;
    kr.decrypt = a;
    ks.key_id = kr.key_id = 3;
    DataChannelConfig cfg;
    cfg.header = c.header;
    cfg.peer_id = 77;
    cfg.long_packet_id = c.header == DataHeader::None;
    cfg.session_time = 1234;
    auto tx = DataChannel::create(ks, cfg);
    auto rx = DataChannel::create(kr, cfg);
    ASSERT_TRUE(tx.ok()) << tx.error();
    ASSERT_TRUE(rx.ok()) << rx.error();
    for (std::size_t len : {0u, 1u, 15u, 16u, 17u, 100u, 1400u}) {
        if (len == 0 && info->iv_packet_id)
            continue; // 2.6 never sends an empty CFB/OFB packet and drops one
        std::vector<std::uint8_t> payload(len);
        for (std::size_t i = 0; i < len; ++i)
            payload[i] = static_cast<std::uint8_t>(i * 13 + len);
        auto buf = buf_of(payload);
        ASSERT_TRUE(tx->encrypt(buf, 5).ok()) << len;
        EXPECT_EQ(buf.size(), len + tx->overhead(len)) << len;
        if (c.header == DataHeader::DataV2) {
            EXPECT_EQ(wire::peer_id_of(buf.span()), 77u);
            EXPECT_EQ(wire::key_id_of(buf.data()[0]), 3);
        }
        auto wire_copy = std::vector<std::uint8_t>(buf.span().begin(), buf.span().end());
        auto r = rx->decrypt(buf, 5);
        ASSERT_TRUE(r.ok()) << len << " " << wire::to_string(r.error());
        EXPECT_EQ(hex(buf.span()), hex(payload)) << len;
        auto replay = buf_of(wire_copy);
        EXPECT_EQ(rx->decrypt(replay, 5).error(), Drop::Replay);
        if (!wire_copy.empty()) {
            wire_copy.back() ^= 1;
            auto tampered = buf_of(wire_copy);
            auto t = rx->decrypt(tampered, 5);
            ASSERT_FALSE(t.ok());
            if (std::string(c.auth) != "none" || info->aead) {
                EXPECT_TRUE(t.error() == Drop::BadTag || t.error() == Drop::BadHmac) << len;
            }
        }
    }
    // The sender's key cannot decrypt its own packets (directions differ).
    std::vector<std::uint8_t> one{1, 2, 3};
    auto buf = buf_of(one);
    ASSERT_TRUE(tx->encrypt(buf, 5).ok());
    EXPECT_FALSE(tx->decrypt(buf, 5).ok());
}

INSTANTIATE_TEST_SUITE_P(Ciphers, RoundTrip,
                         ::testing::Values(Case{"AES-128-GCM", "none", 16, DataHeader::DataV2},
                                           Case{"AES-192-GCM", "none", 24, DataHeader::DataV1},
                                           Case{"AES-256-GCM", "none", 32, DataHeader::DataV2},
                                           Case{"CHACHA20-POLY1305", "none", 32, DataHeader::DataV2},
                                           Case{"chacha20-poly1305", "none", 32, DataHeader::DataV1},
                                           Case{"AES-256-CBC", "SHA256", 32, DataHeader::DataV2},
                                           Case{"AES-128-CBC", "SHA1", 16, DataHeader::DataV1},
                                           Case{"AES-256-CBC", "SHA512", 32, DataHeader::None},
                                           Case{"none", "SHA1", 0, DataHeader::DataV2},
                                           Case{"ARIA-256-GCM", "none", 32, DataHeader::DataV2},
                                           Case{"AES-128-CFB", "SHA1", 16, DataHeader::DataV2},
                                           Case{"AES-256-OFB", "SHA256", 32, DataHeader::None},
                                           Case{"AES-192-CFB8", "SHA1", 24, DataHeader::DataV1},
                                           Case{"DES-EDE3-CFB", "SHA1", 24, DataHeader::None}));

TEST(DataChannel, BatchAndRenegotiationTrigger)
{
    auto k = aead_keys("CHACHA20-POLY1305", 32, 9);
    DataChannelConfig cfg;
    cfg.last_sent_id = wire::kPacketIdRenegotiate - 3;
    auto tx = DataChannel::create(k, cfg);
    auto rx = DataChannel::create(k, cfg);
    ASSERT_TRUE(tx.ok() && rx.ok());
    std::vector<PacketBuf> bufs(4);
    for (std::size_t i = 0; i < bufs.size(); ++i)
        bufs[i].append(std::vector<std::uint8_t>(10 + i, static_cast<std::uint8_t>(i)));
    std::vector<std::optional<Drop>> res(4);
    EXPECT_FALSE(tx->needs_renegotiation());
    EXPECT_EQ(tx->encrypt_batch(bufs, 0, res), 4u);
    EXPECT_TRUE(tx->needs_renegotiation()); // id 0xFF000001 was used
    // Deliver out of order: still fine inside the window.
    std::swap(bufs[0], bufs[3]);
    EXPECT_EQ(rx->decrypt_batch(bufs, 0, res), 4u);
    for (auto& r : res)
        EXPECT_FALSE(r.has_value());
    EXPECT_EQ(bufs[3].size(), 10u);
    // A sender at the very top stops instead of wrapping to 0.
    cfg.last_sent_id = 0xffffffff;
    auto top = DataChannel::create(k, cfg);
    PacketBuf b;
    b.append(std::vector<std::uint8_t>(4, 1));
    EXPECT_EQ(top->encrypt(b, 0).error(), Drop::PacketIdRollover);
}

TEST(DataChannel, RefusesGarbage)
{
    auto k = aead_keys("AES-256-GCM", 32, 1);
    auto dc = DataChannel::create(k, {});
    PacketBuf empty;
    EXPECT_EQ(dc->decrypt(empty, 0).error(), Drop::TooShort);
    auto ctl = buf_of(unhex("20 0000"));
    EXPECT_EQ(dc->decrypt(ctl, 0).error(), Drop::BadOpcode);
    auto shortp = buf_of(unhex("48000000 00000001 00"));
    EXPECT_EQ(dc->decrypt(shortp, 0).error(), Drop::TooShort);
    PacketBuf noroom(64, 2);
    noroom.append(std::vector<std::uint8_t>(10, 0));
    EXPECT_EQ(dc->encrypt(noroom, 0).error(), Drop::NoRoom);
    data::DataKeys bad = k;
    bad.encrypt.cipher_key = SecureBytes(std::vector<std::uint8_t>(16, 0));
    EXPECT_FALSE(DataChannel::create(bad, {}).ok());
    EXPECT_FALSE(lookup_cipher("AES-256-ECB").ok());
    EXPECT_FALSE(lookup_cipher("AES-256-CTR").ok());
    EXPECT_FALSE(lookup_cipher("AES-128-CBC-CTS").ok());
    EXPECT_FALSE(lookup_cipher("NOPE-1").ok());
}

TEST(KeyExpansion, OldPrfMatches26)
{
    ClientKeySource c;
    ServerKeySource s;
    auto copy = [](auto& dst, const char* h) {
        auto v = unhex(h);
        ASSERT_EQ(v.size(), dst.size());
        std::copy(v.begin(), v.end(), dst.begin());
    };
    copy(c.pre_master,
         "a05481ed0a801fe005b3ec0d798bd440a4f01f2a864e5cc8e278543611d1b38c583ea75c371ec735b9e2f023a63cb4f5");
    copy(c.random1, "4b33d03c76466b5a56835f3041c1c619de050f09edb84fc37b22601cbf70e214");
    copy(c.random2, "76ce93a3841bcce42e42b262591e5481f223b3cb793c3649517f7dfed3991dd3");
    copy(s.random1, "24656cf6530f1cb502df54d216e50b9dad7a0e02408bad772452f26c1822bd4f");
    copy(s.random2, "a93b84b136116389da0e2af72de955d99ce1a1931a65c9efacc7d6c3e0c89e21");
    wire::SessionId csid{}, ssid{};
    copy(csid, "f07926254d857523");
    copy(ssid, "7443b34ba50ee959");
    auto block = prf_key_block(c, s, csid, ssid);
    ASSERT_TRUE(block.ok()) << block.error();
    EXPECT_EQ(hex(block->cipher(0).first(32)),
              "5a5e8e7777c8daf0ef089f40db92216e40e0c8d17dd21658753031edef12bc17");
    EXPECT_EQ(hex(block->hmac(0).first(32)),
              "bc92ae1b534cec7e43992cade9f562a7ae50f2e589946a78e4de6552e4ea5c1f");
    EXPECT_EQ(hex(block->cipher(1).first(32)),
              "678387d4045720392cdc9a59c705967509b132810af54b7de244afeb6438898a");
    EXPECT_EQ(hex(block->hmac(1).first(32)),
              "c15b7e460c8eeb5c5b1ca584e7d6ae4b1b0f32d69a2fe21d03beff030323d5d6");

    auto client = make_data_keys(*block, wire::Role::Client, 0, "AES-256-CBC", "SHA256");
    auto server = make_data_keys(*block, wire::Role::Server, 0, "AES-256-CBC", "SHA256");
    ASSERT_TRUE(client.ok() && server.ok());
    EXPECT_EQ(hex(client->encrypt.cipher_key.span()), hex(block->cipher(0).first(32)));
    EXPECT_EQ(hex(client->encrypt.hmac_key.span()), hex(block->hmac(0).first(32)));
    EXPECT_EQ(hex(server->encrypt.cipher_key.span()), hex(block->cipher(1).first(32)));
    EXPECT_EQ(hex(server->decrypt.hmac_key.span()), hex(client->encrypt.hmac_key.span()));
    EXPECT_EQ(client->auth_name, "SHA256");
    EXPECT_EQ(client->cipher, data::CipherAlg::CbcHmac);
    // The two ends talk.
    auto tx = DataChannel::create(*client, {});
    auto rx = DataChannel::create(*server, {});
    ASSERT_TRUE(tx.ok() && rx.ok());
    auto buf = buf_of(unhex("4500"));
    ASSERT_TRUE(tx->encrypt(buf, 0).ok());
    ASSERT_TRUE(rx->decrypt(buf, 0).ok());
    EXPECT_EQ(hex(buf.span()), "4500");
}

TEST(KeyExpansion, EkmSlicesAndAeadImplicitIv)
{
    std::vector<std::uint8_t> ekm(256);
    for (std::size_t i = 0; i < ekm.size(); ++i)
        ekm[i] = static_cast<std::uint8_t>(i);
    auto block = ekm_key_block(ekm);
    ASSERT_TRUE(block.ok());
    EXPECT_FALSE(ekm_key_block(Bytes(ekm.data(), 255)).ok());
    auto server = make_data_keys(*block, wire::Role::Server, 2, "aes-128-gcm", "SHA1");
    ASSERT_TRUE(server.ok()) << server.error();
    EXPECT_EQ(server->key_id, 2);
    EXPECT_EQ(server->cipher_name, "AES-128-GCM");
    EXPECT_EQ(server->auth_name, "none");
    EXPECT_EQ(server->encrypt.cipher_key.size(), 16u);
    EXPECT_EQ(server->encrypt.cipher_key[0], 128);
    EXPECT_EQ(hex(server->encrypt.implicit_iv.span()), "c0c1c2c3c4c5c6c7");
    EXPECT_EQ(hex(server->decrypt.implicit_iv.span()), "4041424344454647");
    EXPECT_TRUE(server->encrypt.hmac_key.empty());
    auto st = static_data_keys(*block, KeyDirection::Bidirectional, "AES-256-CBC", "SHA256");
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->encrypt.hmac_key[0], 64);
    EXPECT_EQ(st->decrypt.hmac_key[0], 64);
    auto inv = static_data_keys(*block, KeyDirection::Inverse, "AES-256-CBC", "SHA256");
    EXPECT_EQ(inv->encrypt.hmac_key[0], 192);
    EXPECT_EQ(inv->decrypt.hmac_key[0], 64);
    EXPECT_FALSE(make_data_keys(*block, wire::Role::Client, 0, "AES-256-CBC", "NOPE").ok());
}

} // namespace
} // namespace ovpn::crypto
