// session/keying_exporter.hpp: --keying-material-exporter label len, as 2.6's
// export_user_keying_material: when a TLS_FINAL plugin is called (server and
// client alike, after each key exchange) its environment holds
// exported_keying_material, the RFC 5705 export of the key's TLS session in
// lowercase hex without separators; nowhere else (2.6 deletes it after the
// call, so scripts never see it).
#pragma once

#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/script/script_runner.hpp"

namespace ovpn::session {

// set_exported_keying_material: the variable in `env` when the option is
// given; 2.6's warning (and no variable) when the export fails.
void set_exported_keying_material(const options::Options& o, const control::TlsSession* tls, script::Env& env,
                                  Logger& log);

} // namespace ovpn::session
