// process/lifecycle.hpp: what a 2.6 process does around the tunnel once it
// is up, and at the end: tell systemd (sd_notify), then drop privileges in
// 2.6's order and with its log lines:
//   --chroot dir   "chroot to '<dir>' and cd to '/' succeeded"
//   --group name   "GID set to <name>"
//   --user name    "UID set to <name>"
// keeping CAP_NET_ADMIN through libcap-ng when the data plane still needs it
// (DCO, or --persist-tun with restarts), as 2.6 does.
#pragma once

#include <string>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::options {
struct Options;
}

namespace ovpn::process {

// after_init: call at "Initialization Sequence Completed", just before
// logging that line (2.6's order: chroot/group/user, then STATUS to systemd,
// then the line); only the first time, 2.6 drops privileges once. Sends
// READY=1 and STATUS=Initialization Sequence Completed to $NOTIFY_SOCKET when
// it is set. Err when a step fails (2.6 exits with a fatal error then).
// keep_net_admin=true (DCO) makes failing to keep CAP_NET_ADMIN fatal; with
// false, 2.6 on Linux still tries to keep it (its netlink route code needs it
// for the routes it deletes at exit) and only warns when it cannot.
Status<> after_init(const options::Options& o, Logger& log, bool keep_net_admin);

// initialization_sequence_completed: after_init() and then the line itself
// ("Initialization Sequence Completed", or "... With Errors" when
// with_errors, which tells systemd "Failed to start up: ..." instead).
Status<> initialization_sequence_completed(const options::Options& o, Logger& log, bool keep_net_admin,
                                           bool with_errors = false);

// notify_ready: 2.6 tells systemd READY=1 before connecting, as soon as the
// process set-up is done ("Pre-connection initialization successful",
// MAINPID). No-op without $NOTIFY_SOCKET.
void notify_ready();

// notify_status: sd_notify "STATUS=<text>"; nothing without $NOTIFY_SOCKET.
void notify_status(const std::string& text);
// notify_stopping: sd_notify "STOPPING=1" (on SIGTERM / exit).
void notify_stopping();

} // namespace ovpn::process
