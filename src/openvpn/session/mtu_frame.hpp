// session/mtu_frame.hpp: what 2.6 sizes --mtu-test's loads by. occ.c counts
// the frame with the key type of the configuration (c1.ks.key_type), not
// with the negotiated cipher: in TLS mode --data-ciphers-fallback or
// --cipher, and when neither is set BF-CBC, which counts as "none" unless
// --data-ciphers lists it; with --auth (default SHA1) unless the cipher is
// AEAD. A TLS peer without --cipher thus asks for 1528-byte loads at
// tun-mtu 1500 (peer-id 4, packet id 4, SHA1 20) and, sizing the ones it
// sends the same way, sends 1524-byte AES-GCM packets.
#pragma once

#include <cstddef>

#include "openvpn/data/mssfix.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

// use_occ_key_type: f's crypto fields (aead, iv_len, hmac_len,
// long_packet_id) become those of that key type; the header, compression,
// fragment and tap fields stay.
void use_occ_key_type(data::MssfixFrame& f, const options::Options& o);

// occ_crypto_overhead: the same key type's bytes around a payload without
// opcode/peer-id, compression or fragment header (packet id included).
std::size_t occ_crypto_overhead(const options::Options& o);

} // namespace ovpn::session
