#include "openvpn/control/dynamic_wrap.hpp"

#include "openvpn/wire/tls_crypt.hpp"

namespace ovpn::control {

Result<SecureBytes> mix_dynamic_key(Bytes ekm, Bytes original)
{
    if (ekm.size() != kDynTlsCryptKeyLen)
        return Err(std::string("dynamic tls-crypt: the exported key must be 256 bytes"));
    if (!original.empty() && original.size() != kDynTlsCryptKeyLen)
        return Err(std::string("dynamic tls-crypt: the original wrap key must be 256 bytes"));
    SecureBytes k(ekm);
    for (std::size_t i = 0; i < original.size(); ++i)
        k[i] ^= original[i];
    return k;
}

Result<std::unique_ptr<ControlWrap>> make_dynamic_wrap(const TlsSession& tls, Bytes original, bool is_server,
                                                       std::uint32_t wall_secs)
{
    auto ekm = tls.export_keying_material(kDynTlsCryptLabel, kDynTlsCryptKeyLen);
    if (!ekm)
        return Err("dynamic tls-crypt: " + ekm.error());
    return make_dynamic_wrap_from_ekm(*ekm, original, is_server, wall_secs);
}

Result<std::unique_ptr<ControlWrap>> make_dynamic_wrap_from_ekm(Bytes ekm, Bytes original, bool is_server,
                                                                std::uint32_t wall_secs)
{
    auto key = mix_dynamic_key(ekm, original);
    if (!key)
        return Err(key.error());
    auto tc =
        wire::TlsCrypt::create(key->span(), is_server ? wire::Role::Server : wire::Role::Client, wall_secs);
    if (!tc)
        return Err("dynamic tls-crypt: " + tc.error());
    return make_tls_crypt_wrap(std::move(tc).value());
}

} // namespace ovpn::control
