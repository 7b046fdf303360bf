// session/keys.cpp: see keys.hpp.
#include "openvpn/session/keys.hpp"

#include <ctime>

namespace ovpn::session {

Status<> KeyRotation::install(data::DataPlane& dp, data::PeerId id, control::ControlChannel& cc,
                              const DataCipher& dc, std::uint8_t key_id, bool first)
{
    if (first && dc.dyn_tls_crypt) {
        if (auto s = cc.enable_dynamic_tls_crypt(static_cast<std::uint32_t>(std::time(nullptr))); !s)
            return s;
    }
    auto keys = cc.derive_keys(key_id, dc.cipher, dc.auth, dc.use_ekm);
    if (!keys)
        return Err(keys.error());
    if (first) {
        lame_duck_.reset();
        return dp.install_key(id, data::KeySlot::Primary, *keys);
    }
    if (lame_duck_) {
        (void)dp.del_key(id, data::KeySlot::Secondary);
        lame_duck_.reset();
    }
    if (auto s = dp.install_key(id, data::KeySlot::Secondary, *keys); !s)
        return s;
    if (auto s = dp.swap_keys(id); !s)
        return s;
    // the key the secondary slot now holds: the other live key state
    for (std::uint8_t k = 0; k < 8; ++k)
        if (k != key_id && cc.tls_session(k) != nullptr)
            lame_duck_ = k;
    return Ok{};
}

void log_dynamic_tls_crypt(Logger& log, const std::string& prefix)
{
    for (const char* dir : {"Outgoing", "Incoming"}) {
        log.logf(Verb::Notice, "%s%s dynamic tls-crypt: Cipher 'AES-256-CTR' initialized with 256 bit key",
                 prefix.c_str(), dir);
        log.logf(Verb::Notice,
                 "%s%s dynamic tls-crypt: Using 256 bit message hash 'SHA256' for HMAC authentication",
                 prefix.c_str(), dir);
    }
}

void KeyRotation::lame_duck_expired(data::DataPlane& dp, data::PeerId id, std::uint8_t key_id)
{
    if (lame_duck_ != key_id)
        return;
    (void)dp.del_key(id, data::KeySlot::Secondary);
    lame_duck_.reset();
}

} // namespace ovpn::session
