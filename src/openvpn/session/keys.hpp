// session/keys.hpp: one peer's data-channel keys in the data plane, rotated
// as 2.6 rotates them. The first key of a session goes into the primary
// slot. A renegotiated key goes into the secondary slot and the slots are
// swapped, so the old key keeps decrypting (the lame duck) until the control
// channel retires it (LameDuckExpired), when it is deleted. A lame duck
// still in the secondary slot when the next renegotiation completes is
// deleted first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"

namespace ovpn::session {

// DataCipher: what the negotiation chose for the data channel.
struct DataCipher {
    std::string cipher;         // e.g. "AES-256-GCM"
    std::string auth = "SHA1";  // CBC only
    bool use_ekm = false;       // keys from the TLS exporter (else 2.6's PRF)
    bool dyn_tls_crypt = false; // renegotiations under dynamic tls-crypt
};

// log_dynamic_tls_crypt: 2.6's verb-4 lines for the dynamic tls-crypt key
// contexts (init_key_ctx_bi "dynamic tls-crypt"), after `prefix`.
void log_dynamic_tls_crypt(Logger& log, const std::string& prefix);

class KeyRotation {
public:
    // install: the keys of `key_id` (an Active key state of `cc`) for peer
    // `id`: into the primary slot when `first`, else as a renegotiation.
    // The first key also turns on dynamic tls-crypt when negotiated (2.6
    // derives its key just before the first data key).
    Status<> install(data::DataPlane& dp, data::PeerId id, control::ControlChannel& cc, const DataCipher& dc,
                     std::uint8_t key_id, bool first);
    // lame_duck_expired: the control channel retired `key_id`; its keys
    // leave the secondary slot when they are the lame duck.
    void lame_duck_expired(data::DataPlane& dp, data::PeerId id, std::uint8_t key_id);
    // reset: a new session (the peer's keys went with del_peer).
    void reset() noexcept { lame_duck_.reset(); }
    std::optional<std::uint8_t> lame_duck() const noexcept { return lame_duck_; }

private:
    std::optional<std::uint8_t> lame_duck_;
};

} // namespace ovpn::session
