// session/engine_note.hpp: --engine as Debian's 2.6.14 treats it. Its
// OpenSSL 3 build has no engine support (HAVE_OPENSSL_ENGINE unset), so
// crypto_init_lib_engine loads nothing and says so at each crypto set-up:
// every start and restart, and every client instance of a server.
#pragma once

#include <string>

#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

// note_engine: 2.6's M_WARN line when --engine was given (shown at verb 0).
inline void note_engine(const options::Options& o, Logger& log, const std::string& prefix = {})
{
    if (o.given("engine"))
        log.write(Verb::Fatal, mute::None, Severity::Warning,
                  prefix + "Note: OpenSSL hardware crypto engine functionality is not available");
}

} // namespace ovpn::session
