// wire/key_method2.hpp: the key-method-2 message, the first TLS application
// record each side sends (protocol-facts.md §4.2), and the peer-info string it
// carries (§9.1). Pure encode/decode; no I/O, no clock.
//
//   u32 0 | u8 2 | [pre_master 48, TLS client only] | random1 32 | random2 32
//   | str options | str username | str password | str peer_info
//   str = u16 len | bytes incl. trailing NUL; an empty string is a bare u16 0
//
// The message holds secrets (pre_master, password): it is built into and
// parsed from SecureBytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::wire {

inline constexpr std::size_t kKm2PreMasterLen = 48;
inline constexpr std::size_t kKm2RandomLen = 32;
inline constexpr std::size_t kKm2MaxOptionsLen = 512;   // incl. NUL (TLS_OPTIONS_LEN)
inline constexpr std::size_t kKm2MaxUserPassLen = 4096; // Debian's USER_PASS_LEN (with PKCS#11)
inline constexpr std::size_t kKm2MaxPeerInfoLen = 8192;

struct KeyMethod2 {
    SecureBytes pre_master; // 48 bytes from the TLS client; empty from the server
    SecureBytes random1;    // 32
    SecureBytes random2;    // 32
    std::string options;    // OCC options string (without NUL)
    std::string username;   // empty = not sent
    SecureBytes password;   // empty = not sent (or auth-token)
    std::string peer_info;  // "IV_VER=...\n..." (without NUL); empty = not sent
};

// write_key_method2: encode; `from_tls_client` decides whether pre_master is
// written (it must then be 48 bytes). Fails on wrong sizes or too-long strings.
Result<SecureBytes> write_key_method2(const KeyMethod2& km, bool from_tls_client);

// parse_key_method2: decode a message sent by the TLS client (with
// pre_master) or the TLS server. Username, password and peer-info may be
// absent at the end (old peers). Trailing bytes are an error.
Result<KeyMethod2> parse_key_method2(Bytes in, bool from_tls_client);

// IV_PROTO bits (ssl.h), 2.6 set only.
enum IvProto : unsigned {
    kIvProtoDataV2 = 1u << 1,
    kIvProtoRequestPush = 1u << 2,
    kIvProtoTlsKeyExport = 1u << 3,
    kIvProtoAuthPendingKw = 1u << 4,
    kIvProtoNcpP2p = 1u << 5,
    kIvProtoDnsOption = 1u << 6,
    kIvProtoCcExitNotify = 1u << 7,
    kIvProtoAuthFailTemp = 1u << 8,
    kIvProtoDynTlsCrypt = 1u << 9,
};

// PeerInfoParams: what build_peer_info needs; defaults give 2.6.14's pull
// client lines except IV_PROTO, which the caller sets to what it implements.
struct PeerInfoParams {
    bool pull = true; // pull client: full set; p2p: IV_CIPHERS + IV_PROTO only
    std::string version = "2.6.14";
    std::string platform = "linux";
    unsigned tun_mtu_max = 1600;
    std::string ciphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";
    unsigned iv_proto = kIvProtoDataV2 | kIvProtoRequestPush | kIvProtoTlsKeyExport;
    // compression capabilities (2.6 default: the stubs only)
    bool lzo_stub = true, comp_stub = true, comp_stubv2 = true;
    bool lzo = false, lz4 = false, lz4v2 = false;
    std::map<std::string, std::string> extra; // IV_GUI_VER, IV_SSO, UV_* (setenv)
};

// build_peer_info: the peer-info string in 2.6's order.
std::string build_peer_info(const PeerInfoParams& p);

// parse_peer_info: VAR=VALUE lines into a map (lines without '=' ignored).
std::map<std::string, std::string> parse_peer_info(std::string_view s);

} // namespace ovpn::wire
