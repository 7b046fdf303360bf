// session/privileges.hpp: the one privilege drop of every role (client,
// p2p, server), through process/lifecycle.hpp, at 2.6's moment:
//   - as soon as the device and the socket are open when nothing is pulled
//     (a server; a p2p peer, --secret included);
//   - at "Initialization Sequence Completed" for a pulling client (which
//     says so at start: process::note_delayed_drop).
// Whether CAP_NET_ADMIN must survive the drop is the data plane's property
// (DataPlane::needs_net_admin: DCO needs it for every peer and key change),
// never a mode branch. Without it 2.6 on Linux still tries to keep the
// capability (its netlink code deletes routes at exit) and only warns when
// it cannot; with it, failing to keep it is fatal.
#pragma once

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

// drop_privileges: --chroot, --group, --user now (once per process).
Status<> drop_privileges(const options::Options& o, const data::DataPlane& dp, Logger& log);

// initialization_completed: the privilege drop if it has not happened yet,
// systemd's READY, and the "Initialization Sequence Completed" line.
Status<> initialization_completed(const options::Options& o, const data::DataPlane& dp, Logger& log);

} // namespace ovpn::session
