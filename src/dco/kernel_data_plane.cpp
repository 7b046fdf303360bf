// dco/kernel_data_plane.cpp: see kernel_data_plane.hpp.
#include "dco/kernel_data_plane.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "dco/availability.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/wire/opcode.hpp"

namespace ovpn::dco {
namespace {

constexpr auto kDataV1LogInterval = std::chrono::seconds(60);

OpenError open_error(OpenErrorKind k, int err, std::string message)
{
    OpenError e;
    e.kind = k;
    e.err = err;
    e.message = std::move(message);
    return e;
}

// refused_or: the kind of a failed step; a permission refusal (EPERM,
// EACCES) is NotPermitted whichever step the kernel refused.
OpenErrorKind refused_or(int err, OpenErrorKind otherwise)
{
    return err == EPERM || err == EACCES ? OpenErrorKind::NotPermitted : otherwise;
}

// cannot_open: 2.6's "Cannot open DCO device %s: %s (%d)" with -errno.
OpenError cannot_open(const std::string& name, int err)
{
    return open_error(refused_or(err, OpenErrorKind::CreateFailed), err,
                      "Cannot open DCO device " + name + ": " + std::strerror(err) + " (" +
                          std::to_string(-err) + ")");
}

// open_fixed: --dev NAME: reuse an ovpn-dco device of that name, refuse
// any other kind, else create it.
Result<data::Device, OpenError> open_fixed(RtnlSocket& rtnl, const std::string& name, LinkMode mode,
                                           bool create)
{
    auto li = rtnl.get_link(name);
    if (li) {
        if (li->kind != uapi::kLinkKind)
            return Err{open_error(OpenErrorKind::NotDcoDevice, EEXIST,
                                  "Interface " + name + " exists and is non-DCO")};
        return data::Device{name, li->ifindex, true};
    }
    if (rtnl.last_errno() != ENODEV)
        return Err{open_error(OpenErrorKind::Netlink, rtnl.last_errno(),
                              "Cannot retrieve type of device " + name + ": " + li.error())};
    if (!create)
        return Err{open_error(OpenErrorKind::CreateFailed, ENODEV, "DCO device " + name + " does not exist")};
    auto made = rtnl.new_link(name, mode);
    if (made)
        return data::Device{name, made->ifindex, false};
    int err = rtnl.last_errno();
    if (err == EEXIST) // created by someone else meanwhile: look again
        return open_fixed(rtnl, name, mode, false);
    return Err{cannot_open(name, err ? err : EIO)};
}

// open_dynamic: --dev tun: the first of tun0..tun255 that can be created.
Result<data::Device, OpenError> open_dynamic(RtnlSocket& rtnl, const std::vector<std::string>& names,
                                             LinkMode mode)
{
    for (const auto& name : names) {
        auto made = rtnl.new_link(name, mode);
        if (made)
            return data::Device{name, made->ifindex, false};
        int err = rtnl.last_errno();
        if (err == EEXIST)
            continue;
        // 2.6 stops only on EPERM; any other error would repeat 256 times.
        return Err{cannot_open(name, err ? err : EIO)};
    }
    return Err{open_error(OpenErrorKind::NoFreeName, EEXIST, "Cannot allocate DCO dev dynamically")};
}

} // namespace

const char* open_error_name(OpenErrorKind k) noexcept
{
    switch (k) {
    case OpenErrorKind::FamilyMissing:
        return "family-missing";
    case OpenErrorKind::NotPermitted:
        return "not-permitted";
    case OpenErrorKind::NotDcoDevice:
        return "not-dco-device";
    case OpenErrorKind::NoFreeName:
        return "no-free-name";
    case OpenErrorKind::CreateFailed:
        return "create-failed";
    case OpenErrorKind::Netlink:
        return "netlink";
    }
    return "unknown";
}

// ---- open / close ----------------------------------------------------------

KernelDataPlane::KernelDataPlane(const KernelDataPlaneConfig& cfg, Sockets s, data::Device dev)
    : mode_(cfg.mode), log_(cfg.log), s_(std::move(s)), device_(std::move(dev)), created_(!device_.persistent)
{
}

Result<std::unique_ptr<KernelDataPlane>, OpenError> KernelDataPlane::open(const KernelDataPlaneConfig& cfg)
{
    // 2.6's dco_available(): the family must resolve (this may autoload it).
    if (auto a = dco_family_available(); !a.available)
        return Err{open_error(OpenErrorKind::FamilyMissing, ENOENT,
                              "Kernel support for ovpn-dco missing (" + a.reason + ")")};
    Sockets s;
    auto cmd = GenlSocket::open();
    auto events = GenlSocket::open();
    auto rtnl = RtnlSocket::open();
    if (!cmd || !events || !rtnl)
        return Err{open_error(OpenErrorKind::Netlink, 0,
                              !cmd      ? cmd.error()
                              : !events ? events.error()
                                        : rtnl.error())};
    s.cmd = std::move(*cmd);
    s.events = std::move(*events);
    s.rtnl = std::move(*rtnl);
    // Our module admits only CAP_NET_ADMIN to the peers group (Debian's
    // admits anyone): without it the open is refused here, before the link.
    if (auto st = s.events->subscribe_peers(); !st) {
        int err = s.events->last_errno();
        return Err{open_error(refused_or(err, OpenErrorKind::Netlink), err, st.error())};
    }
    auto names = candidate_names(cfg.dev);
    auto dev = names.size() == 1 ? open_fixed(*s.rtnl, names[0], cfg.mode, cfg.create)
                                 : open_dynamic(*s.rtnl, names, cfg.mode);
    if (!dev)
        return Err{dev.error()};
    return std::unique_ptr<KernelDataPlane>(new KernelDataPlane(cfg, std::move(s), std::move(*dev)));
}

KernelDataPlane::~KernelDataPlane()
{
    if (loop_)
        loop_->remove_fd(s_.events->fd());
    for (auto& [handle, p] : book_.all()) {
        auto copy = p;
        remove_routes(copy);
        (void)s_.cmd->del_peer(device_.ifindex, p.kernel_id);
    }
    if (created_)
        (void)s_.rtnl->del_link(device_.ifindex);
}

Status<> KernelDataPlane::attach(io::EventLoop& loop, data::EventSink sink)
{
    if (loop_)
        return Err{std::string("DCO: the data plane is already attached to an event loop")};
    if (auto st =
            loop.add_fd(s_.events->fd(), io::kReadable, [this](std::uint32_t) { read_notifications(); });
        !st)
        return Err{"DCO: cannot watch the notification socket: " + st.error()};
    loop_ = &loop;
    sink_ = std::move(sink);
    return Ok{};
}

// ---- peers -----------------------------------------------------------------

Result<const PeerBook::Peer*> KernelDataPlane::peer(data::PeerId id) const
{
    const auto* p = book_.find(id);
    if (!p)
        return Err{"DCO: unknown peer " + std::to_string(id)};
    return p;
}

std::optional<std::uint32_t> KernelDataPlane::kernel_peer_id(data::PeerId id) const
{
    const auto* p = book_.find(id);
    if (!p)
        return std::nullopt;
    return p->kernel_id;
}

Status<> KernelDataPlane::add_peer(const data::PeerSpec& spec)
{
    if (book_.find(spec.id))
        return Err{"DCO: peer " + std::to_string(spec.id) + " already exists"};
    if (mode_ == LinkMode::P2P && book_.size() > 0)
        return Err{"DCO: a P2P device carries one peer; delete peer " +
                   std::to_string(book_.all().begin()->first) + " first"};
    if (!spec.link)
        return Err{std::string("DCO: the peer has no transport socket")};
    auto facts = link_facts(*spec.link);
    auto msg = to_new_peer_msg(spec, facts, mode_);
    if (!msg)
        return Err{msg.error()};
    if (book_.handle_of(msg->peer_id))
        return Err{"DCO: peer-id " + std::to_string(msg->peer_id) + " is already used by another peer"};
    if (!facts.udp && spec.link->holds_partial_record())
        return Err{
            std::string("DCO: the TCP socket holds part of a record; handing it to the kernel now would "
                        "start the kernel in the middle of that record")};
    if (auto st = s_.cmd->new_peer(device_.ifindex, *msg); !st)
        return Err{st.error()};
    spec.link->handover_done();
    gone_.erase(spec.id);
    PeerBook::Peer p;
    p.handle = spec.id;
    p.kernel_id = msg->peer_id;
    p.link = spec.link;
    p.udp = facts.udp;
    p.remote = spec.remote.empty() ? facts.connected_remote : spec.remote;
    p.vpn_ipv4 = msg->vpn_ipv4;
    p.vpn_ipv6 = msg->vpn_ipv6;
    return book_.add(std::move(p));
}

Status<> KernelDataPlane::del_peer(data::PeerId id)
{
    auto* p = book_.find(id);
    if (!p) {
        if (gone_.erase(id))
            return Ok{}; // reported Gone: nothing left to free
        return Err{"DCO: unknown peer " + std::to_string(id)};
    }
    remove_routes(*p);
    auto st = s_.cmd->del_peer(device_.ifindex, p->kernel_id);
    // Either way one notification for this kernel id is still on its way:
    // the echo of this DEL_PEER, or (ENOENT) the one of the kernel's own
    // earlier deletion. It must not become an event.
    bool gone_already = !st && s_.cmd->last_errno() == ENOENT;
    book_.remove(id, st.ok() || gone_already);
    if (!st && !gone_already)
        return st;
    return Ok{};
}

Status<> KernelDataPlane::update_remote(data::PeerId id, const io::SockAddr& remote,
                                        const io::LocalEnd& local)
{
    (void)local; // the module learns its local address from each packet itself
    auto* p = book_.find(id);
    if (!p)
        return Err{"DCO: unknown peer " + std::to_string(id)};
    p->remote = remote; // the module follows floats itself
    return Ok{};
}

// ---- iroutes ---------------------------------------------------------------

Status<> KernelDataPlane::set_iroutes(data::PeerId id, std::vector<data::IRoute> routes)
{
    auto* p = book_.find(id);
    if (!p)
        return Err{"DCO: unknown peer " + std::to_string(id)};
    std::vector<RouteSpec> want;
    for (const auto& r : routes) {
        auto spec = to_route_spec(r, p->vpn_ipv4, p->vpn_ipv6, device_.ifindex);
        if (!spec)
            return Err{spec.error()};
        // No VPN address of that family: 2.6 installs no route either.
        if (*spec && std::find(want.begin(), want.end(), **spec) == want.end())
            want.push_back(**spec);
    }
    return install_routes(*p, std::move(want));
}

Status<> KernelDataPlane::install_routes(PeerBook::Peer& p, std::vector<RouteSpec> want)
{
    std::vector<RouteSpec> kept;
    for (const auto& r : p.routes) {
        if (std::find(want.begin(), want.end(), r) != want.end())
            kept.push_back(r);
        else
            (void)s_.rtnl->del_route(r);
    }
    std::optional<std::string> first_error;
    for (const auto& r : want) {
        if (std::find(kept.begin(), kept.end(), r) != kept.end())
            continue;
        if (auto st = s_.rtnl->add_route(r); !st) {
            if (!first_error)
                first_error = st.error();
            continue;
        }
        kept.push_back(r);
    }
    p.routes = std::move(kept);
    if (first_error)
        return Err{*first_error};
    return Ok{};
}

void KernelDataPlane::remove_routes(PeerBook::Peer& p)
{
    for (const auto& r : p.routes)
        (void)s_.rtnl->del_route(r);
    p.routes.clear();
}

// ---- keys and keepalive ----------------------------------------------------

Status<> KernelDataPlane::install_key(data::PeerId id, data::KeySlot slot, const data::DataKeys& keys)
{
    auto p = peer(id);
    if (!p)
        return Err{p.error()};
    auto msg = to_new_key_msg((*p)->kernel_id, slot, keys);
    if (!msg)
        return Err{msg.error()};
    return s_.cmd->new_key(device_.ifindex, *msg);
}

Status<> KernelDataPlane::swap_keys(data::PeerId id)
{
    auto p = peer(id);
    if (!p)
        return Err{p.error()};
    return s_.cmd->swap_keys(device_.ifindex, (*p)->kernel_id);
}

Status<> KernelDataPlane::del_key(data::PeerId id, data::KeySlot slot)
{
    auto p = peer(id);
    if (!p)
        return Err{p.error()};
    return s_.cmd->del_key(device_.ifindex, (*p)->kernel_id, to_uapi_slot(slot));
}

Status<> KernelDataPlane::set_keepalive(data::PeerId id, std::chrono::seconds interval,
                                        std::chrono::seconds timeout)
{
    auto p = peer(id);
    if (!p)
        return Err{p.error()};
    auto i = keepalive_secs(interval);
    auto t = keepalive_secs(timeout);
    if (!i || !t)
        return Err{!i ? i.error() : t.error()};
    return s_.cmd->set_peer(device_.ifindex, (*p)->kernel_id, *i, *t);
}

// ---- packets userspace still sees ------------------------------------------

std::size_t KernelDataPlane::on_link_data(data::PeerId, std::span<PacketBuf> pkts, TimePoint now)
{
    for (const auto& b : pkts) {
        if (!b.empty() && wire::opcode_bits(b.data()[0]) == static_cast<std::uint8_t>(wire::Opcode::DataV1)) {
            ++data_v1_;
            note_data_v1(now);
        } else {
            ++data_in_userspace_;
        }
    }
    return 0;
}

void KernelDataPlane::note_data_v1(TimePoint now)
{
    if (!log_)
        return;
    if (data_v1_logged_ && now - *data_v1_logged_ < kDataV1LogInterval)
        return;
    data_v1_logged_ = now;
    log_->logm(
        Verb::Error, mute::LinkErrors,
        "Data Channel Offload doesn't support DATA_V1 packets. Upgrade your server to 2.4.5 or newer.");
}

Status<> KernelDataPlane::send_exit_notify(data::PeerId, TimePoint)
{
    return Err{
        std::string("DCO: ovpn-dco cannot send an OCC exit on the data channel; use the control channel "
                    "EXIT message")};
}

// ---- counters --------------------------------------------------------------

Result<data::PeerStats> KernelDataPlane::stats(data::PeerId id)
{
    auto p = peer(id);
    if (!p)
        return Err{p.error()};
    auto info = s_.cmd->get_peer(device_.ifindex, (*p)->kernel_id);
    if (!info)
        return Err{info.error()};
    return to_peer_stats(*info);
}

Result<std::vector<std::pair<data::PeerId, data::PeerStats>>> KernelDataPlane::stats_all()
{
    std::vector<std::pair<data::PeerId, data::PeerStats>> out;
    if (mode_ == LinkMode::P2P) {
        // The module's dump lists only MP peers; ask for the one peer.
        for (const auto& [handle, p] : book_.all()) {
            auto info = s_.cmd->get_peer(device_.ifindex, p.kernel_id);
            if (!info)
                return Err{info.error()};
            out.emplace_back(handle, to_peer_stats(*info));
        }
        return out;
    }
    auto peers = s_.cmd->get_peer_dump(device_.ifindex);
    if (!peers)
        return Err{peers.error()};
    for (const auto& info : *peers) {
        if (auto h = book_.handle_of(info.peer_id))
            out.emplace_back(*h, to_peer_stats(info));
    }
    return out;
}

std::vector<std::pair<std::string, std::uint64_t>> KernelDataPlane::drop_counts() const
{
    std::vector<std::pair<std::string, std::uint64_t>> out;
    auto add = [&out](const char* name, std::uint64_t n) {
        if (n)
            out.emplace_back(name, n);
    };
    add("dco-data-in-userspace", data_in_userspace_);
    add("dco-data-v1", data_v1_);
    add("dco-notifications-lost", notifications_lost_);
    add("dco-notifications-malformed", notifications_malformed_);
    return out;
}

// ---- notifications ---------------------------------------------------------

void KernelDataPlane::read_notifications()
{
    std::vector<data::PeerEvent> events;
    auto batch = s_.events->read_notifications(device_.ifindex);
    if (!batch) {
        ++notifications_lost_; // a read error: treat it like an overrun
        resync_after_overrun(events);
        deliver(std::move(events));
        return;
    }
    notifications_malformed_ += batch->malformed;
    for (const auto& ev : batch->del_peer) {
        auto gone = book_.on_notification(ev.peer_id, ev.reason);
        if (!gone)
            continue;
        remove_routes(gone->peer);
        gone_.insert(gone->event.id);
        events.push_back(gone->event);
    }
    if (batch->lost) {
        notifications_lost_ += batch->lost;
        resync_after_overrun(events);
    }
    deliver(std::move(events));
}

// resync_after_overrun: notifications were lost, so ask the module which of
// our peers still exist; the others are Gone (reason unknown: Teardown).
void KernelDataPlane::resync_after_overrun(std::vector<data::PeerEvent>& events)
{
    book_.forget_pending();
    std::vector<data::PeerId> missing;
    for (const auto& [handle, p] : book_.all()) {
        auto info = s_.cmd->get_peer(device_.ifindex, p.kernel_id);
        if (!info && s_.cmd->last_errno() == ENOENT)
            missing.push_back(handle);
    }
    for (auto handle : missing) {
        if (auto* p = book_.find(handle))
            remove_routes(*p);
        book_.remove(handle, false);
        gone_.insert(handle);
        events.push_back(data::PeerEvent{handle, data::PeerEventKind::Gone, data::DelReason::Teardown});
    }
}

// deliver: the sink may call back into us, or even destroy us, so nothing
// of `this` is touched once the first event went out.
void KernelDataPlane::deliver(std::vector<data::PeerEvent> events)
{
    if (events.empty() || !sink_)
        return;
    auto sink = sink_;
    for (const auto& ev : events)
        sink(ev);
}

} // namespace ovpn::dco
