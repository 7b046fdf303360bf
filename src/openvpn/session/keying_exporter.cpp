// session/keying_exporter.cpp: see keying_exporter.hpp.
#include "openvpn/session/keying_exporter.hpp"

#include <optional>
#include <string>

namespace ovpn::session {

void set_exported_keying_material(const options::Options& o, const control::TlsSession* tls, script::Env& env,
                                  Logger& log)
{
    if (!o.keying_material_exporter)
        return;
    const auto& x = *o.keying_material_exporter;
    std::optional<SecureBytes> ekm;
    if (tls != nullptr)
        if (auto r = tls->export_keying_material(x.label, static_cast<std::size_t>(x.length)); r)
            ekm = std::move(*r);
    if (!ekm) {
        log.write(Verb::Fatal, mute::None, Severity::Warning, "WARNING: Export keying material failed!");
        return;
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(ekm->size() * 2);
    for (std::uint8_t b : ekm->span()) {
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0x0f]);
    }
    env.set("exported_keying_material", hex);
    OPENSSL_cleanse(hex.data(), hex.size());
}

} // namespace ovpn::session
