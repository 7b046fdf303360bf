// process/logging.hpp: turn the logging options into a configured Logger,
// with 2.6's precedence and side effects:
//   --verb, --mute, --suppress-timestamps, --machine-readable-output;
//   --errors-to-stderr: fatal lines to stderr instead of stdout;
//   --log file / --log-append file (the first one given wins, as in 2.6):
//     open it (truncate / append, mode 0600) and point fd 1 and fd 2 at it,
//     so script output lands there too; lines then go to stdout (= the file);
//   --syslog [name], --daemon [name] without --log: syslog(3) with ident
//     `name` (default "openvpn"), LOG_PID, facility daemon.
// 2.6 applies these while it parses; we apply them right after parsing,
// before anything else is logged.
#pragma once

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::options {
struct Options;
}

namespace ovpn::process {

// configure_logging: Err when the --log file cannot be opened (2.6 warns and
// keeps logging to stdout; the caller decides, app logs the same warning).
Status<> configure_logging(Logger& log, const options::Options& o);

// redirect_stdio_to_file: the --log step alone: open `path` (append or
// truncate, 0600) and dup2 it onto fd 1 and 2.
Status<> redirect_stdio_to_file(const std::string& path, bool append);

// syslog_ident: the name the first --syslog / --daemon gave, or "openvpn".
std::string syslog_ident(const options::Options& o);

} // namespace ovpn::process
