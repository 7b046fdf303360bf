// session/keys.cpp: see keys.hpp.
#include "openvpn/session/keys.hpp"

namespace ovpn::session {

Status<> KeyRotation::install(data::DataPlane& dp, data::PeerId id, const control::ControlChannel& cc,
                              const DataCipher& dc, std::uint8_t key_id, bool first)
{
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

void KeyRotation::lame_duck_expired(data::DataPlane& dp, data::PeerId id, std::uint8_t key_id)
{
    if (lame_duck_ != key_id)
        return;
    (void)dp.del_key(id, data::KeySlot::Secondary);
    lame_duck_.reset();
}

} // namespace ovpn::session
