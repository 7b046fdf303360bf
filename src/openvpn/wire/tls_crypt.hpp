// wire/tls_crypt.hpp: the tls-crypt control-channel wrapper (protocol-facts
// §2.2c, §3.3), also used with a tls-crypt-v2 client key and for dynamic
// tls-crypt. It authenticates and encrypts:
//
//   wire:  | op|kid | own sid (8) | pid.id (4) | pid.time (4) | tag (32) | ciphertext |
//   plain: | op|kid | own sid (8) | plaintext |               (control_packet.hpp)
//   tag        = HMAC-SHA256(Ka, wire[0..17) || plaintext)
//   ciphertext = AES-256-CTR(Ke, iv = tag[0..16), plaintext)
//
// Keys come from a 256-byte static key; the role fixes the direction:
// the server sends with keys[0] (Ke = bytes 0..31, Ka = 64..95) and receives
// with keys[1] (128..159, 192..223); the client the other way round.
#pragma once

#include <cstddef>
#include <cstdint>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/wire/drop.hpp"
#include "openvpn/wire/evp.hpp"
#include "openvpn/wire/packet_id.hpp"
#include "openvpn/wire/tls_auth.hpp"

namespace ovpn::wire {

enum class Role : std::uint8_t { Client, Server };

inline constexpr std::size_t kTlsCryptTagLen = 32;
inline constexpr std::size_t kTlsCryptOffPid = 9;
inline constexpr std::size_t kTlsCryptOffTag = 17;
inline constexpr std::size_t kTlsCryptOffCt = 49;
inline constexpr std::size_t kTlsCryptOverhead = 8 + kTlsCryptTagLen;

class TlsCrypt {
public:
    // create: key256 is the whole 256-byte key (tls-crypt file, tls-crypt-v2
    // Kc, or the dynamic key). session_start: the packet id time field.
    static Result<TlsCrypt> create(Bytes key256, Role role, std::uint32_t session_start,
                                   unsigned replay_window = kDefaultReplayWindow,
                                   unsigned replay_time = kDefaultReplayTime);

    std::size_t overhead() const noexcept { return kTlsCryptOverhead; }

    // wrap: plain -> wire into out (no aliasing). Returns the wire length.
    Result<std::size_t, Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) noexcept;
    // unwrap: wire -> plain: decrypt, verify the tag (constant time), then the
    // replay window unless skipped. Returns the plain length.
    Result<std::size_t, Drop> unwrap(Bytes wire, MutBytes out, std::uint32_t now,
                                     ReplayCheck check = ReplayCheck::Check) noexcept;

    // wrap_with_wkc: client side of HARD_RESET_CLIENT_V3 / CONTROL_WKC_V1:
    // the tls-crypt packet with the client's WKc appended.
    Result<std::size_t, Drop> wrap_with_wkc(Bytes plain, Bytes wkc, MutBytes out, std::uint32_t now) noexcept;

    PacketId last_packet_id() const noexcept { return last_rx_; }
    // send_counter: e.g. a tls-crypt-v2 client starts at kEarlyNegStart, a
    // stateless server's first reply uses id 1.
    PacketIdSend& send_counter() noexcept { return tx_; }

private:
    TlsCrypt(CtrCipher se, Hmac sa, CtrCipher re, Hmac ra, std::uint32_t start, unsigned w, unsigned t)
        : send_ke_(std::move(se)), send_ka_(std::move(sa)), recv_ke_(std::move(re)), recv_ka_(std::move(ra)),
          tx_(start), rx_(w, t)
    {
    }

    CtrCipher send_ke_;
    Hmac send_ka_;
    CtrCipher recv_ke_;
    Hmac recv_ka_;
    PacketIdSend tx_;
    ReplayWindow rx_;
    PacketId last_rx_;
};

} // namespace ovpn::wire
