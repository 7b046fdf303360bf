// session/tls_verify.hpp: 2.6's verification step for each certificate of
// the peer's chain (ssl_verify.c verify_cert), for every role: first the
// option-driven checks of session/cert_verify (user name field, fingerprint,
// --tls-export-cert's file, key usage), then with
// --tls-verify the command runs as "cmd depth subject" with the chain's
// X509_* / tls_* variables added to the caller's environment (a client's
// script variables, a server's untrusted_ip/port), the peer still
// untrusted; then 2.6's lines at D_HANDSHAKE (verb 2):
//   "VERIFY SCRIPT OK: depth=N, subject" / "VERIFY SCRIPT ERROR: ..."
//   "VERIFY OK: depth=N, subject"            (when the certificate passes)
// each after the session's log prefix. Before the script, 2.6's
// TLS_VERIFY plugin hook with the same arguments and variables
// ("VERIFY PLUGIN OK/ERROR: depth=N, subject"); the peer's X509 is not
// handed over yet (current_cert NULL, current_cert_depth -1).
#pragma once

#include <string>
#include <vector>

#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/plugin/plugin.hpp"
#include "openvpn/script/script_runner.hpp"

namespace ovpn::session {

// run_tls_verify: true when the certificate passes.
bool run_tls_verify(const options::Options& o, const control::CertFacts& cert,
                    const std::vector<control::CertFacts>& chain, script::Env env, const std::string& prefix,
                    Logger& log, plugin::PluginList* plugins = nullptr,
                    const plugin::ClientContexts* client = nullptr);

} // namespace ovpn::session
