// session/make_data_plane.hpp: THE place that decides which data plane
// runs. Client, p2p and server call it when they need their device (once,
// or again after a restart that closed it) and then hold a
// std::unique_ptr<data::DataPlane> without ever asking which one it is.
//
// The choice is made from the DCO verdict that admission computed at
// start-up (options::dco_verdict, the function --check-config uses too):
//   verdict enabled  -> the kernel data plane (ovpn-dco device), falling
//                       back to userspace with 2.6's note when it cannot be
//                       opened; not wired yet: see make_data_plane.cpp
//   verdict blocked  -> the userspace data plane on a tun device (the
//                       blocker was logged at start-up)
// No other file names an implementation (tools/check-seam.sh holds this).
#pragma once

#include <memory>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/options/dco.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

// PlaneMode: one peer (client, p2p: a P2P device) or one per client (a
// --mode server: an MP device, routing by VPN address and iroute).
enum class PlaneMode : std::uint8_t { P2P, MultiPeer };

// make_data_plane: open the device of `o` (--dev, --dev-type, --persist-tun,
// --dev null) with the data plane the verdict allows, log 2.6's line for it
// ("TUN/TAP device tun0 opened"), and attach it to `loop` with `sink`.
// Err carries 2.6's text for a device that cannot be opened.
Result<std::unique_ptr<data::DataPlane>> make_data_plane(const options::Options& o,
                                                         const options::DcoVerdict& dco, PlaneMode mode,
                                                         io::EventLoop& loop, data::EventSink sink,
                                                         Logger& log);

} // namespace ovpn::session
