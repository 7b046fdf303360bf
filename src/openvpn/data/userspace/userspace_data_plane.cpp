// data/userspace/userspace_data_plane.cpp: the control side of the userspace
// data plane: the device, peers, keys, keepalive timers and the event queue.
// The packet path itself is in packet_path.cpp.
#include "openvpn/data/userspace_data_plane.hpp"

#include <net/if.h>

#include <algorithm>

#include "openvpn/data/userspace/peer.hpp"
#include "openvpn/wire/ping_occ.hpp"

namespace ovpn::data {

namespace {

constexpr std::size_t kScratchSize = 4096;

Err<std::string> no_peer(PeerId id)
{
    return Err{strfmt("no peer %u", id)};
}

} // namespace

const char* drop_name(Drop d) noexcept
{
    static constexpr const char* kNames[] = {
        "too-short",   "unknown-peer",     "no-key",           "unknown-key-id",   "bad-opcode",
        "auth-failed", "replay",           "packet-id-wrap",   "bad-compression",  "bad-fragment",
        "no-link",     "link-send-failed", "link-would-block", "tun-write-failed", "too-big",
        "bad-source",  "ipv6-blocked",     "vlan-filtered"};
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

UserspaceDataPlane::UserspaceDataPlane(std::unique_ptr<tun::TunDevice> tun, const UserspaceConfig& cfg)
    : tun_(std::move(tun)), cfg_(cfg), scratch_(kScratchSize)
{
    device_.name = tun_ ? tun_->name() : "null";
    device_.ifindex = device_.name == "null" ? 0 : ::if_nametoindex(device_.name.c_str());
    device_.persistent = cfg_.persistent;
    const std::size_t batch = cfg_.batch ? cfg_.batch : 1;
    tx_batch_.reserve(batch);
    for (std::size_t i = 0; i < batch; ++i)
        tx_batch_.emplace_back();
    ctl_buf_.emplace_back();
    reply_buf_.emplace_back();
    for (std::size_t i = 0; i < kMaxFragPieces; ++i)
        frag_bufs_.emplace_back();
}

UserspaceDataPlane::~UserspaceDataPlane()
{
    *alive_ = false;
    if (loop_ == nullptr)
        return;
    if (tun_watched_)
        loop_->remove_fd(tun_->fd());
    for (auto t : {keepalive_timer_, event_timer_, shaper_timer_})
        if (t)
            loop_->cancel_timer(*t);
}

Status<> UserspaceDataPlane::attach(io::EventLoop& loop, EventSink sink)
{
    if (loop_ != nullptr)
        return Err{std::string("data plane already attached")};
    loop_ = &loop;
    sink_ = std::move(sink);
    if (tun_ && tun_->fd() >= 0) {
        if (auto s =
                loop.add_fd(tun_->fd(), io::kReadable, [this](std::uint32_t) { on_tun_readable(now()); });
            !s)
            return s;
        tun_watched_ = true;
    }
    return Ok{};
}

TimePoint UserspaceDataPlane::now() const
{
    return loop_ ? loop_->now() : TimePoint{};
}

UserspaceDataPlane::Peer* UserspaceDataPlane::find(PeerId id)
{
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : it->second.get();
}

UserspaceDataPlane::Peer* UserspaceDataPlane::find_live(PeerId id)
{
    Peer* p = find(id);
    return p && !p->gone ? p : nullptr;
}

Status<> UserspaceDataPlane::add_peer(const PeerSpec& peer)
{
    if (peers_.count(peer.id))
        return Err{strfmt("peer %u exists", peer.id)};
    auto p = std::make_unique<Peer>();
    p->spec = peer;
    p->use_to = peer.link && peer.link->proto() == io::LinkProto::Udp && peer.link->remote().empty();
    p->last_rx = p->last_tx = now();
    if (peer.link)
        peer.link->handover_done(); // no kernel takes this socket over: bulk reads from now on
    peers_.emplace(peer.id, std::move(p));
    routes_.add_host(peer.id, peer.vpn_ipv4, peer.vpn_ipv6);
    return Ok{};
}

Status<> UserspaceDataPlane::del_peer(PeerId id)
{
    if (peers_.erase(id) == 0)
        return no_peer(id);
    routes_.remove(id);
    macs_.forget(id);
    // no event is delivered for a peer the caller removed
    std::erase_if(events_, [id](const PeerEvent& e) { return e.id == id; });
    arm_keepalive();
    return Ok{};
}

Status<> UserspaceDataPlane::update_remote(PeerId id, const io::SockAddr& remote, const io::LocalEnd& local)
{
    Peer* p = find(id);
    if (!p)
        return no_peer(id);
    p->spec.remote = remote;
    p->spec.local = local;
    return Ok{};
}

Status<> UserspaceDataPlane::set_iroutes(PeerId id, std::vector<IRoute> routes)
{
    Peer* p = find(id);
    if (!p)
        return no_peer(id);
    for (IRoute& r : routes) {
        const unsigned host = r.family == AF_INET ? 32 : 128;
        if ((r.family != AF_INET && r.family != AF_INET6) || r.prefix_len > host)
            return Err{strfmt("bad iroute for peer %u", id)};
        for (unsigned bit = r.prefix_len; bit < 128; ++bit)
            r.addr[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    }
    routes_.set_iroutes(id, routes);
    return Ok{};
}

std::vector<StaleRoute> UserspaceDataPlane::expire_routes(std::chrono::seconds idle)
{
    const auto n = static_cast<std::uint32_t>(std::max<std::int64_t>(idle.count(), 0));
    stamp_routes(now());
    auto out = routes_.expire(n);
    for (const StaleRoute& r : macs_.expire(n))
        out.push_back(r);
    return out;
}

Status<> UserspaceDataPlane::install_key(PeerId id, KeySlot slot, const DataKeys& keys)
{
    Peer* p = find(id);
    if (!p)
        return no_peer(id);
    crypto::DataChannelConfig dc;
    if (cfg_.static_key) {
        dc.header = crypto::DataHeader::None;
        dc.long_packet_id = true;
        dc.session_time = keys.long_pid_time != 0 ? keys.long_pid_time : secs(now());
        dc.rx_start = keys.rx_replay_start;
    } else if (p->spec.tx_peer_id) {
        dc.header = crypto::DataHeader::DataV2;
        dc.peer_id = *p->spec.tx_peer_id;
    } else {
        dc.header = crypto::DataHeader::DataV1;
    }
    dc.replay_window = cfg_.replay_window;
    dc.replay_time = cfg_.replay_time;
    dc.last_sent_id = cfg_.tx_packet_id_start;
    auto ch = crypto::DataChannel::create(keys, dc);
    if (!ch)
        return Err{ch.error()};
    auto& dst = slot == KeySlot::Primary ? p->primary : p->secondary;
    dst = std::make_unique<crypto::DataChannel>(std::move(*ch));
    if (slot == KeySlot::Primary)
        p->exhaust_reported = false;
    arm_keepalive(); // a ping needs a primary key
    return Ok{};
}

Status<> UserspaceDataPlane::swap_keys(PeerId id)
{
    Peer* p = find(id);
    if (!p)
        return no_peer(id);
    std::swap(p->primary, p->secondary);
    p->exhaust_reported = false;
    arm_keepalive();
    return Ok{};
}

Status<> UserspaceDataPlane::del_key(PeerId id, KeySlot slot)
{
    Peer* p = find(id);
    if (!p)
        return no_peer(id);
    (slot == KeySlot::Primary ? p->primary : p->secondary).reset();
    return Ok{};
}

Status<> UserspaceDataPlane::set_keepalive(PeerId id, std::chrono::seconds interval,
                                           std::chrono::seconds timeout)
{
    Peer* p = find_live(id);
    if (!p)
        return no_peer(id);
    p->ping_interval = interval;
    p->ping_timeout = timeout;
    p->last_rx = now();
    arm_keepalive();
    return Ok{};
}

void UserspaceDataPlane::note_control(PeerId id, bool rx, TimePoint t)
{
    if (Peer* p = find_live(id))
        (rx ? p->last_rx : p->last_tx) = t;
}

Status<> UserspaceDataPlane::send_exit_notify(PeerId id, TimePoint t)
{
    Peer* p = find_live(id);
    if (!p)
        return no_peer(id);
    auto payload = wire::occ_exit_payload();
    if (!send_payload(*p, payload, t))
        return Err{std::string("no key or link for OCC_EXIT")};
    return Ok{};
}

Result<PeerStats> UserspaceDataPlane::stats(PeerId id)
{
    Peer* p = find(id);
    if (!p)
        return no_peer(id);
    PeerStats st = p->st;
    if (cfg_.static_key && p->primary)
        st.rx_highest = p->primary->rx_highest();
    return st;
}

Result<std::vector<std::pair<PeerId, PeerStats>>> UserspaceDataPlane::stats_all()
{
    std::vector<std::pair<PeerId, PeerStats>> out;
    out.reserve(peers_.size());
    for (const auto& [id, p] : peers_)
        out.emplace_back(id, p->st);
    return out;
}

std::vector<std::pair<std::string, std::uint64_t>> UserspaceDataPlane::drop_counts() const
{
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (std::size_t i = 0; i < drops_.n.size(); ++i)
        if (drops_.n[i] != 0)
            out.emplace_back(drop_name(static_cast<Drop>(i)), drops_.n[i]);
    return out;
}

// ---- events: queued, then handed to the sink from a zero-delay timer ----

void UserspaceDataPlane::post_event(PeerEvent ev)
{
    events_.push_back(ev);
    if (loop_ == nullptr || event_timer_)
        return;
    event_timer_ = loop_->add_timer(loop_->now(), [this] { deliver_events(); });
}

void UserspaceDataPlane::deliver_events()
{
    event_timer_.reset();
    const std::shared_ptr<bool> alive = alive_;
    while (*alive && !events_.empty()) {
        const PeerEvent ev = events_.front();
        events_.pop_front();
        const EventSink sink = sink_; // the sink may destroy this data plane (and sink_)
        if (sink)
            sink(ev);
    }
}

// ---- keepalive: one loop timer at the earliest deadline of any peer ----

std::optional<TimePoint> UserspaceDataPlane::next_deadline() const
{
    std::optional<TimePoint> best;
    auto consider = [&best](TimePoint t) {
        if (!best || t < *best)
            best = t;
    };
    for (const auto& [id, p] : peers_) {
        if (p->gone)
            continue;
        if (p->ping_interval.count() > 0 && p->primary)
            consider(p->last_tx + p->ping_interval);
        if (p->ping_timeout.count() > 0)
            consider(p->last_rx + p->ping_timeout);
    }
    return best;
}

void UserspaceDataPlane::arm_keepalive()
{
    if (loop_ == nullptr)
        return;
    if (keepalive_timer_)
        loop_->cancel_timer(*keepalive_timer_);
    keepalive_timer_.reset();
    if (auto t = next_deadline())
        keepalive_timer_ = loop_->add_timer(*t, [this] { on_keepalive_timer(); });
}

// on_keepalive_timer: a deadline passed (traffic since may have moved it on,
// then this only re-arms): report expired peers Gone, ping quiet ones.
void UserspaceDataPlane::on_keepalive_timer()
{
    keepalive_timer_.reset();
    const TimePoint t = now();
    for (auto& [id, p] : peers_) {
        if (p->gone)
            continue;
        if (p->ping_timeout.count() > 0 && t >= p->last_rx + p->ping_timeout) {
            p->gone = true;
            post_event(PeerEvent{id, PeerEventKind::Gone, DelReason::Expired});
            continue;
        }
        if (p->ping_interval.count() > 0 && t >= p->last_tx + p->ping_interval) {
            if (!send_payload(*p, wire::kPingMagic, t))
                p->last_tx = t; // no key yet: try again one interval later
        }
    }
    arm_keepalive();
}

} // namespace ovpn::data
