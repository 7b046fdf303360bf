// server/restart.cpp: SIGUSR1 in place. 2.6 ends its server instance and
// starts a new one in the same process with the same options; what it
// keeps in its top-level context (c1) across that stays here too: the
// --status and --ifconfig-pool-persist files, with --persist-key the TLS
// context and the wrap key, with --persist-tun the device with its
// addresses and routes (DCO's too). The clients, the socket, the session
// cookie key and the pool go and come again. So a server that dropped its
// privileges (--user) comes back without reading its key files or opening
// its device again, as 2.6's does. SIGHUP is not this: run() returns
// kReloadConfig and daemon::run reads the config again.
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"

#include <utility>

#include "openvpn/options/helpers.hpp"

namespace ovpn::server {

// restart: called by stop() once the clients are closed and the timer is
// cancelled: the run's socket (and device without --persist-tun) go, then
// 2.6's Restart pause (or the management hold in its place), then resume().
void Server::restart()
{
    mgmt_exiting(kRunAgain);
    close_transport();
    if (!o_.persist_tun)
        close_device();
    else if (o_.up_restart && dp_) // 2.6: --down in the "restart" context, device kept
        (void)run_device_script(OPENVPN_PLUGIN_DOWN, "down", o_.down, true, true);
    exiting_ = false;
    exit_at_.reset();
    exit_code_ = kExitOk;
    signal_.clear();
    mgmt_signal_text_.clear();
    mgmt_next_cid_ = 0; // 2.6's client ids count per multi context
    mgmt_n_established_ = 0;
    const int sec = restart_pause_seconds();
    if (mgmt_ != nullptr && mgmt_->engine().hold(sec)) {
        held_ = true; // resume() on `hold release`
        return;
    }
    if (sec > 0)
        log_.logm(Verb::Info, mute::Restart, "Restart pause, %d second(s)", sec);
    pause_ = loop_.add_timer(loop_.now() + seconds(sec), [this] {
        pause_.reset();
        resume();
    });
}

// restart_pause_seconds: 2.6's socket_restart_pause for a server: 1 s on
// a TCP listener, --connect-retry's seconds on UDP (the client's further
// rules, backoff and pushed restart sleeps, concern only clients).
int Server::restart_pause_seconds() const
{
    return options::proto_is_tcp(o_.ce.proto) ? 1 : o_.ce.connect_retry.value_or(1);
}

// on_hold_released: the management interface released the restart's hold.
void Server::on_hold_released()
{
    if (!std::exchange(held_, false))
        return;
    resume();
}

// resume: the next run with what was kept: the keys read again only
// without --persist-key, the pool filled from the persist file. On failure
// the loop stops with kExitError (2.6: a fatal error in the new instance
// ends the process).
void Server::resume()
{
    Status<> s = o_.persist_key ? Status<>(Ok{}) : load_keys();
    if (s)
        s = renew_pool();
    if (s)
        s = start_run();
    if (!s) {
        log_.write(Verb::Fatal, s.error());
        exit_code_ = kExitError;
        exiting_ = true;
        loop_.stop();
        return;
    }
    mgmt_started();
}

// renew_pool: 2.6 makes a new pool per instance and fills it from the
// --ifconfig-pool-persist file: what stop() wrote, or with seconds 0 (read
// only) what the file held at start.
Status<> Server::renew_pool()
{
    const std::string text = persist_secs_ > 0 && pool_ ? pool_->format_persist() : persist_text_;
    auto pool = Pool::create(o_);
    if (!pool)
        return Err(pool.error());
    pool_ = std::move(*pool);
    if (o_.ifconfig_pool_persist && !o_.ifconfig_pool_persist->empty() && !text.empty())
        for (const auto& w : pool_->load_persist(text, persist_secs_ <= 0))
            log_.logf(kV1, "%s", w.c_str());
    return Ok{};
}

// open_or_keep_device: the device of this run: opened and configured, or
// with --persist-tun the last run's as it is (2.6's "Preserving" branch:
// no addresses, routes or --up again, --up only with --up-restart).
Status<> Server::open_or_keep_device()
{
    device_kept_ = dp_ != nullptr;
    if (!device_kept_)
        return open_tun();
    log_.logf(kV1, "Preserving previous TUN/TAP instance: %s", dp_->device().name.c_str());
    if (o_.up_restart && !run_device_script(OPENVPN_PLUGIN_UP, "up", o_.up, true, true))
        return Err(std::string("ERROR: up script failed"));
    return Ok{};
}

// close_transport: the UDP socket or the TCP listener (the clients' own TCP
// sockets went with their instances).
void Server::close_transport()
{
    if (udp_) {
        loop_.remove_fd(udp_->fd());
        udp_.reset();
    }
    if (listener_) {
        loop_.remove_fd(listener_->fd());
        listener_.reset();
    }
}

} // namespace ovpn::server
