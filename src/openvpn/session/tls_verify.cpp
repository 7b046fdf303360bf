// session/tls_verify.cpp: see tls_verify.hpp.
#include "openvpn/session/tls_verify.hpp"

#include "openvpn/control/cert_env.hpp"
#include "openvpn/session/cert_verify.hpp"

namespace ovpn::session {

namespace {

constexpr Verb kHandshake = static_cast<Verb>(2); // 2.6's D_HANDSHAKE

} // namespace

bool run_tls_verify(const options::Options& o, const control::CertFacts& cert,
                    const std::vector<control::CertFacts>& chain, script::Env env, const std::string& prefix,
                    Logger& log, plugin::PluginList* plugins, const plugin::ClientContexts* client)
{
    // 2.6's verify_cert order: the user name, the fingerprint, the exported
    // certificate, the variables, the depth-0 checks, the plugins, the script
    if (!check_username(cert, prefix, log) || !check_cert_hash(o, cert, prefix, log))
        return false;
    ExportedCert exported(o, cert, env, prefix, log);
    if (!exported.ok())
        return false;
    if (!check_peer_usage(o, cert, prefix, log))
        return false;
    // 2.6 sets the time variables when a client is established, not before
    env.unset("time_ascii");
    env.unset("time_unix");
    // 2.6: the variables of every depth verified so far
    if (o.tls_verify || (plugins != nullptr && plugins->defined(OPENVPN_PLUGIN_TLS_VERIFY)))
        for (const auto& [name, value] : control::cert_env(chain))
            env.set(name, value);
    if (plugins != nullptr && plugins->defined(OPENVPN_PLUGIN_TLS_VERIFY)) {
        // 2.6's plugin_call_ssl: the certificate and its depth in the v3 arguments
        const plugin::Hook hook{OPENVPN_PLUGIN_TLS_VERIFY,
                                {std::to_string(cert.depth), cert.subject},
                                cert.cert.get(),
                                cert.depth};
        const bool ok = plugins->call(hook, env, client).ok();
        log.logf(kHandshake, "%sVERIFY PLUGIN %s: depth=%d, %s", prefix.c_str(), ok ? "OK" : "ERROR",
                 cert.depth, cert.subject.c_str());
        if (!ok)
            return false;
    }
    if (o.tls_verify) {
        script::ScriptRunner runner(log, o.script_security.value_or(1));
        const bool ok =
            runner.run("tls-verify", *o.tls_verify, {std::to_string(cert.depth), cert.subject}, env).ok();
        log.logf(kHandshake, "%sVERIFY SCRIPT %s: depth=%d, %s", prefix.c_str(), ok ? "OK" : "ERROR",
                 cert.depth, cert.subject.c_str());
        if (!ok)
            return false;
    }
    log.logf(kHandshake, "%sVERIFY OK: depth=%d, %s", prefix.c_str(), cert.depth, cert.subject.c_str());
    return true;
}

} // namespace ovpn::session
