// session/mtu_frame.cpp: see mtu_frame.hpp.
#include "openvpn/session/mtu_frame.hpp"

#include <string>

#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/data/mtu_test.hpp"
#include "openvpn/session/data_options.hpp"

namespace ovpn::session {

namespace {

// config_cipher: the cipher of 2.6's configured key type.
std::string config_cipher(const options::Options& o, bool tls)
{
    if (!tls)
        return o.cipher.value_or("BF-CBC");
    if (o.data_ciphers_fallback)
        return *o.data_ciphers_fallback;
    if (o.cipher)
        return *o.cipher;
    return contains_cipher(data_ciphers(o), "BF-CBC") ? "BF-CBC" : "none";
}

} // namespace

void use_occ_key_type(data::MssfixFrame& f, const options::Options& o)
{
    const bool tls = !o.secret.has_value();
    auto cipher = crypto::lookup_cipher(config_cipher(o, tls));
    const data::CipherAlg alg = cipher ? cipher->alg : data::CipherAlg::None;
    const std::string name = cipher ? cipher->name : std::string();
    f.aead = data::is_aead(alg) || alg == data::CipherAlg::OtherAead;
    f.iv_len = f.aead || alg == data::CipherAlg::None ? 0 : cipher->iv_len;
    auto h = crypto::digest_len(o.auth.value_or("SHA1"));
    f.hmac_len = f.aead ? 0 : (h ? *h : 0);
    // 2.6's long packet id: without TLS, and for CFB/OFB (their IV holds it)
    f.long_packet_id =
        !tls || name.find("-CFB") != std::string::npos || name.find("-OFB") != std::string::npos;
}

std::size_t occ_crypto_overhead(const options::Options& o)
{
    data::MssfixFrame f;
    f.tls = false; // no opcode: the data plane adds its own header
    use_occ_key_type(f, o);
    return data::occ_frame_overhead(f);
}

} // namespace ovpn::session
