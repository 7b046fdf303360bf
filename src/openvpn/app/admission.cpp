// app/admission.cpp: see admission.hpp.
#include "openvpn/app/admission.hpp"

#include "openvpn/options/validate.hpp"

namespace ovpn::app {
namespace {

// runs_mode: the daemon runs P2MP servers, TLS clients and peers, and
// --secret peers; 2.6 also runs a peer with no crypto at all.
bool runs_mode(const options::Options& o)
{
    return o.is_server() || o.secret || o.tls_client || o.tls_server;
}

} // namespace

Admission admission(const options::Options& o, Logger& log, const options::DcoHost& host)
{
    Admission a;
    a.errors = options::validate(o, log);
    if (!runs_mode(o))
        a.errors.push_back("Options error: a peer without --secret or TLS (no encryption at all) is not "
                           "supported by this build: use --client, --tls-client or --tls-server (or "
                           "--secret)");
    a.gaps = options::runtime_unsupported(o);
    a.dco = options::dco_verdict(o, host);
    return a;
}

} // namespace ovpn::app
