// session/make_data_plane.hpp: THE place that decides which data plane
// runs. Client, p2p and server call it when they need their device (once,
// or again after a restart that closed it) and then hold a
// std::unique_ptr<data::DataPlane> without ever asking which one it is.
//
// The choice is made from the DCO verdict that admission computed at
// start-up (options::dco_verdict, the function --check-config uses too):
//   verdict enabled  -> the kernel data plane (an ovpn-dco device, P2P for a
//                       client or p2p, MP for a server; 2.6's naming), with
//                       2.6's "DCO device X opened"; when the device cannot
//                       be opened, the userspace data plane, after a note
//                       that says why (2.6 gives up there; we fall back)
//   verdict blocked  -> the userspace data plane on a tun device (the
//                       blocker was logged at start-up)
// Either way one line at verb 1 says which plane runs and why
// ("Data channel offload: on (ovpn-dco-v2 <version>, device tun0)" / "...
// off (<reason>) ..."); PlaneChoice carries the same facts for the status
// file and the management interface.
//
// Pushed options: pushed_options_allow() is the check 2.6 makes again
// after PUSH_REPLY when DCO is (going to be) on.
//
// No other file names an implementation (tools/check-seam.sh holds this).
#pragma once

#include <memory>
#include <string>

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

// PlaneChoice: which data plane runs, on which device, and why.
struct PlaneChoice {
    bool offload = false; // the kernel carries the data channel (ovpn-dco)
    std::string device;   // "tun0"
    // why: on: "ovpn-dco-v2 <module version>"; off: the reason, naming the
    // option ("--disable-dco", "--fragment", "no ovpn-dco-v2 support in the
    // kernel", "Cannot open DCO device tun0: Operation not permitted (-1)").
    std::string why;

    // line: the verb-1 log line.
    std::string line() const;
    // device_kind: 2.6's word for the device ("Closing DCO interface" /
    // "Closing TUN/TAP interface").
    const char* device_kind() const noexcept { return offload ? "DCO" : "TUN/TAP"; }
};

// make_data_plane: open the device of `o` (--dev, --dev-type, --persist-tun,
// --dev null) with the data plane the verdict allows, log 2.6's line for it
// ("DCO device tun0 opened" / "TUN/TAP device tun0 opened") and the
// "Data channel offload:" line, and attach it to `loop` with `sink`.
// `choice`, when given, receives what the line says. Err carries 2.6's text
// for a device that cannot be opened at all.
Result<std::unique_ptr<data::DataPlane>> make_data_plane(const options::Options& o,
                                                         const options::DcoVerdict& dco, PlaneMode mode,
                                                         io::EventLoop& loop, data::EventSink sink,
                                                         Logger& log, PlaneChoice* choice = nullptr);

// pushed_options_allow: 2.6's check of the options a server pushed, made
// when DCO is on (`dp`) or about to be tried (no device yet and the verdict
// allows it): the server must have pushed a peer-id (DATA_V2), and the
// pushed options must not bring a DCO blocker (options::dco_option_blockers,
// the function the verdict uses). Err: the line to log; 2.6 then refuses
// the push ("ERROR: Failed to apply push options") and restarts.
Status<> pushed_options_allow(const options::Options& pushed, bool peer_id_pushed,
                              const options::DcoVerdict& dco, const data::DataPlane* dp, Logger& log);

// dco_wanted: whether the next device will be tried with DCO (the verdict
// allows it and the device open, `dp`, if any, is offloaded). For what
// depends on it before the device exists (the peer-info's compression
// lines, as 2.6's COMP_F_ALLOW_NOCOMP_ONLY).
bool dco_wanted(const options::DcoVerdict& dco, const data::DataPlane* dp);

// offloaded: the data plane is the kernel's.
bool offloaded(const data::DataPlane& dp);

} // namespace ovpn::session
