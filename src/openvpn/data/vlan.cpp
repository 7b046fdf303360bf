// data/vlan.cpp: see vlan.hpp.
#include "openvpn/data/vlan.hpp"

#include <cstring>

#include "openvpn/data/ethernet.hpp"

namespace ovpn::data {

namespace {

constexpr std::size_t kMacsLen = 12;      // dst + src
constexpr std::size_t kTypeAt = kMacsLen; // ethertype, or the TPID of a tag
constexpr std::uint16_t kVidMask = 0x0fff;

std::uint16_t be16(const std::uint8_t* p) noexcept
{
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void put16(std::uint8_t* p, std::uint16_t v) noexcept
{
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

bool has_tag(Bytes frame) noexcept
{
    return frame.size() >= kEthHeaderLen && be16(frame.data() + kTypeAt) == kEthType8021q;
}

} // namespace

std::optional<std::uint16_t> vlan_vid(Bytes frame) noexcept
{
    if (!has_tag(frame) || frame.size() < kVlanHeaderLen)
        return std::nullopt;
    return static_cast<std::uint16_t>(be16(frame.data() + kTypeAt + 2) & kVidMask);
}

VlanIn vlan_from_tap(const VlanConfig& cfg, PacketBuf& frame) noexcept
{
    if (frame.size() < kEthHeaderLen)
        return {VlanVerdict::TooShort, 0};
    if (!has_tag(frame.span())) {
        if (cfg.accept == VlanAccept::Tagged)
            return {VlanVerdict::Filtered, 0};
        return {VlanVerdict::Pass, cfg.pvid};
    }
    const auto vid = vlan_vid(frame.span());
    if (!vid)
        return {VlanVerdict::TooShort, 0};
    if (*vid == 0) // priority-tagged: the global VLAN, the tag kept
        return {VlanVerdict::Pass, cfg.pvid};
    if (cfg.accept == VlanAccept::Untagged)
        return {VlanVerdict::Filtered, 0};
    return {vlan_untag(frame), *vid};
}

bool vlan_from_client_ok(Bytes frame) noexcept
{
    const auto vid = vlan_vid(frame);
    return !vid || *vid == 0;
}

VlanVerdict vlan_to_tap(const VlanConfig& cfg, std::uint16_t client_pvid, PacketBuf& frame) noexcept
{
    switch (cfg.accept) {
    case VlanAccept::Untagged:
        return client_pvid == cfg.pvid ? VlanVerdict::Pass : VlanVerdict::Filtered;
    case VlanAccept::All:
        return client_pvid == cfg.pvid ? VlanVerdict::Pass : vlan_tag(frame, client_pvid);
    case VlanAccept::Tagged:
        break;
    }
    return vlan_tag(frame, client_pvid);
}

VlanVerdict vlan_tag(PacketBuf& frame, std::uint16_t vid) noexcept
{
    if (frame.size() < kEthHeaderLen)
        return VlanVerdict::TooShort;
    if (has_tag(frame.span())) {
        const auto old = vlan_vid(frame.span());
        if (!old)
            return VlanVerdict::TooShort;
        if (*old != 0)
            return VlanVerdict::Filtered;
    } else {
        if (frame.prepend(kVlanTagLen).empty())
            return VlanVerdict::NoRoom;
        std::uint8_t* p = frame.data();
        std::memmove(p, p + kVlanTagLen, kMacsLen);
        put16(p + kTypeAt, kEthType8021q);
        put16(p + kTypeAt + 2, 0);
    }
    std::uint8_t* tci = frame.data() + kTypeAt + 2;
    put16(tci, static_cast<std::uint16_t>((be16(tci) & ~kVidMask) | (vid & kVidMask)));
    return VlanVerdict::Pass;
}

VlanVerdict vlan_untag(PacketBuf& frame) noexcept
{
    if (!has_tag(frame.span()))
        return frame.size() < kEthHeaderLen ? VlanVerdict::TooShort : VlanVerdict::Pass;
    if (frame.size() < kVlanHeaderLen)
        return VlanVerdict::TooShort;
    std::uint8_t* p = frame.data();
    std::memmove(p + kVlanTagLen, p, kMacsLen);
    (void)frame.consume_front(kVlanTagLen);
    return VlanVerdict::Pass;
}

} // namespace ovpn::data
