// process/lifecycle.hpp: what a 2.6 process does around the tunnel once it
// is up, and at the end: tell systemd (sd_notify), then drop privileges in
// 2.6's order and with its log lines:
//   --chroot dir   "chroot to '<dir>' and cd to '/' succeeded"
//   --group name   "GID set to <name>"
//   --user name    "UID set to <name>"
// keeping CAP_NET_ADMIN through libcap-ng when the data plane still needs it
// (DCO, or --persist-tun with restarts), as 2.6 does.
#pragma once

#include <sys/types.h>

#include <string>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::options {
struct Options;
}

namespace ovpn::process {

// after_init: call at "Initialization Sequence Completed", just before
// logging that line (2.6's order: chroot/group/user, then STATUS to systemd,
// then the line); privileges are dropped once (see drop_privileges). Sends
// READY=1 and STATUS=Initialization Sequence Completed to $NOTIFY_SOCKET when
// it is set. Err when a step fails (2.6 exits with a fatal error then).
// keep_net_admin=true (DCO) makes failing to keep CAP_NET_ADMIN fatal; with
// false, 2.6 on Linux still tries to keep it (its netlink route code needs it
// for the routes it deletes at exit) and only warns when it cannot.
Status<> after_init(const options::Options& o, Logger& log, bool keep_net_admin);

// drop_privileges: the chroot/group/user part of after_init() alone, done
// once per process (later calls, after_init's included, do nothing). 2.6
// does it as soon as the tun device and the socket are open when nothing
// is pulled (p2p without --pull/--client and without --up-delay), and at
// "Initialization Sequence Completed" otherwise.
Status<> drop_privileges(const options::Options& o, Logger& log, bool keep_net_admin);

// check_user_group: --group and --user exist (2.6 looks them up once at
// start-up and stops there: "failed to find GID for group X", then
// "failed to find UID for user X"). Err carries that message.
Status<> check_user_group(const options::Options& o);
// lookup_user / lookup_group: one --user / --group name, with the message
// above when it does not exist (check_user_group and --mktun use them).
Result<uid_t> lookup_user(const std::string& name);
Result<gid_t> lookup_group(const std::string& name);

// note_delayed_drop: 2.6's notes when a pulling client leaves its chroot /
// UID/GID change for "Initialization Sequence Completed" ("NOTE: UID/GID
// downgrade will be delayed because of --client, --pull, or --up-delay").
// Nothing once privileges were dropped.
void note_delayed_drop(const options::Options& o, Logger& log);

// privilege_warnings: 2.6's start-up warnings for --user/--group/--chroot
// without --persist-tun / --persist-key, and --chroot without user+group.
void privilege_warnings(const options::Options& o, Logger& log);

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
