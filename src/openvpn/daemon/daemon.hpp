// daemon/daemon.hpp: what runs once the options are parsed and validated.
// It builds the pieces for the mode (client, p2p, server), picks the data
// plane from the DCO verdict, and runs the event loop until a signal or a
// fatal condition. Returns the process exit code, or kReloadConfig; only
// main() exits.
#pragma once

#include "openvpn/core/log.hpp"
#include "openvpn/session/run_result.hpp"

namespace ovpn::options {
struct Options;
struct DcoVerdict;
} // namespace ovpn::options
namespace ovpn::session {
class Management;
}

namespace ovpn::daemon {

// kReloadConfig: what run returns for SIGHUP, 2.6's hard restart. The caller
// re-reads the command line and the config files and calls run again.
using session::kReloadConfig;

// run: takes the validated options (read-only; the daemon copies what it
// changes, e.g. pulled options), admission's DCO verdict for them (the data
// plane is chosen from it, session/make_data_plane.hpp) and the logger
// configured from them. A server's SIGUSR1 starts a fresh server with the
// same options inside run. `mgmt`: the management interface, if any (it
// outlives run; its start-up hold is held here, each run).
int run(const options::Options& opts, const options::DcoVerdict& dco, Logger& log,
        session::Management* mgmt = nullptr);

} // namespace ovpn::daemon
