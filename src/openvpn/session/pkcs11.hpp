// session/pkcs11.hpp: the --pkcs11-* options, as 2.6.14 runs them
// (init.c, ssl.c, pkcs11.c): the providers are loaded once per process, the
// first time a TLS context is made (2.6: the first init_crypto_pre); each
// TLS context then takes its certificate from the token the --pkcs11-id
// names (or the id the management client gives for
// --pkcs11-id-management), and the token signs the handshake through the
// external-key seam (crypto/external_key.hpp), RSA (PKCS#1 v1.5, PSS, raw)
// and EC, as 2.6's xkey_pkcs11h_sign.
//
// The token PIN is asked as 2.6 asks it: through the management interface
// with --management-query-passwords (">PASSWORD:Need '<label> token'
// password"), else on the console ("Enter <label> token Password:").
#pragma once

#include <optional>
#include <string>

#include "openvpn/control/tls_engine.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/crypto/pkcs11.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

class Management;

// Pkcs11Options: the --pkcs11-* options (2.6's fields, per provider).
struct Pkcs11Options {
    std::vector<crypto::pkcs11::Provider> providers;
    int pin_cache_period = -1;
    std::optional<std::string> id;
    bool id_management = false;
};
Pkcs11Options pkcs11_options(const options::Options& o);

// use_pkcs11: with --pkcs11-providers, the token's certificate and signer
// into `t` (loading the providers first if not done yet). A failure logs
// 2.6's warnings (with `log`) and is 2.6's fatal "Error: private key
// password verification failed". Nothing happens without providers.
Status<> use_pkcs11(const options::Options& o, Logger* log, Management* mgmt, control::TlsConfig& t);

// pkcs11_count_ids / pkcs11_get_id: the management commands pkcs11-id-count
// and pkcs11-id-get over the loaded providers (0 / nothing before).
int pkcs11_count_ids();
std::optional<crypto::pkcs11::Entry> pkcs11_get_id(int index);

// pkcs11_signer: the external-key signer of a token certificate.
crypto::ExternalSigner pkcs11_signer(crypto::pkcs11::Certificate cert, Logger* log);

} // namespace ovpn::session
