// app/test_crypto.cpp: --test-crypto, as 2.6.14 runs it: the --secret key
// with --cipher/--auth (the cipher modes of TLS mode allowed: CBC, CFB/OFB
// and AEAD), both directions keyed alike unless a key direction is given,
// then every packet length from 1 to the frame's payload size is filled
// with random bytes, encrypted and decrypted again by the data channel
// (crypto/data_channel.hpp, the code the daemon runs) and compared.
// Exit 0 after "... SUCCEEDED", 1 with 2.6's fatal lines otherwise.
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "openvpn/app/app.hpp"
#include "openvpn/crypto/catalog.hpp"
#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/crypto/key_expansion.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/options/validate.hpp"

namespace ovpn::app {
namespace {

// 2.6's defaults in --secret mode.
constexpr const char* kDefaultCipher = "BF-CBC";
constexpr const char* kDefaultAuth = "SHA1";

Result<std::string> read_secret(const options::Options& o)
{
    const options::FileRef& f = *o.secret;
    if (f.is_inline)
        return f.content;
    std::ifstream in(options::resolve_path(o, f.path), std::ios::binary);
    if (!in)
        return Err(strfmt("Cannot open shared secret file '%s': %s", f.path.c_str(), std::strerror(errno)));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

crypto::KeyDirection key_direction(const options::Options& o)
{
    if (!o.ce.key_direction)
        return crypto::KeyDirection::Bidirectional;
    return *o.ce.key_direction == 0 ? crypto::KeyDirection::Normal : crypto::KeyDirection::Inverse;
}

// warn_key_type: the warnings of 2.6's init_key_type (validate.hpp has
// refused what it refuses).
void warn_key_type(const std::string& cipher, const std::string& auth, Logger& log)
{
    const auto f = cipher == "none" ? std::nullopt : crypto::cipher_facts(cipher);
    if (f && f->insecure)
        log.logf(Verb::Error,
                 "WARNING: INSECURE cipher (%s) with block size less than 128 bit (%d bit).  This allows "
                 "attacks like SWEET32.  Mitigate by using a --cipher with a larger block size (e.g. "
                 "AES-256-CBC). Support for these insecure ciphers will be removed in OpenVPN 2.7.",
                 f->name.c_str(), f->block_bytes * 8);
    if (cipher == "none")
        log.write(Verb::Error, "******* WARNING *******: '--cipher none' was specified. This means NO "
                               "encryption will be performed and tunnelled data WILL be transmitted in clear "
                               "text over the network! PLEASE DO RECONSIDER THIS SETTING!");
    if (auth == "none" && !(f && f->mode == crypto::CipherMode::Aead))
        log.write(Verb::Error, "******* WARNING *******: '--auth none' was specified. This means no "
                               "authentication will be performed on received packets, meaning you CANNOT "
                               "trust that the data received by the remote side have NOT been manipulated. "
                               "PLEASE DO RECONSIDER THIS SETTING!");
}

// link_overhead: what 2.6 subtracts from --link-mtu to get the tun MTU
// (its frame_calculate_protocol_header_size in the old, OCC-compatible way).
int link_overhead(const options::Options& o, const crypto::CipherInfo& c, int hmac_len)
{
    const auto facts = crypto::cipher_facts(c.name);
    const int block = facts ? facts->block_bytes : 0;
    const int pid = o.no_replay ? 0 : 8; // --secret: long packet ids
    int n = 0;
    if (o.ce.socks_proxy && o.ce.proto.rfind("udp", 0) == 0)
        n += 10;
    if (o.ce.proto.rfind("tcp", 0) == 0)
        n += 2;
    if (c.alg == data::CipherAlg::None || c.iv_packet_id || c.aead)
        n += pid; // CBC carries it inside the payload instead
    if (c.aead)
        return n + static_cast<int>(crypto::kAeadTagLen + c.iv_len) + block;
    if (c.alg != data::CipherAlg::None)
        n += block + static_cast<int>(c.iv_len);
    return n + hmac_len;
}

// payload_size: 2.6's frame payload for these options: the tun MTU (at
// least 1600, at least --tun-mtu-max), --tun-mtu-extra (32 for tap) unless
// the MTU came from --link-mtu, 32 spare bytes and 136 bytes of headroom.
Result<int> payload_size(const options::Options& o, const crypto::CipherInfo& c, int hmac_len)
{
    const options::ConnectionEntry& ce = o.ce;
    const bool from_link = ce.link_mtu && !ce.tun_mtu;
    const int tun_mtu = from_link ? *ce.link_mtu - link_overhead(o, c, hmac_len) : ce.tun_mtu.value_or(1500);
    if (tun_mtu < 100)
        return Err(strfmt("TUN MTU value (%d) must be at least 100", tun_mtu));
    int size = std::max({tun_mtu, ce.tun_mtu_max.value_or(0), 1600});
    if (!from_link)
        size += ce.tun_mtu_extra.value_or(options::effective_dev_type(o) == "tap" ? 32 : 0);
    constexpr int kSpare = 32, kHeadroom = 136;
    return size + kSpare + kHeadroom;
}

struct Loopback {
    crypto::DataChannel dc;
    int payload;
};

Result<Loopback> prepare(const options::Options& o, Logger& log)
{
    const std::string cipher = o.cipher.value_or(kDefaultCipher);
    const std::string auth = o.auth.value_or(kDefaultAuth);
    warn_key_type(cipher, auth, log);
    auto text = read_secret(o);
    if (!text)
        return Err(text.error());
    auto key = crypto::parse_static_key(*text);
    if (!key)
        return Err(key.error());
    auto keys = crypto::static_data_keys(*key, key_direction(o), cipher, auth);
    if (!keys)
        return Err(keys.error());
    const auto info = crypto::lookup_cipher(cipher);
    if (!info)
        return Err(info.error());
    const auto digest = crypto::digest_len(auth);
    const int hmac_len = info->aead || !digest ? 0 : static_cast<int>(*digest);
    auto payload = payload_size(o, *info, hmac_len);
    if (!payload)
        return Err(payload.error());
    crypto::DataChannelConfig cfg;
    cfg.header = crypto::DataHeader::None;
    cfg.long_packet_id = true;
    cfg.replay_protect = !o.no_replay;
    auto dc = crypto::DataChannel::create(*keys, cfg);
    if (!dc)
        return Err(dc.error());
    return Loopback{std::move(*dc), *payload};
}

} // namespace

int run_test_crypto(const options::Options& o, Logger& log)
{
    // 2.6 prints the title, the libraries and DCO when it starts, and the
    // title again on entering the test.
    log.write(Verb::Error, version_title());
    log.write(Verb::Error, library_versions());
    log.write(Verb::Error, "DCO version: " + dco_version());
    log.write(Verb::Error, version_title());
    auto lb = prepare(o, log);
    if (!lb) {
        log.write(Verb::Fatal, lb.error());
        log.write(Verb::Fatal, "Exiting due to fatal error");
        return 1;
    }
    log.write(Verb::Error, "Entering OpenVPN crypto self-test mode.");
    const std::size_t payload = static_cast<std::size_t>(lb->payload);
    std::vector<std::uint8_t> src(payload);
    for (std::size_t len = 1; len <= payload; ++len) {
        log.logf(Verb::Error, "TESTING ENCRYPT/DECRYPT of packet length=%zu", len);
        if (RAND_bytes(src.data(), static_cast<int>(len)) != 1) {
            log.write(Verb::Fatal, "RAND_bytes failed");
            return 1;
        }
        // Room for the largest overhead in front and a cipher block behind.
        PacketBuf buf(crypto::kMaxDataOverhead + payload + 64, crypto::kMaxDataOverhead);
        (void)buf.append(Bytes(src.data(), len));
        const std::uint32_t now = static_cast<std::uint32_t>(std::time(nullptr));
        auto enc = lb->dc.encrypt(buf, now);
        auto dec = enc ? lb->dc.decrypt(buf, now) : enc;
        if (!dec)
            log.logf(Verb::Error, "Authenticate/Decrypt packet error: %s", wire::to_string(dec.error()));
        const std::size_t got = dec ? buf.size() : 0;
        if (got != len) {
            log.logf(Verb::Fatal, "SELF TEST FAILED, src.len=%zu buf.len=%zu", len, got);
            log.write(Verb::Fatal, "Exiting due to fatal error");
            return 1;
        }
        if (auto pos = std::mismatch(src.begin(), src.begin() + len, buf.data()).first - src.begin();
            static_cast<std::size_t>(pos) != len) {
            log.logf(Verb::Fatal, "SELF TEST FAILED, pos=%td in=%d out=%d", pos, src[pos], buf.data()[pos]);
            log.write(Verb::Fatal, "Exiting due to fatal error");
            return 1;
        }
    }
    log.write(Verb::Error, "OpenVPN crypto self-test mode SUCCEEDED.");
    return 0;
}

} // namespace ovpn::app
