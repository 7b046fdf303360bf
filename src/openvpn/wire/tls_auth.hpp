// wire/tls_auth.hpp: the tls-auth control-channel wrapper (protocol-facts
// §2.2b, §3.2). It authenticates, it does not encrypt:
//
//   wire:  | op|kid | own sid (8) | HMAC (H) | pid.id (4) | pid.time (4) | rest... |
//   plain: | op|kid | own sid (8) | rest... |            (control_packet.hpp)
//   HMAC input = pid.id || pid.time || op|kid || own sid || rest
//
// H is the --auth digest size (SHA1 20 by default). The send key is the
// first H bytes of the local direction's HMAC slot (crypto::key_slices).
// Every transmission gets a fresh packet id, retransmissions included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/wire/drop.hpp"
#include "openvpn/wire/evp.hpp"
#include "openvpn/wire/packet_id.hpp"

namespace ovpn::wire {

// ReplayCheck: the stateless 2.6 server verifies the first packets without
// replay state; everyone else checks.
enum class ReplayCheck : std::uint8_t { Check, Skip };

class TlsAuth {
public:
    // create: digest is the --auth name ("SHA1", "SHA256", ...); the HMAC
    // slots are 64-byte slices (only the first H bytes are used).
    // session_start: the long packet id's time (seconds).
    static Result<TlsAuth> create(const std::string& digest, Bytes send_hmac_slot, Bytes recv_hmac_slot,
                                  std::uint32_t session_start, unsigned replay_window = kDefaultReplayWindow,
                                  unsigned replay_time = kDefaultReplayTime);

    // overhead: bytes the wrapper adds to a plain packet (H + 8).
    std::size_t overhead() const noexcept { return send_.size() + 8; }

    // wrap: plain -> wire into out (out must not alias plain). Returns the
    // wire length. now: only used when the 32-bit id wraps.
    Result<std::size_t, Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) noexcept;

    // unwrap: wire -> plain into out; verifies the HMAC (constant time), then
    // the replay window (unless skipped). Returns the plain length.
    Result<std::size_t, Drop> unwrap(Bytes wire, MutBytes out, std::uint32_t now,
                                     ReplayCheck check = ReplayCheck::Check) noexcept;

    // last_packet_id: the packet id of the last packet unwrapped successfully.
    PacketId last_packet_id() const noexcept { return last_rx_; }
    PacketIdSend& send_counter() noexcept { return tx_; }

private:
    TlsAuth(Hmac send, Hmac recv, std::uint32_t start, unsigned window, unsigned time)
        : send_(std::move(send)), recv_(std::move(recv)), tx_(start), rx_(window, time)
    {
    }

    Hmac send_;
    Hmac recv_;
    PacketIdSend tx_;
    ReplayWindow rx_;
    PacketId last_rx_;
};

} // namespace ovpn::wire
