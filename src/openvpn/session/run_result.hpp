// session/run_result.hpp: what a Client or Server run() returns: 2.6's
// exit codes, or a request to daemon::run (never returned by the process).
#pragma once

namespace ovpn::session {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
// kRunAgain: start a fresh Client/Server with the same options (a server's
// SIGUSR1); kReloadConfig: SIGHUP, re-read the command line and config files
// and start again, as 2.6's hard restart does.
inline constexpr int kRunAgain = -1;
inline constexpr int kReloadConfig = -2;

} // namespace ovpn::session
