// client/client.cpp: the Client object: start, the connection-entry order, the
// one timer (tick) and --inactive. The other concerns of the client are in
// connect.cpp, pull.cpp, tunnel.cpp, lifecycle.cpp, scripts.cpp,
// credentials.cpp and static_mode.cpp.
#include "openvpn/client/client.hpp"

#include <openssl/rand.h>

#include <ctime>

#include "openvpn/client/internal.hpp"
#include "openvpn/mgmt/host.hpp"
#include "openvpn/process/lifecycle.hpp"
#include "openvpn/tun/net_setup.hpp"
#include "openvpn/tun/netlink.hpp"

namespace ovpn::client {

Client::Client(const options::Options& o, const options::DcoVerdict& dco, Logger& log, io::EventLoop& loop)
    : base_(o), dco_(dco), log_(log), loop_(loop)
{
    start_time_ = static_cast<long long>(std::time(nullptr));
}

Client::~Client()
{
    teardown_session();
    close_tun();
    set_management(nullptr);
}

int Client::run()
{
    if (static_mode()) {
        if (auto s = load_static_key(); !s) {
            log_.write(Verb::Fatal, s.error());
            return kExitError;
        }
    }
    if (auto s = mgmt_ask_credentials() ? Status<>(Ok{}) : load_credentials(); !s) {
        log_.write(Verb::Fatal, s.error());
        return kExitError;
    }
    if (base_.status)
        status_ =
            std::make_unique<process::StatusFile>(*base_.status, seconds(base_.status_interval.value_or(60)));
    process::notify_ready();
    if (auto s = loop_.watch_signals([this](io::Signal sig) { on_signal(sig); }); !s) {
        log_.write(Verb::Fatal, s.error());
        return kExitError;
    }
    order_connections();
    if (mgmt_hold(0)) {
        // 2.6's hold before the first instance; hold_released starts it
    } else if (auto s = start_connection(); !s) {
        log_.write(Verb::Fatal, s.error());
        return kExitError;
    }
    if (auto r = loop_.run(); !r) {
        log_.write(Verb::Fatal, r.error());
        return kExitError;
    }
    return exit_code_;
}

const options::ConnectionEntry& Client::current_ce() const
{
    if (mgmt_ce_)
        return *mgmt_ce_; // as the management interface changed it
    const auto& list = base_.connections;
    return list.empty() ? base_.ce : list[current_entry()];
}

// current_entry: the index of current_ce() in the connection list (0 when
// the top level is the only entry).
std::size_t Client::current_entry() const
{
    const auto& list = base_.connections;
    if (list.empty())
        return 0;
    const std::size_t i = attempts_.index() % list.size();
    return i < conn_order_.size() ? conn_order_[i] : i;
}

// order_connections: --remote-random shuffles the connection list once at
// start-up (2.6 does it once per process, not per restart).
void Client::order_connections()
{
    conn_order_.resize(base_.connections.size());
    for (std::size_t i = 0; i < conn_order_.size(); ++i)
        conn_order_[i] = i;
    if (!base_.remote_random || conn_order_.size() < 2)
        return;
    for (std::size_t i = conn_order_.size() - 1; i > 0; --i) {
        std::uint32_t r = 0;
        if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1)
            r = static_cast<std::uint32_t>(std::time(nullptr)); // order only, not a secret
        std::swap(conn_order_[i], conn_order_[r % (i + 1)]);
    }
}

// check_inactive: --inactive n [bytes] (session/inactivity.hpp): the timer
// of this attempt against this session's tunnel traffic. true when it began
// the exit.
bool Client::check_inactive(TimePoint now)
{
    if (exiting_)
        return false;
    std::uint64_t total = 0;
    // A listening peer that has not learned its peer sends nothing: 2.6
    // drops tun packets then without counting them.
    const bool can_send = !udp_unconnected_ || !remote_.empty();
    if (dp_ && dp_peer_added_)
        if (auto st = dp_->stats(data::kP2pPeerId))
            total = st->plain_rx_bytes + (can_send ? st->plain_tx_bytes : 0);
    if (!inactivity_.expired(total, now))
        return false;
    inactivity_.stop();
    log_.write(kV1, "Inactivity timeout (--inactive), exiting");
    begin_exit("SIGTERM[soft,inactive] received, process exiting");
    return true;
}

// start_session_timer: --session-timeout n from now (2.6's do_init_timers:
// at each attempt, and again when a push carries timers); none or 0: off.
void Client::start_session_timer(const std::optional<int>& secs)
{
    session_end_at_.reset();
    if (secs.value_or(0) > 0)
        session_end_at_ = loop_.now() + seconds(*secs);
}

// check_session_timeout: the session's time is up: 2.6's soft SIGTERM with
// the reason "session-timeout" (--explicit-exit-notify applies). true when
// it began the exit.
bool Client::check_session_timeout(TimePoint now)
{
    if (exiting_ || !session_end_at_ || now < *session_end_at_)
        return false;
    session_end_at_.reset();
    log_.write(kV1, "Session timeout, exiting");
    last_signal_ = "session-timeout";
    begin_exit("SIGTERM[soft,session-timeout] received, process exiting");
    return true;
}

