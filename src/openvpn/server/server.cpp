// server/server.cpp: the Server object: start-up in 2.6's order, the one
// timer (tick), signals and exit. The other concerns are in client_table.cpp,
// transport.cpp, admission.cpp, scripts.cpp, push_reply.cpp, tunnel.cpp and
// status_file.cpp.
#include "openvpn/server/server.hpp"

#include <sys/socket.h>

#include <ctime>

#include "openvpn/io/port_share.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/process/status.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/session/engine_note.hpp"
#include "openvpn/session/privileges.hpp"
#include "openvpn/session/tls_config.hpp"
#include "openvpn/session/transport.hpp"
#include "openvpn/tun/net_setup.hpp"
#include "openvpn/tun/netlink.hpp"
#include "openvpn/tun/tun_device.hpp"

namespace ovpn::server {

Server::Server(const options::Options& o, const options::DcoVerdict& dco, Logger& log, io::EventLoop& loop,
               PlaneFactory make_plane)
    : o_(o), dco_(dco), log_(log), loop_(loop), make_plane_(std::move(make_plane))
{
}

Server::~Server()
{
    set_management(nullptr);
    for (auto& [id, in] : instances_) {
        if (in->tcp)
            loop_.remove_fd(in->tcp->fd());
    }
    if (dp_) {
        for (auto& [id, in] : instances_)
            if (in->up)
                (void)dp_->del_peer(id);
    }
    instances_.clear();
    close_device();
    if (udp_)
        loop_.remove_fd(udp_->fd());
    if (listener_)
        loop_.remove_fd(listener_->fd());
    port_share_.reset(); // its pairs close, 2.6's "proxy exiting" after the exit line
}

int Server::run()
{
    if (auto s = loop_.watch_signals([this](io::Signal sig) { on_signal(sig); }); !s) {
        log_.write(Verb::Fatal, s.error());
        return kExitError;
    }
    if (auto s = start(); !s) {
        log_.write(Verb::Fatal, s.error());
        return kExitError;
    }
    mgmt_started();
    if (auto r = loop_.run(); !r) {
        log_.write(Verb::Fatal, r.error());
        return kExitError;
    }
    mgmt_exiting(exit_code_);
    return exit_code_;
}

// start: 2.6's first init_instance: what it keeps in its top-level context
// (keys, pool-persist and status files) and then one run (start_run).
Status<> Server::start()
{
    if (auto s = load_keys(); !s)
        return s;
    auto pool = Pool::create(o_);
    if (!pool)
        return Err(pool.error());
    pool_ = std::move(*pool);
    status_ = process::make_status_file(o_, log_); // open before the privilege drop, as 2.6
    read_persist();
    return start_run();
}

// load_keys: the TLS context and the wrap key, read from their files
// (at start, before the privilege drop as in 2.6, and on a SIGUSR1 without
// --persist-key).
Status<> Server::load_keys()
{
    auto tls = session::make_tls_config(o_, &log_, mgmt_);
    if (!tls)
        return Err(tls.error());
    // the Server outlives every run of its loop (SIGUSR1 restarts in place),
    // so a TLS context kept across restarts never calls into a dead object
    tls->verify_hook = [this](const control::CertFacts& c, const std::vector<control::CertFacts>& chain) {
        return run_tls_verify(c, chain);
    };
    auto ctx = control::TlsContext::create(*tls);
    if (!ctx)
        return Err(ctx.error());
    auto wk = session::load_wrap_key(o_, o_.ce);
    if (!wk)
        return Err(wk.error());
    tls_ = *ctx;
    wrap_key_ = std::move(*wk);
    return load_auth_token();
}

// make_gate: UDP's stateless first handshake, a fresh cookie key per run.
Status<> Server::make_gate()
{
    gate_.reset();
    if (options::proto_is_tcp(o_.ce.proto))
        return Ok{};
    bool force = false;
    if (const options::Directive* d = o_.last("tls-crypt-v2"))
        force = d->args.size() > 1 && d->args[1] == "force-cookie";
    auto g = CookieGate::create(static_cast<unsigned>(o_.hand_window.value_or(60)), force);
    if (!g)
        return Err("session cookie: " + g.error());
    gate_.emplace(std::move(*g));
    if (const options::Directive* d = o_.last("connect-freq-initial"); d && d->args.size() == 2)
        gate_->set_rate_limit(std::atoll(d->args[0].c_str()), std::atoi(d->args[1].c_str()));
    if (const options::Directive* d = o_.last("connect-freq"); d && d->args.size() == 2)
        connect_freq_ = ConnectFreq{std::atoi(d->args[0].c_str()), std::atoi(d->args[1].c_str())};
    return Ok{};
}

// start_run: one run of the server (at start and after each SIGUSR1): the
// device, the socket, the privilege drop (once), 2.6's lines, the timer.
Status<> Server::start_run()
{
    session::note_engine(o_, log_); // 2.6's init_crypto_pre for the top instance
    if (auto s = make_gate(); !s)
        return s;
    if (auto s = open_or_keep_device(); !s)
        return s;
    if (auto s = open_transport(); !s)
        return s;
    // 2.6's moment (init_instance): the device and the socket are open.
    if (auto s = session::drop_privileges(o_, *dp_, log_); !s)
        return s;
    log_.logf(Verb::Info, "MULTI: multi_init called, r=256 v=256");
    start_stale_routes();
    if (auto a = pool_->v4(0))
        log_.logf(Verb::Info, "IFCONFIG POOL IPv4: base=%s size=%zu", v4_string(*a).c_str(),
                  pool_->capacity());
    if (auto a = pool_->v6(0))
        log_.logf(Verb::Info, "IFCONFIG POOL IPv6: base=%s size=%zu", v6_string(*a).c_str(),
                  pool_->capacity());
    if (auto s = session::initialization_completed(o_, *dp_, log_); !s)
        return s;
    if (auto s = open_port_share(); !s)
        return s;
    write_status();
    arm_tick();
    return Ok{};
}

io::SockAddr Server::local_address() const
{
    if (udp_)
        return udp_->local();
    io::SockAddr a;
    if (listener_) {
        a.len = sizeof a.ss;
        if (::getsockname(listener_->fd(), a.sa(), &a.len) != 0)
            a.len = 0;
    }
    return a;
}

// ---- timers, signals, exit ----

void Server::stop(int code, const std::string& why)
{
    exit_code_ = code;
    exiting_ = true;
    if (!why.empty())
        log_.write(kV1, why);
    for (auto& [id, in] : instances_)
        close_instance(*in, "");
    reap();
    write_persist();
    next_persist_.reset();
    for (auto* t : {&tick_, &pause_})
        if (*t) {
            loop_.cancel_timer(**t);
            t->reset();
        }
    held_ = false;
    if (code == kRunAgain) {
        restart();
        return;
    }
    loop_.stop();
}

// begin_exit: exit (or restart: code kRunAgain / kReloadConfig) now, or with
// --explicit-exit-notify on UDP first tell the clients to reconnect (2.6's
// multi_push_restart_schedule_exit, for SIGTERM, SIGINT, SIGUSR1 and SIGHUP)
// and go 2 s later.
void Server::begin_exit(int code, const std::string& why)
{
    if (exiting_) {
        stop(code, "");
        return;
    }
    const int een = o_.ce.explicit_exit_notify.value_or(0);
    if (een > 0 && !tcp_mode_ && !instances_.empty()) {
        exiting_ = true;
        exit_code_ = code;
        log_.write(kV1, why);
        for (auto& [id, in] : instances_) {
            if (in->dead || !in->cc->primary_key_id())
                continue;
            // mid-rekey: sent once the new key is active, as 2.6 buffers it
            (void)in->cc->queue_message(een >= 2 ? "RESTART,[N]" : "RESTART");
            flush(*in);
        }
        exit_at_ = loop_.now() + seconds(2);
        arm_tick();
        return;
    }
    stop(code, why);
}

void Server::on_signal(io::Signal s)
{
    switch (s) {
    case io::Signal::Term:
    case io::Signal::Int:
        signal_ = s == io::Signal::Term ? "sigterm" : "sigint";
        begin_exit(kExitOk, std::string(s == io::Signal::Term ? "SIGTERM" : "SIGINT") +
                                "[hard,] received, process exiting");
        break;
    case io::Signal::Usr1:
        signal_ = "sigusr1";
        begin_exit(kRunAgain, "SIGUSR1[hard,] received, process restarting");
        break;
    case io::Signal::Hup:
        signal_ = "sighup";
        begin_exit(kReloadConfig, "SIGHUP[hard,] received, process restarting");
        break;
    case io::Signal::Usr2:
        log_status();
        break;
    }
}

} // namespace ovpn::server
