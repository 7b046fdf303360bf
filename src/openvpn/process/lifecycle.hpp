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

// after_init: call right after logging "Initialization Sequence Completed"
// (only the first time: 2.6 drops privileges once). Sends READY=1 and
// STATUS=... to $NOTIFY_SOCKET when it is set; then chroot/group/user.
// Err when a step fails (2.6 exits with a fatal error then).
Status<> after_init(const options::Options& o, Logger& log, bool keep_net_admin);

// notify_status: sd_notify "STATUS=<text>"; nothing without $NOTIFY_SOCKET.
void notify_status(const std::string& text);
// notify_stopping: sd_notify "STOPPING=1" (on SIGTERM / exit).
void notify_stopping();

} // namespace ovpn::process
