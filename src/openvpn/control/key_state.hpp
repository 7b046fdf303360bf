// control/key_state.hpp: one key state (one key id) of a control channel:
// its reliability layer, its TLS session and the key-method-2 exchange
// (protocol-facts.md §4, §10). The ControlChannel owns up to two: the
// primary and the lame duck kept after a renegotiation.
//
// The handshake of one key state, as a list (style G8):
//   1. Initial   -> send our reset (hard reset for key 0, soft reset for
//                   renegotiations); PreStart.
//   2. PreStart  -> our reset is ACKed and the peer's reset arrived: Start.
//                   The TLS client queues its key-method-2 record now, which
//                   starts TLS (ClientHello).
//   3. Start     -> TLS handshake runs over P_CONTROL_V1.
//   4. SentKey / GotKey -> key-method-2 records exchanged (the TLS server
//                   writes its own after reading the client's).
//   5. Active    -> both records exchanged and nothing of ours unACKed.
//   Error        -> TLS failure, bad key-method-2, or hand-window expired.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/control/reliable.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/clock.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/wire/key_method2.hpp"

namespace ovpn::control {

enum class KeyStateName : std::uint8_t { Initial, PreStart, Start, SentKey, GotKey, Active, Error };
const char* to_string(KeyStateName s) noexcept;

struct KeyState {
    std::uint8_t key_id = 0;
    KeyStateName state = KeyStateName::Initial;
    Reliable rel;
    std::unique_ptr<TlsSession> tls;
    TimePoint started{};              // when this key state began
    TimePoint must_negotiate{};       // started + hand-window
    TimePoint established{};          // when it became Active
    std::optional<TimePoint> expires; // lame duck: tran-window end
    bool our_reset_sent = false;
    bool peer_reset_seen = false;
    bool wkc_pending = false; // tls-crypt-v2: next CONTROL_V1 goes as WKC_V1
    bool sent_km2 = false;
    bool got_km2 = false;
    wire::KeyMethod2 local_km2;
    std::optional<wire::KeyMethod2> peer_km2;
    // messages waiting for this key to become Active (queue_message)
    std::vector<std::string> pending_messages;
    // data traffic counted at activation, for --reneg-bytes/--reneg-pkts
    std::uint64_t bytes_at_start = 0, packets_at_start = 0;
    std::string error;

    bool is_active() const noexcept { return state == KeyStateName::Active; }
};

} // namespace ovpn::control
