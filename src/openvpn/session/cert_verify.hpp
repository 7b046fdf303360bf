// session/cert_verify.hpp: the certificate checks of 2.6's verify_cert
// (ssl_verify.c) that options turn on, each with 2.6's log lines, for
// session/tls_verify to run in 2.6's order:
//   check_username    the --x509-username-field value (CN by default) of
//                     the depth-0 certificate must exist
//   check_cert_hash   --peer-fingerprint (depth 0) / --verify-hash (depth 1)
//   check_peer_usage  --remote-cert-ku / --remote-cert-eku (depth 0)
//   ExportedCert      --tls-export-cert: the certificate as a PEM file
//                     named by the peer_cert variable while the scripts run
// Every function logs after `prefix` (a server's "addr:port ").
#pragma once

#include <string>

#include "openvpn/control/cert_env.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/script/script_runner.hpp"

namespace ovpn::session {

bool check_username(const control::CertFacts& cert, const std::string& prefix, Logger& log);
bool check_cert_hash(const options::Options& o, const control::CertFacts& cert, const std::string& prefix,
                     Logger& log);
bool check_peer_usage(const options::Options& o, const control::CertFacts& cert, const std::string& prefix,
                      Logger& log);

// ExportedCert: with --tls-export-cert DIR, writes the certificate to a new
// file "openvpn_pef_<random>.tmp" in DIR and sets peer_cert in `env`; the
// file goes when the object does. ok() is false when it could not be
// written (2.6 refuses the peer then).
class ExportedCert {
public:
    ExportedCert(const options::Options& o, const control::CertFacts& cert, script::Env& env,
                 const std::string& prefix, Logger& log);
    ~ExportedCert();
    ExportedCert(const ExportedCert&) = delete;
    ExportedCert& operator=(const ExportedCert&) = delete;
    bool ok() const noexcept { return ok_; }

private:
    std::string path_;
    bool ok_ = true;
};

} // namespace ovpn::session
