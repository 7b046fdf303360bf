// session/cert_verify.cpp: see cert_verify.hpp.
#include "openvpn/session/cert_verify.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstdio>

#include "openvpn/control/cert_checks.hpp"

namespace ovpn::session {

namespace {

constexpr Verb kTlsErrors = static_cast<Verb>(1); // 2.6's D_TLS_ERRORS
constexpr Verb kHandshake = static_cast<Verb>(2); // 2.6's D_HANDSHAKE

bool check_key_usage(const std::vector<unsigned>& want, X509* x, const std::string& p, Logger& log)
{
    const auto ku = control::key_usage_of(x);
    if (!ku) {
        log.logf(kTlsErrors, "%sCertificate does not have key usage extension", p.c_str());
        return false;
    }
    if (want.empty())
        return true; // only required to be there
    log.logf(kHandshake, "%sValidating certificate key usage", p.c_str());
    if (control::key_usage_accepts(*ku, want))
        return true;
    log.logf(kTlsErrors, "%sERROR: Certificate has key usage %04x, expected one of:", p.c_str(), *ku);
    for (unsigned w : want) {
        if (w == 0)
            break;
        log.logf(kTlsErrors, "%s * %04x", p.c_str(), w);
    }
    return false;
}

bool check_ext_key_usage(const std::string& want, X509* x, const std::string& p, Logger& log)
{
    const auto eku = control::ext_key_usage_of(x);
    if (!eku) {
        log.logf(kHandshake, "%sCertificate does not have extended key usage extension", p.c_str());
        return false;
    }
    log.logf(kHandshake, "%sValidating certificate extended key usage", p.c_str());
    for (const auto& [name, oid] : *eku) {
        log.logf(kHandshake, "%s++ Certificate has EKU (str) %s, expects %s", p.c_str(), name.c_str(),
                 want.c_str());
        if (name == want)
            return true;
        log.logf(kHandshake, "%s++ Certificate has EKU (oid) %s, expects %s", p.c_str(), oid.c_str(),
                 want.c_str());
        if (oid == want)
            return true;
    }
    return false;
}

std::string random_hex16()
{
    unsigned char r[8] = {};
    (void)RAND_bytes(r, sizeof(r));
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
                  r[6], r[7]);
    return buf;
}

} // namespace

bool check_username(const control::CertFacts& cert, const std::string& prefix, Logger& log)
{
    if (cert.username_error.empty())
        return true;
    log.logf(kTlsErrors, "%sVERIFY ERROR: %s", prefix.c_str(), cert.username_error.c_str());
    return false;
}

bool check_cert_hash(const options::Options& o, const control::CertFacts& cert, const std::string& prefix,
                     Logger& log)
{
    if (!o.verify_hash || cert.depth != o.verify_hash->depth || !cert.cert)
        return true;
    const auto algo = o.verify_hash->sha1 ? control::CertHashAlgo::Sha1 : control::CertHashAlgo::Sha256;
    if (control::cert_hash_listed(cert.cert.get(), algo, o.verify_hash->hashes))
        return true;
    log.logf(kTlsErrors,
             "%sTLS Error: --tls-verify/--peer-fingerprint certificate hash verification failed. (got "
             "certificate fingerprint: %s)",
             prefix.c_str(), control::hex_colon(control::cert_hash_of(cert.cert.get(), algo), false).c_str());
    return false;
}

bool check_peer_usage(const options::Options& o, const control::CertFacts& cert, const std::string& prefix,
                      Logger& log)
{
    if (cert.depth != 0 || !cert.cert)
        return true;
    if (o.remote_cert_ku) {
        const bool ok = check_key_usage(*o.remote_cert_ku, cert.cert.get(), prefix, log);
        log.logf(kHandshake, "%sVERIFY KU %s", prefix.c_str(), ok ? "OK" : "ERROR");
        if (!ok)
            return false;
    }
    if (o.remote_cert_eku) {
        const bool ok = check_ext_key_usage(*o.remote_cert_eku, cert.cert.get(), prefix, log);
        log.logf(kHandshake, "%sVERIFY EKU %s", prefix.c_str(), ok ? "OK" : "ERROR");
        if (!ok)
            return false;
    }
    return true;
}

ExportedCert::ExportedCert(const options::Options& o, const control::CertFacts& cert, script::Env& env,
                           const std::string& prefix, Logger& log)
{
    if (!o.tls_export_cert || !cert.cert)
        return;
    for (int tries = 0; tries < 6 && path_.empty(); ++tries) {
        std::string name = *o.tls_export_cert + "/openvpn_pef_" + random_hex16() + ".tmp";
        const int fd = ::open(name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
            path_ = std::move(name);
        }
    }
    ok_ = !path_.empty() && control::write_cert_pem(cert.cert.get(), path_);
    if (!ok_) {
        log.logf(kTlsErrors, "%sTLS Error: Failed to export certificate for --tls-export-cert in %s",
                 prefix.c_str(), o.tls_export_cert->c_str());
        return;
    }
    env.set("peer_cert", path_);
}

ExportedCert::~ExportedCert()
{
    if (!path_.empty())
        ::unlink(path_.c_str());
}

} // namespace ovpn::session
