// client/lifecycle.cpp: how a client session ends and the process goes on:
// restarts (soft, hard, SIGHUP reload), exits (explicit-exit-notify),
// signals, "Initialization Sequence Completed" with the privilege drop, and
// the traffic counters for --status and SIGUSR2.
#include "openvpn/process/lifecycle.hpp"

#include <unistd.h>

#include <ctime>
#include <utility>

#include "openvpn/client/client.hpp"
#include "openvpn/client/internal.hpp"
#include "openvpn/mgmt/host.hpp"
#include "openvpn/session/privileges.hpp"

namespace ovpn::client {

void Client::teardown_session()
{
    server_poll_at_.reset();
    lookup_at_.reset();
    resume_at_.reset();
    inactivity_.stop();
    session_end_at_.reset();
    stop_mtu_test();
    mgmt_end_session();
    if (dp_) {
        traffic_ = traffic(); // keep the ended session's counts for --status
        link_rx_other_ = link_tx_other_ = 0;
        mgmt_base_in_ = mgmt_base_out_ = 0;
        save_replay_state(loop_.now()); // 2.6 writes it when the session closes
        if (dp_peer_added_)
            (void)dp_->del_peer(data::kP2pPeerId);
        dp_peer_added_ = false;
    }
    cc_.reset();
    static_gate_.reset();
    close_link();
    if (!base_.persist_tun)
        close_tun();
    phase_ = Phase::Idle;
}

// remapped_usr1: --remap-usr1 turns every SIGUSR1 (the user's and our own
// soft ones) into SIGHUP (re-read the config) or SIGTERM (exit), with the
// same reason, as 2.6's remap_signal. `text`: the reason ("" for the
// user's). True when it did.
bool Client::remapped_usr1(const std::string& text)
{
    const options::Directive* d = base_.last("remap-usr1");
    if (d == nullptr || d->args.empty())
        return false;
    if (d->args[0] == "SIGTERM") {
        last_signal_ = text.empty() ? "sigterm" : text;
        begin_exit("SIGTERM[soft," + text + "] received, process exiting");
        return true;
    }
    log_.logf(kV1, "SIGHUP[soft,%s] received, process restarting", text.c_str());
    reload_config();
    return true;
}

void Client::restart_now(const std::string& why)
{
    if (exiting_ || remapped_usr1(""))
        return;
    last_signal_ = why;
    teardown_session();
    run_down_on_restart();
    const std::string text = signal_override_.empty() ? std::string("SIGUSR1") : signal_override_;
    signal_override_.clear();
    pause_before_restart(text); // 2.6 pauses before a manual restart too
}

void Client::schedule_restart(const std::string& why, bool connection_failed)
{
    if (exiting_ || remapped_usr1(why))
        return;
    log_.logf(kV1, "SIGUSR1[%s,%s] received, process restarting",
              connection_failed ? "connection failed(soft)" : "soft", why.c_str());
    last_signal_ = why;
    teardown_session();
    run_down_on_restart();
    std::string text = signal_override_.empty() ? why : signal_override_;
    signal_override_.clear();
    pause_before_restart(text);
}

// pause_before_restart: 2.6's Restart pause (retry.hpp), or the management
// interface's hold in its place, then the next attempt (start_connection,
// from the tick). `reason`: the management interface's RECONNECTING reason.
void Client::pause_before_restart(const std::string& reason)
{
    PauseFacts f = pause_facts(base_, current_ce());
    f.unsuccessful_attempts = attempts_.unsuccessful();
    f.server_backoff = std::exchange(server_backoff_, 0);
    f.restart_sleep = std::exchange(restart_sleep_, 0);
    const int sec = restart_pause_seconds(f);
    if (mgmt_restarting(reason, sec)) {
        arm_tick();
        return;
    }
    if (sec > 0)
        log_.logm(Verb::Info, mute::Restart, "Restart pause, %d second(s)", sec);
    restart_at_ = loop_.now() + seconds(sec);
    arm_tick();
}

void Client::exit_now(int code, const std::string& why)
{
    exiting_ = true;
    exit_code_ = code;
    if (!why.empty())
        log_.logf(kV1, "%s", why.c_str());
    process::notify_stopping();
    write_status(true);
    teardown_session();
    close_tun();
    mgmt_exiting(why);
    loop_.stop();
}

void Client::reload_config()
{
    exiting_ = true;
    exit_code_ = kReloadConfig;
    last_signal_ = "sighup";
    write_status(false);
    teardown_session();
    close_tun();
    if (mgmt_ != nullptr) {
        mgmt_state(mgmt::State::Reconnecting, signal_override_.empty() ? "SIGHUP" : signal_override_);
        signal_override_.clear();
    }
    loop_.stop();
}

void Client::begin_exit(const std::string& why)
{
    const options::ConnectionEntry& ce = current_ce();
    int n = ce.explicit_exit_notify.value_or(0);
    if (n <= 0 || !link_ || tcp_ != nullptr || phase_ != Phase::Up) {
        exit_now(kExitOk, why);
        return;
    }
    exiting_ = true;
    exit_code_ = kExitOk;
    log_.logf(kV1, "%s", why.c_str());
    mgmt_note_exit(why);
    if (neg_ && neg_->cc_exit && cc_) {
        (void)cc_->send_message("EXIT");
        flush_control();
    } else if (dp_) {
        // a peer without control-channel EXIT: OCC_EXIT on the data
        // channel, which an offloaded data plane cannot send (2.6 drops it
        // there too, with a warning)
        if (auto s = dp_->send_exit_notify(data::kP2pPeerId, loop_.now()); !s)
            log_.write(kV1, mute::None, Severity::Warning, "Note: no exit notification sent: " + s.error());
    }
    log_.write(kV1, "SIGTERM received, sending exit notification to peer");
    exit_at_ = loop_.now() + seconds(n);
    arm_tick();
}

void Client::on_signal(io::Signal s)
{
    if (mgmt_on_signal(s))
        return;
    switch (s) {
    case io::Signal::Term:
    case io::Signal::Int:
        if (exiting_) {
            exit_now(kExitOk, "");
            return;
        }
        last_signal_ = s == io::Signal::Term ? "sigterm" : "sigint";
        begin_exit(std::string(s == io::Signal::Term ? "SIGTERM" : "SIGINT") +
                   "[hard,] received, process exiting");
        break;
    case io::Signal::Usr1:
        // A hard restart with the same options, logged with 2.6's wording
        // (unless --remap-usr1 makes it another signal).
        if (remapped_usr1(""))
            break;
        log_.write(kV1, "SIGUSR1[hard,] received, process restarting");
        restart_now("sigusr1");
        break;
    case io::Signal::Hup:
        // 2.6's hard restart: everything goes, the tun and its routes too
        // (even with --persist-tun), --down sees signal=sighup, and
        // daemon::run reads the configuration again.
        if (exiting_)
            return;
        log_.write(kV1, "SIGHUP[hard,] received, process restarting");
        reload_config();
        break;
    case io::Signal::Usr2:
        // 2.6 prints the status report to the log.
        for (const auto& line : split_lines(process::format_client_status(traffic(), std::time(nullptr))))
            log_.write(kV1, line);
        if (cc_)
            log_.logf(Verb::Info, "Control channel: %llu packets in, %llu out, %llu dropped",
                      static_cast<unsigned long long>(cc_->stats().packets_in),
                      static_cast<unsigned long long>(cc_->stats().packets_out),
                      static_cast<unsigned long long>(cc_->stats().drop_unwrap + cc_->stats().drop_parse +
                                                      cc_->stats().drop_session));
        break;
    }
}

Status<> Client::initialization_completed()
{
    attempts_.completed(); // the count starts again; a restart keeps this entry
    if (init_done_) {
        log_.write(kV1, "Initialization Sequence Completed");
        return Ok{};
    }
    init_done_ = true;
    // Privileges are dropped once (a p2p peer already did at open_device);
    // the data plane says whether CAP_NET_ADMIN must survive.
    return session::initialization_completed(base_, *dp_, log_);
}

process::TrafficCounters Client::traffic() const
{
    process::TrafficCounters c = traffic_;
    c.link_read_bytes += link_rx_other_;
    c.link_write_bytes += link_tx_other_;
    if (dp_ && dp_peer_added_) {
        if (auto st = dp_->stats(data::kP2pPeerId)) {
            c.tun_read_bytes += st->plain_tx_bytes;  // taken from tun, sent to the peer
            c.tun_write_bytes += st->plain_rx_bytes; // from the peer, written to tun
            c.link_read_bytes += st->link_rx_bytes;
            c.link_write_bytes += st->link_tx_bytes;
            c.auth_read_bytes += st->link_rx_bytes;
        }
    }
    c.compression = base_.compress.has_value() || base_.comp_lzo.has_value();
    c.dco_enabled = dp_ && plane_.offload;
    c.userspace_data_packets = userspace_data_packets_;
    return c;
}

void Client::write_status(bool final_write)
{
    if (!status_)
        return;
    const TimePoint now = loop_.now();
    if (!final_write && !status_->due(now))
        return;
    if (auto s = status_->write(process::format_client_status(traffic(), std::time(nullptr)), now); !s)
        log_.logf(kV1, "WARNING: could not write --status file %s: %s", status_->path().c_str(),
                  s.error().c_str());
}

std::vector<std::string> Client::split_lines(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos)
            nl = text.size();
        out.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

} // namespace ovpn::client