// on_tick: the client's one timer. Each step returns false when it ended
// the session (restart or exit) and the tick stops there.
void Client::on_tick()
{
    tick_.reset();
    const TimePoint now = loop_.now();
    // report_link_faults: also what the data plane's packets met.
    if (!report_link_faults() || !tick_process(now) || check_inactive(now) || check_session_timeout(now) ||
        !tick_server_poll(now))
        return;
    session::control_tick(cc_, *this, log_, now);
    if (!tick_pull(now) || !tick_pre_pull_ping(now) || !tick_static_gate(now))
        return;
    flush_control();
    arm_tick();
}

// tick_process: a due attempt, exit, --route-delay and the status file.
bool Client::tick_process(TimePoint now)
{
    if (!tick_attempt(now))
        return false;
    if (exit_at_ && now >= *exit_at_) {
        exit_now(kExitOk, "");
        return false;
    }
    if (route_up_at_ && now >= *route_up_at_) {
        route_up_at_.reset();
        add_routes();
    }
    write_status(false);
    return true;
}

// tick_attempt: a due restart (a new attempt), or the same attempt going on
// (the management interface answered, or a name lookup again); false when
// it ended the process.
bool Client::tick_attempt(TimePoint now)
{
    Status<> s = Ok{};
    if (restart_at_ && now >= *restart_at_) {
        restart_at_.reset();
        s = start_connection();
    } else if (resume_at_ && now >= *resume_at_) {
        resume_at_.reset();
        s = continue_attempt();
    } else if (lookup_at_ && now >= *lookup_at_) {
        lookup_at_.reset();
        s = connect_attempt();
    }
    if (!s) {
        exit_now(kExitError, s.error());
        return false;
    }
    return true;
}

// tick_server_poll: --server-poll-timeout / --connect-timeout passed
// without a word from the peer: the next connection entry, at once.
bool Client::tick_server_poll(TimePoint now)
{
    if (!server_poll_at_ || now < *server_poll_at_)
        return true;
    server_poll_at_.reset();
    if (heard_from_peer_ || exiting_)
        return true;
    log_.write(kV1, phase_ == Phase::Connecting ? "TCP: connect timeout (--connect-timeout), restarting"
                                                : "Server poll timeout, restarting");
    restart_sleep_ = -1; // 2.6 moves on to the next entry without a pause
    schedule_restart("server_poll");
    return false;
}

// tick_pull: PUSH_REQUEST again, or give up on the push.
bool Client::tick_pull(TimePoint now)
{
    if (!cc_ || phase_ != Phase::Pulling)
        return true;
    if (now >= push_deadline_) {
        // 2.6 says how long it waited, not the window it was given
        const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - pull_started_).count();
        log_.logf(kV1, "No reply from server to push requests in %llds", static_cast<long long>(waited));
        schedule_restart("no-push-reply");
        return false;
    }
    if (now >= next_push_request_) {
        if (!mgmt_push_asked_) {
            mgmt_push_asked_ = true;
            mgmt_state(mgmt::State::GetConfig);
        }
        if (cc_->send_message("PUSH_REQUEST"))
            log_.logf(Verb::Info, "SENT CONTROL [%s]: 'PUSH_REQUEST' (status=1)", "server");
        next_push_request_ = now + kPushRequestInterval;
    }
    return true;
}

// tick_pre_pull_ping: before the push (or without a data plane yet),
// ping-restart from the control channel's traffic: 2.6 uses 120 s for pull
// clients on UDP.
bool Client::tick_pre_pull_ping(TimePoint now)
{
    if (!cc_ || phase_ == Phase::Up || phase_ == Phase::Connecting || tcp_ != nullptr || !base_.pull ||
        now - last_rx_ < kPrePullPingRestart)
        return true;
    log_.write(kV1, "[UNDEF] Inactivity timeout (--ping-restart), restarting");
    schedule_restart("ping-restart");
    return false;
}

void Client::arm_tick()
{
    if (loop_.stopped())
        return;
    TimePoint now = loop_.now();
    TimePoint t = now + kMaxTick;
    if (cc_)
        t = std::min(t, cc_->next_timeout());
    if (restart_at_)
        t = std::min(t, *restart_at_);
    if (lookup_at_)
        t = std::min(t, *lookup_at_);
    if (resume_at_)
        t = std::min(t, *resume_at_);
    if (auto d = inactivity_.deadline())
        t = std::min(t, *d);
    if (session_end_at_)
        t = std::min(t, *session_end_at_);
    if (server_poll_at_)
        t = std::min(t, *server_poll_at_);
    if (route_up_at_)
        t = std::min(t, *route_up_at_);
    if (exit_at_)
        t = std::min(t, *exit_at_);
    if (phase_ == Phase::Pulling)
        t = std::min(t, next_push_request_);
    t = std::max(t, now);
    if (tick_)
        loop_.cancel_timer(*tick_);
    tick_ = loop_.add_timer(t, [this] { on_tick(); });
}

} // namespace ovpn::client
