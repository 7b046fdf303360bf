// server/wakeups.cpp: the server's one loop timer and the clients' own
// deadlines (issue 14). Each client sits in wakes_ at its next deadline (a
// control retransmission or handshake timeout, --inactive, a deferred
// authentication, --session-timeout, a management exit, and at the latest a
// second after its last visit, for the per-second checks). The timer fires
// at the earliest of them and visits only the clients that are due; a client
// whose state changed is marked (touch) and rescheduled before the timer is
// armed again. An event that concerns one client costs O(log n), not a walk
// over every client.
#include <algorithm>

#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"

namespace ovpn::server {

void Server::on_tick()
{
    tick_.reset();
    TimePoint now = loop_.now();
    if (exit_at_ && now >= *exit_at_) {
        stop(exit_code_, "");
        return;
    }
    // the due clients first: a visit may reschedule clients (even one due
    // again at once), which then wait for the next tick
    due_.clear();
    while (!wakes_.empty() && wakes_.begin()->first <= now) {
        const std::uint32_t id = wakes_.begin()->second;
        wakes_.erase(wakes_.begin());
        if (auto it = instances_.find(id); it != instances_.end())
            it->second->wake_at.reset();
        due_.push_back(id);
    }
    for (const std::uint32_t id : due_)
        if (Instance* in = find_id(id); in != nullptr) {
            visit(*in, now);
            touch(*in);
        }
    report_link_faults(); // the data plane's sends too
    if (next_status_ && now >= *next_status_)
        write_status();
    if (next_persist_ && now >= *next_persist_)
        write_persist();
    if (next_stale_check_ && now >= *next_stale_check_)
        check_stale_routes(now);
    reap();
    arm_dirty();
}

// visit: one due client's timers, in 2.6's per-instance order.
void Server::visit(Instance& in, TimePoint now)
{
    in.visited = now;
    if (in.drop_at && now >= *in.drop_at) {
        close_instance(in, "SIGTERM[soft,auth-failure] received, client-instance exiting");
        return;
    }
    if (in.session_end && now >= *in.session_end) { // 2.6's check_session_timeout, per client
        log_.logf(kV1, "%s Session timeout, exiting", in.prefix().c_str());
        close_instance(in, "SIGTERM[soft,session-timeout] received, client-instance exiting");
        return;
    }
    if (in.mgmt_exit_at && now >= *in.mgmt_exit_at) {
        close_instance(in, "SIGTERM[soft,delayed-exit] received, client-instance exiting");
        return;
    }
    if (inactive(in, now))
        return;
    auth_tick(in, now);
    mgmt_tick(in, now);
    if (in.dead)
        return;
    token_tick(in, now);
    mtu_tick(in, now);
    session::control_tick(in.cc, in, log_, now);
    flush(in);
}

// inactive: a client's --inactive ran out (session/inactivity.hpp): 2.6
// ends that client's instance. Under DCO the kernel's counters are read
// only when the timer is due (as 2.6 does, one GET_PEER then), not on every
// tick; the userspace plane's are read each tick (2.6 counts each packet).
// true when it closed it.
bool Server::inactive(Instance& in, TimePoint now)
{
    const auto due = in.inactivity.deadline();
    if (!due || (offloaded() && now < *due))
        return false;
    const data::PeerStats& st = peer_stats(in);
    if (!in.inactivity.expired(st.plain_rx_bytes + st.plain_tx_bytes, now))
        return false;
    log_.logf(kV1, "%s Inactivity timeout (--inactive), exiting", in.prefix().c_str());
    close_instance(in, "SIGTERM[soft,inactive] received, client-instance exiting");
    return true;
}

// deadline: when the client must be visited next.
TimePoint Server::deadline(const Instance& in) const
{
    ++deadline_evals_;
    TimePoint t = std::min(in.visited + kMaxTick, in.cc->next_timeout());
    const std::optional<TimePoint> auth_deadline = in.auth ? in.auth->deadline : std::nullopt;
    for (const auto& at :
         {in.drop_at, in.inactivity.deadline(), auth_deadline, in.mgmt_exit_at, in.session_end, in.mtu_at})
        if (at)
            t = std::min(t, *at);
    return t;
}

void Server::touch(Instance& in)
{
    if (in.wake_dirty)
        return;
    in.wake_dirty = true;
    dirty_.push_back(in.id);
}

void Server::unschedule(Instance& in)
{
    if (in.wake_at)
        wakes_.erase({*in.wake_at, in.id});
    in.wake_at.reset();
}

void Server::reschedule(Instance& in)
{
    if (in.dead) {
        unschedule(in);
        return;
    }
    const TimePoint d = deadline(in);
    if (in.wake_at == d)
        return;
    unschedule(in);
    wakes_.insert({d, in.id});
    in.wake_at = d;
}

// arm_tick: after something that may concern any client (a management
// command, a signal, the start): every client is rescheduled.
void Server::arm_tick()
{
    for (auto& [id, in] : instances_)
        touch(*in);
    arm_dirty();
}

// arm_dirty: the marked clients are rescheduled and the timer is set to the
// earliest deadline (at the latest a second from now: the status and
// persist files, the exit).
void Server::arm_dirty()
{
    for (const std::uint32_t id : dirty_)
        if (auto it = instances_.find(id); it != instances_.end() && it->second->wake_dirty) {
            it->second->wake_dirty = false;
            reschedule(*it->second);
        }
    dirty_.clear();
    if (loop_.stopped())
        return;
    TimePoint now = loop_.now();
    TimePoint t = now + kMaxTick;
    if (!wakes_.empty())
        t = std::min(t, wakes_.begin()->first);
    for (const auto& at : {exit_at_, next_status_, next_persist_, next_stale_check_})
        if (at)
            t = std::min(t, *at);
    t = std::max(t, now);
    if (tick_)
        loop_.cancel_timer(*tick_);
    tick_ = loop_.add_timer(t, [this] { on_tick(); });
}

} // namespace ovpn::server
