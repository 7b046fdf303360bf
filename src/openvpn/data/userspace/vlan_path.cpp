// data/userspace/vlan_path.cpp: --vlan-tagging on the userspace packet path
// of a tap P2MP server: where a frame's VLAN is decided and its tag put on
// or taken off (the tag handling itself is data/vlan.hpp), and the checks a
// peer's frame passes before it is routed. Every refused frame is counted.
#include "openvpn/data/userspace/peer.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "openvpn/data/vlan.hpp"

namespace ovpn::data {

namespace {

Drop drop_of(VlanVerdict v) noexcept
{
    switch (v) {
    case VlanVerdict::TooShort:
        return Drop::TooShort;
    case VlanVerdict::NoRoom:
        return Drop::TooBig;
    default:
        return Drop::VlanFiltered;
    }
}

} // namespace

// vid_of: the VLAN p's frames belong to: its --vlan-pvid, else the server's;
// 0 (no VLAN) without --vlan-tagging.
std::uint16_t UserspaceDataPlane::vid_of(const Peer& p) const noexcept
{
    if (!cfg_.vlan.enabled)
        return 0;
    return p.spec.vlan_pvid ? p.spec.vlan_pvid : cfg_.vlan.pvid;
}

// vlan_in: a frame read from tun: its VLAN in vid, its tag removed. false:
// refused (counted).
bool UserspaceDataPlane::vlan_in(PacketBuf& frame, std::uint16_t& vid)
{
    const VlanIn in = vlan_from_tap(cfg_.vlan, frame);
    if (in.verdict != VlanVerdict::Pass) {
        drops_.add(drop_of(in.verdict));
        return false;
    }
    vid = in.vid;
    return true;
}

// vlan_out: p's frame on its way to tun, tagged for p's VLAN as
// --vlan-accept wants. false: refused (counted).
bool UserspaceDataPlane::vlan_out(const Peer& p, PacketBuf& frame)
{
    const VlanVerdict v = vlan_to_tap(cfg_.vlan, vid_of(p), frame);
    if (v != VlanVerdict::Pass)
        drops_.add(drop_of(v));
    return v == VlanVerdict::Pass;
}

// admit: multi_peer's checks on a decrypted packet of p: with
// --vlan-tagging a frame a client tagged with a VLAN itself is refused (2.6
// drops it before looking at its addresses); then the source check.
bool UserspaceDataPlane::admit(Peer& p, const PacketBuf& pkt)
{
    if (cfg_.vlan.enabled && !vlan_from_client_ok(pkt.span())) {
        drops_.add(Drop::VlanFiltered);
        return false;
    }
    if (source_ok(p, pkt))
        return true;
    drops_.add(Drop::BadSource);
    return false;
}

} // namespace ovpn::data
