// data/userspace/userspace_data_plane.cpp: placeholder bodies; the packet
// path lands in the next commits behind this interface.
#include "openvpn/data/userspace_data_plane.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

namespace ovpn::data {

struct UserspaceDataPlane::Peer {};

const char* drop_name(Drop d) noexcept
{
    static constexpr const char* kNames[] = {
        "too-short",   "unknown-peer",     "no-key",           "unknown-key-id",   "bad-opcode",
        "auth-failed", "replay",           "packet-id-wrap",   "bad-compression",  "bad-fragment",
        "no-link",     "link-send-failed", "link-would-block", "tun-write-failed", "too-big"};
    auto i = static_cast<std::size_t>(d);
    return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::uint64_t DropCounters::total() const noexcept
{
    std::uint64_t t = 0;
    for (auto v : n)
        t += v;
    return t;
}

UserspaceDataPlane::UserspaceDataPlane(const UserspaceConfig& cfg)
    : cfg_(cfg), event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
}
UserspaceDataPlane::~UserspaceDataPlane()
{
    if (event_fd_ >= 0)
        ::close(event_fd_);
}

static Status<> not_yet()
{
    return Err{std::string("userspace data plane: not implemented yet")};
}
Status<> UserspaceDataPlane::add_peer(const PeerSpec&)
{
    return not_yet();
}
Status<> UserspaceDataPlane::del_peer(PeerId)
{
    return not_yet();
}
Status<> UserspaceDataPlane::install_key(PeerId, KeySlot, const DataKeys&)
{
    return not_yet();
}
Status<> UserspaceDataPlane::swap_keys(PeerId)
{
    return not_yet();
}
Status<> UserspaceDataPlane::del_key(PeerId, KeySlot)
{
    return not_yet();
}
Status<> UserspaceDataPlane::set_keepalive(PeerId, std::chrono::seconds, std::chrono::seconds)
{
    return not_yet();
}
Result<PeerStats> UserspaceDataPlane::stats(PeerId)
{
    return Err{std::string("no such peer")};
}
std::vector<PeerEvent> UserspaceDataPlane::poll_events()
{
    return std::move(events_);
}
Status<> UserspaceDataPlane::attach_link(PeerId, io::LinkSocket&, const io::SockAddr&)
{
    return not_yet();
}
Status<> UserspaceDataPlane::set_tx_peer_id(PeerId, std::optional<std::uint32_t>)
{
    return not_yet();
}
bool UserspaceDataPlane::is_data_packet(std::uint8_t byte0) noexcept
{
    const unsigned op = byte0 >> 3;
    return op == 6 || op == 9;
}
std::size_t UserspaceDataPlane::on_tun_readable(TimePoint)
{
    return 0;
}
std::size_t UserspaceDataPlane::on_link_packets(PeerId, std::span<PacketBuf>, TimePoint)
{
    return 0;
}
void UserspaceDataPlane::note_rx(PeerId, TimePoint)
{
}
void UserspaceDataPlane::note_tx(PeerId, TimePoint)
{
}
std::optional<TimePoint> UserspaceDataPlane::next_deadline() const
{
    return std::nullopt;
}
void UserspaceDataPlane::on_timer(TimePoint)
{
}
Status<> UserspaceDataPlane::send_occ_exit(PeerId, TimePoint)
{
    return not_yet();
}
bool UserspaceDataPlane::take_remote_exit(PeerId)
{
    return false;
}

} // namespace ovpn::data
