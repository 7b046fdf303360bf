// data/vlan.hpp: 802.1Q tagging for a --dev tap P2MP server with
// --vlan-tagging (2.6's vlan.c). The tap device is a VLAN trunk: a frame
// read from it belongs to the VLAN its tag names (or to the global
// --vlan-pvid when untagged, per --vlan-accept), loses the tag and goes only
// to clients whose --vlan-pvid is that VLAN; a client's frames are untagged
// on the tunnel and get its VLAN's tag on the way to the device.
//
//   802.1Q frame:  dst(6) src(6) | TPID 0x8100 | TCI: PCP(3) DEI(1) VID(12) | ethertype
//
// A "priority-tagged" frame carries a tag with VID 0: it belongs to no VLAN
// but keeps its priority bits, so 2.6 passes it on as it is and, when it
// tags such a frame, only sets the VID (the PCP and DEI bits stay).
// Pure functions on one frame in a PacketBuf; nothing allocates or logs.
#pragma once

#include <cstdint>
#include <optional>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/packet_buf.hpp"

namespace ovpn::data {

inline constexpr std::size_t kVlanTagLen = 4;
inline constexpr std::uint16_t kVlanMinVid = 1, kVlanMaxVid = 4094;

// --vlan-accept: which frames the tap device may hand us.
enum class VlanAccept : std::uint8_t {
    All,      // tagged and untagged (the default)
    Tagged,   // tagged only (a trunk port)
    Untagged, // untagged and priority-tagged only (an access port)
};

struct VlanConfig {
    bool enabled = false; // --vlan-tagging
    VlanAccept accept = VlanAccept::All;
    std::uint16_t pvid = 1; // --vlan-pvid of the server: the VLAN of untagged frames
};

// VlanVerdict: what happened to one frame.
enum class VlanVerdict : std::uint8_t {
    Pass,     // go on (the frame may have been changed)
    Filtered, // refused by the --vlan-accept rule or the client's VLAN
    TooShort, // shorter than an Ethernet (or 802.1Q) header
    NoRoom,   // no headroom for the tag
};

// vlan_vid: the VID of a frame's 802.1Q tag; nullopt when it has none (or is
// too short to hold one).
std::optional<std::uint16_t> vlan_vid(Bytes frame) noexcept;

// VlanIn: a frame from the tap device and the VLAN it belongs to (valid
// when verdict is Pass).
struct VlanIn {
    VlanVerdict verdict = VlanVerdict::Filtered;
    std::uint16_t vid = 0;
};

// vlan_from_tap: a frame read from the tap device (2.6's vlan_decapsulate).
// Untagged or priority-tagged: the global pvid (refused with accept
// Tagged for an untagged one; a priority tag stays on the frame). Tagged
// with a VID: refused with accept Untagged, else the tag is removed and the
// frame belongs to its VID.
VlanIn vlan_from_tap(const VlanConfig& cfg, PacketBuf& frame) noexcept;

// vlan_from_client_ok: a client's frame may enter the server: not tagged
// with a VID (a client must not pick its own VLAN; 2.6 drops those).
bool vlan_from_client_ok(Bytes frame) noexcept;

// vlan_to_tap: a client's frame on its way to the tap device (2.6's
// vlan_process_outgoing_tun). client_pvid is the client's VLAN. Accept
// Untagged: only the global pvid's clients, untagged. All: tagged unless
// the client is on the global pvid. Tagged: always tagged.
VlanVerdict vlan_to_tap(const VlanConfig& cfg, std::uint16_t client_pvid, PacketBuf& frame) noexcept;

// vlan_tag: put `vid` in the frame's tag: a new tag (priority 0) on an
// untagged frame, the VID of a priority tag; an already VLAN-tagged frame is
// refused (Filtered), as 2.6's sanity check does.
VlanVerdict vlan_tag(PacketBuf& frame, std::uint16_t vid) noexcept;

// vlan_untag: remove the tag of a tagged frame (its PCP and DEI bits go
// with it, as 2.6's). Pass also when the frame had no tag.
VlanVerdict vlan_untag(PacketBuf& frame) noexcept;

} // namespace ovpn::data
