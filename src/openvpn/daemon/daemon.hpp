// daemon/daemon.hpp: what runs once the options are parsed and validated.
// It builds the pieces for the mode (client, p2p, server), picks the data
// plane from the DCO verdict, and runs the event loop until a signal or a
// fatal condition. Returns the process exit code; only main() exits.
#pragma once

#include "openvpn/core/log.hpp"

namespace ovpn::options {
struct Options;
}

namespace ovpn::daemon {

// run: takes the validated options (read-only; the daemon copies what it
// changes, e.g. pulled options) and the logger configured from them.
int run(const options::Options& opts, Logger& log);

} // namespace ovpn::daemon
