#include "openvpn/client/client.hpp"
#include "openvpn/client/script_env.hpp"

#include <openssl/rand.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <unistd.h>

#include <ctime>
#include <sstream>

#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/data/mssfix.hpp"
#include "openvpn/io/proxy.hpp"
#include "openvpn/io/watched_link.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/options/push_options.hpp"
#include "openvpn/process/console.hpp"
#include "openvpn/process/lifecycle.hpp"
#include "openvpn/script/script_runner.hpp"
#include "openvpn/session/control_config.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/session/make_data_plane.hpp"
#include "openvpn/session/tls_config.hpp"
#include "openvpn/session/tls_verify.hpp"
#include "openvpn/session/transport.hpp"
#include "openvpn/tun/net_setup.hpp"
#include "openvpn/tun/netlink.hpp"
#include "openvpn/tun/plan_options.hpp"
#include "openvpn/tun/tun_device.hpp"
#include "openvpn/wire/opcode.hpp"
#include "openvpn/wire/push_message.hpp"

namespace ovpn::client {

namespace {

// Lines 2.6 prints at its default --verb 1 (M_INFO) use level 1.
constexpr Verb kV1 = Verb::Error;
constexpr Duration kPushRequestInterval = seconds(5);
constexpr Duration kPrePullPingRestart = seconds(120);
constexpr Duration kMaxTick = seconds(1);
// 2.6's default --connect-timeout / --server-poll-timeout.
constexpr int kDefaultConnectTimeout = 120;

struct Remote {
    std::string host, port, proto;
};

Remote remote_of(const options::ConnectionEntry& ce)
{
    Remote r;
    r.port = ce.rport.value_or(ce.port);
    r.proto = ce.proto;
    if (!ce.remotes.empty()) {
        const auto& re = ce.remotes.front();
        r.host = re.host;
        if (re.port)
            r.port = *re.port;
        if (re.proto)
            r.proto = *re.proto;
    }
    return r;
}

Result<std::pair<std::string, SecureBytes>> read_user_pass(const options::Options& o)
{
    if (!o.auth_user_pass)
        return Err(std::string("no auth-user-pass"));
    if (!o.auth_user_pass->is_inline &&
        (o.auth_user_pass->path.empty() || o.auth_user_pass->path == "stdin")) {
        // No file: ask on the terminal as 2.6 does (password without echo).
        auto u = process::read_console("Enter Auth Username:", true);
        if (!u)
            return Err(u.error());
        auto p = process::read_console("Enter Auth Password:", false);
        if (!p)
            return Err(p.error());
        std::string user(reinterpret_cast<const char*>(u->data()), u->size());
        if (user.empty())
            return Err(std::string("ERROR: Auth username is empty"));
        return std::pair{user, std::move(*p)};
    }
    auto text = session::read_file_ref(*o.auth_user_pass);
    if (!text)
        return Err(text.error());
    std::istringstream in(*text);
    std::string user, pass;
    std::getline(in, user);
    std::getline(in, pass);
    for (std::string* s : {&user, &pass})
        while (!s->empty() && (s->back() == '\r' || s->back() == '\n'))
            s->pop_back();
    SecureBytes p(as_bytes(pass));
    std::fill(pass.begin(), pass.end(), '\0');
    if (user.empty())
        return Err("ERROR: username from Auth authfile '" + o.auth_user_pass->path + "' is empty");
    if (p.size() == 0 && !o.auth_user_pass->is_inline) {
        // A file with only the user name: 2.6 asks for the password.
        auto pp = process::read_console("Enter Auth Password:", false);
        if (!pp)
            return Err(pp.error());
        p = std::move(*pp);
    }
    return std::pair{user, std::move(p)};
}

} // namespace

Client::Client(const options::Options& o, const options::DcoVerdict& dco, Logger& log, io::EventLoop& loop)
    : base_(o), dco_(dco), log_(log), loop_(loop)
{
    start_time_ = static_cast<long long>(std::time(nullptr));
}

Client::~Client()
{
    teardown_session();
    close_tun();
}

int Client::run()
{
    if (static_mode()) {
        if (auto s = load_static_key(); !s) {
            log_.write(Verb::Fatal, s.error());
            return kExitError;
        }
    }
    if (auto s = load_credentials(); !s) {
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
    if (auto s = start_connection(); !s) {
        log_.write(Verb::Fatal, s.error());
        return kExitError;
    }
    if (auto r = loop_.run(); !r) {
        log_.write(Verb::Fatal, r.error());
        return kExitError;
    }
    return exit_code_;
}

// load_credentials: --auth-user-pass from its file, inline block or the
// terminal; again at a restart after --auth-nocache dropped them.
Status<> Client::load_credentials()
{
    if (!base_.auth_user_pass || have_credentials_)
        return Ok{};
    auto up = read_user_pass(base_);
    if (!up)
        return Err(up.error());
    username_ = up->first;
    password_ = std::move(up->second);
    have_credentials_ = true;
    return Ok{};
}

const options::ConnectionEntry& Client::current_ce() const
{
    const auto& list = base_.connections;
    if (list.empty())
        return base_.ce;
    const std::size_t i = conn_index_ % list.size();
    return list[i < conn_order_.size() ? conn_order_[i] : i];
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

Result<std::optional<io::SockAddr>> Client::local_bind(const options::ConnectionEntry& ce, bool tcp) const
{
    const bool asked = ce.local || ce.lport || ce.bind_given;
    if (ce.nobind || (!asked && (tcp || base_.pull)))
        return std::optional<io::SockAddr>{};
    const auto fam =
        remote_.empty() ? io::Family::Any : (remote_.family() == AF_INET6 ? io::Family::V6 : io::Family::V4);
    auto a = session::local_address(ce, fam, tcp, false);
    if (!a)
        return Err(a.error());
    return std::optional<io::SockAddr>(*a);
}

Status<> Client::start_connection()
{
    if (auto s = load_credentials(); !s)
        return s;
    const options::ConnectionEntry& ce = current_ce();
    Remote r = remote_of(ce);
    if (r.host.empty() && base_.pull)
        return Err(std::string("Options error: --client/--pull needs a --remote"));
    pushed_ = base_;
    push_parts_.clear();
    neg_.reset();
    keys_.reset();
    heard_from_peer_ = false;
    server_poll_at_.reset();
    // A listening p2p peer (no --remote) has nobody to poll.
    if (!r.host.empty() && !static_mode())
        server_poll_at_ = loop_.now() + seconds(ce.connect_timeout.value_or(kDefaultConnectTimeout));
    auto port = static_cast<std::uint16_t>(std::strtoul(r.port.c_str(), nullptr, 10));
    const bool tcp = options::proto_is_tcp(r.proto);
    const bool proxied = ce.http_proxy.has_value() || ce.socks_proxy.has_value();
    if (proxied) {
        // The proxy resolves the target; our own lookup only names it in
        // logs and script variables.
        remote_ = io::SockAddr{};
        if (auto addrs = io::resolve(r.host, port, session::proto_family(r.proto), io::SockType::Stream);
            addrs && !addrs->empty())
            remote_ = addrs->front();
    } else if (!r.host.empty()) {
        auto addrs = io::resolve(r.host, port, session::proto_family(r.proto),
                                 tcp ? io::SockType::Stream : io::SockType::Datagram);
        if (!addrs || addrs->empty()) {
            // io::resolve's error is already 2.6's RESOLVE line.
            const std::string why = addrs ? strfmt("RESOLVE: Cannot resolve host address: %s:%s (no address)",
                                                   r.host.c_str(), r.port.c_str())
                                          : addrs.error();
            return resolve_failed(why);
        }
        resolve_failures_ = 0;
        remote_ = addrs->front();
    }
    bool preconnected = false;
    if (proxied) {
        if (!tcp)
            return Err(std::string("Options error: --http-proxy/--socks-proxy need proto tcp-client here "
                                   "(SOCKS over UDP is not implemented)"));
        auto pc = io::proxy_config_from(ce, r.host, port,
                                        base_.http_proxy_user_pass ? &*base_.http_proxy_user_pass : nullptr);
        if (!pc)
            return Err(pc.error());
        pc->timeout = seconds(ce.connect_timeout.value_or(kDefaultConnectTimeout));
        auto fd = io::proxy_connect(*pc, &log_);
        if (!fd) {
            log_.logf(kV1, "Proxy: %s", fd.error().c_str());
            schedule_restart("proxy-error", true);
            return Ok{};
        }
        io::TcpConfig tc;
        tc.remote = remote_;
        auto s = io::adopt_tcp(*fd, tc);
        tcp_ = s.get();
        link_ = std::make_unique<io::WatchedLink>(std::move(s), loop_);
        udp_unconnected_ = false;
        preconnected = true;
        log_.logf(kV1, "TCP connection established with %s via proxy %s:%u", r.host.c_str(),
                  pc->proxy_host.c_str(), static_cast<unsigned>(pc->proxy_port));
    } else if (tcp) {
        io::TcpConfig tc;
        tc.remote = remote_;
        auto b = local_bind(ce, true);
        if (!b)
            return Err(b.error());
        tc.bind_addr = *b;
        auto s = io::connect_tcp(tc);
        if (!s) {
            log_.logf(kV1, "TCP: connect to %s failed: %s", remote_.to_string().c_str(), s.error().c_str());
            schedule_restart("connection-failed", true);
            return Ok{};
        }
        tcp_ = s->get();
        link_ = std::make_unique<io::WatchedLink>(std::move(*s), loop_);
        udp_unconnected_ = false;
        log_.logf(kV1, "Attempting to establish TCP connection with %s", remote_.to_string().c_str());
    } else {
        io::UdpConfig uc;
        uc.family = remote_.empty() ? io::Family::Any
                                    : (remote_.family() == AF_INET6 ? io::Family::V6 : io::Family::V4);
        if (!remote_.empty() && !ce.float_peer)
            uc.connect_to = remote_;
        udp_unconnected_ = !uc.connect_to.has_value();
        auto b = local_bind(ce, false);
        if (!b)
            return Err(b.error());
        uc.bind_addr = *b;
        auto s = io::open_udp(uc);
        if (!s)
            return Err(s.error());
        link_ = std::move(*s);
        tcp_ = nullptr;
        const char* udp = remote_.family() == AF_INET6 ? "UDPv6" : "UDPv4";
        if (uc.bind_addr)
            log_.logf(kV1, "%s link local (bound): %s", udp, uc.bind_addr->bound_string().c_str());
        else
            log_.logf(kV1, "%s link local: (not bound)", udp);
        log_.logf(kV1, "%s link remote: %s", udp, remote_.to_string().c_str());
    }
    rx_.clear();
    for (std::size_t i = 0; i < link_->batch_size(); ++i)
        rx_.emplace_back();
    rx_from_.assign(link_->batch_size(), io::SockAddr{});
    if (auto s = loop_.add_fd(link_->fd(), io::kReadable | (tcp && !preconnected ? io::kWritable : 0),
                              [this](std::uint32_t ev) { on_link_event(ev); });
        !s)
        return Err(s.error());
    if (static_mode()) {
        auto st = start_static();
        if (st && preconnected)
            phase_ = Phase::Handshake;
        return st;
    }

    // --persist-key: the certificate and key are read (and a passphrase
    // asked) once; without it every new session reads them again, as 2.6.
    if (!tls_ctx_ || !base_.persist_key) {
        auto tls = session::make_tls_config(base_);
        if (!tls)
            return Err(tls.error());
        tls->verify_hook = [this](const control::CertFacts& c, const std::vector<control::CertFacts>& chain) {
            return run_tls_verify(c, chain);
        };
        auto ctx = control::TlsContext::create(*tls);
        if (!ctx)
            return Err(ctx.error());
        tls_ctx_ = *ctx;
    }
    auto wrap = session::make_control_wrap(base_, ce, static_cast<std::uint32_t>(std::time(nullptr)));
    if (!wrap)
        return Err(wrap.error());
    session::ControlSetup setup;
    setup.tls = tls_ctx_;
    setup.wrap = std::move(*wrap);
    setup.tcp = tcp;
    setup.peer_info = make_peer_info(base_);
    auto made = session::make_control_config(base_, std::move(setup));
    if (!made)
        return Err(made.error());
    control::ControlConfig cc = std::move(*made);
    if (have_credentials_) {
        cc.username = username_;
        cc.password = auth_token_ ? SecureBytes(as_bytes(*auth_token_)) : password_;
    }
    TimePoint now = loop_.now();
    auto ch = control::ControlChannel::create(std::move(cc), now);
    if (!ch)
        return Err(ch.error());
    cc_ = std::move(*ch);
    last_rx_ = now;
    phase_ = tcp && !preconnected ? Phase::Connecting : Phase::Handshake;
    if (!tcp || preconnected)
        cc_->start(now);
    flush_control();
    arm_tick();
    return Ok{};
}

Status<> Client::resolve_failed(const std::string& line)
{
    const ResolvePolicy p = resolve_policy(base_);
    server_poll_at_.reset(); // nothing to poll yet
    if (p.fatal)
        return Err(line +
                   " (I would have retried this name query if you had specified the --resolv-retry option.)");
    log_.write(kV1, line);
    ++resolve_failures_;
    if (p.tries == 0 || resolve_failures_ < p.tries) {
        // The same name again after 2.6's pause; no restart in between.
        restart_at_ = loop_.now() + seconds(kResolveRetryInterval);
        arm_tick();
        return Ok{};
    }
    resolve_failures_ = 0;
    log_.write(kV1, "Could not determine IPv4/IPv6 protocol");
    schedule_restart("Could not determine IPv4/IPv6 protocol", true);
    return Ok{};
}

void Client::close_link()
{
    if (link_) {
        loop_.remove_fd(link_->fd());
        link_.reset();
        tcp_ = nullptr;
    }
}

void Client::teardown_session()
{
    server_poll_at_.reset();
    if (dp_) {
        traffic_ = traffic(); // keep the ended session's counts for --status
        link_rx_other_ = link_tx_other_ = 0;
        if (dp_peer_added_)
            (void)dp_->del_peer(data::kP2pPeerId);
        dp_peer_added_ = false;
    }
    cc_.reset();
    close_link();
    if (!base_.persist_tun)
        close_tun();
    phase_ = Phase::Idle;
}

void Client::restart_now(const std::string& why)
{
    if (exiting_)
        return;
    last_signal_ = why;
    teardown_session();
    restart_at_ = loop_.now(); // no pause for a manual restart
    arm_tick();
}

void Client::schedule_restart(const std::string& why, bool advance_remote)
{
    if (exiting_)
        return;
    log_.logf(kV1, "SIGUSR1[soft,%s] received, process restarting", why.c_str());
    last_signal_ = why;
    teardown_session();
    if (advance_remote)
        ++conn_index_;
    ++retries_;
    int wait = base_.ce.connect_retry.value_or(1);
    if (base_.ce.connect_retry_max && retries_ > *base_.ce.connect_retry_max * 1000) {
        exit_now(kExitError, "connect-retry-max reached");
        return;
    }
    log_.logf(kV1, "Restart pause, %d second(s)", wait);
    restart_at_ = loop_.now() + seconds(wait);
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
    if (neg_ && neg_->cc_exit && cc_) {
        (void)cc_->send_message("EXIT");
        flush_control();
    } else if (dp_) {
        (void)dp_->send_exit_notify(data::kP2pPeerId, loop_.now());
    }
    log_.write(kV1, "SIGTERM received, sending exit notification to peer");
    exit_at_ = loop_.now() + seconds(n);
    arm_tick();
}

void Client::on_signal(io::Signal s)
{
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
        // A hard restart with the same options, logged with 2.6's wording.
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

void Client::on_link_event(std::uint32_t events)
{
    if (tcp_ != nullptr && phase_ == Phase::Connecting && (events & (io::kWritable | io::kError)) != 0) {
        on_tcp_connected();
        return;
    }
    if (tcp_ != nullptr && (events & io::kWritable) != 0) {
        if (auto s = link_->flush(); !s) { // the watch follows the queue
            log_.logf(kV1, "Connection reset, restarting [%s]", s.error().message().c_str());
            schedule_restart("connection-reset", false);
            return;
        }
    }
    if ((events & (io::kReadable | io::kHangup | io::kError)) != 0)
        on_link_readable();
}

void Client::on_tcp_connected()
{
    if (auto s = tcp_->finish_connect(); !s) {
        log_.logf(kV1, "TCP: connect to %s failed: %s", remote_.to_string().c_str(),
                  s.error().message().c_str());
        schedule_restart("connection-failed", true);
        return;
    }
    log_.logf(kV1, "TCP connection established with %s", remote_.to_string().c_str());
    (void)link_->flush(); // connected: stop watching for writability
    phase_ = Phase::Handshake;
    if (!cc_)
        return; // --secret: nothing to start
    cc_->start(loop_.now());
    flush_control();
    arm_tick();
}

void Client::on_link_readable()
{
    TimePoint now = loop_.now();
    for (int round = 0; round < 8 && link_; ++round) {
        auto n = link_->recv(rx_, rx_from_);
        if (!n) {
            if (tcp_ != nullptr) {
                log_.logf(kV1, "Connection reset, restarting [%s]", n.error().message().c_str());
                schedule_restart("connection-reset", false);
            }
            return;
        }
        if (*n == 0)
            break;
        if (static_mode()) {
            on_static_packets(*n, now);
            continue;
        }
        std::size_t num_data = 0;
        for (std::size_t i = 0; i < *n; ++i) {
            PacketBuf& b = rx_[i];
            if (b.empty())
                continue;
            // 2.6's "TCP/UDP read bytes" counts every packet off the link;
            // the data plane counts the data packets it is handed.
            const auto op = wire::opcode_of(b.data()[0]);
            const bool is_data = op && wire::is_data(*op);
            if (!is_data || !dp_ || !dp_peer_added_)
                link_rx_other_ += b.size();
            if (is_data) {
                if (i != num_data)
                    std::swap(rx_[i], rx_[num_data]);
                ++num_data;
                continue;
            }
            if (!cc_)
                continue;
            if (udp_unconnected_ && remote_.empty() && !cc_->primary_active()) {
                // A listening p2p peer learns its peer from the first packet
                // the control channel accepts.
                remote_ = rx_from_[i];
            }
            auto before = cc_->stats();
            cc_->on_packet(b.span(), now);
            auto after = cc_->stats();
            bool dropped = after.drop_unwrap + after.drop_parse + after.drop_session + after.drop_key_id !=
                           before.drop_unwrap + before.drop_parse + before.drop_session + before.drop_key_id;
            if (dropped && udp_unconnected_ && !cc_->primary_active() &&
                !wire::is_defined(cc_->remote_session_id()))
                remote_ = io::SockAddr{}; // not our peer after all
            if (!dropped) {
                if (udp_unconnected_ && !(remote_ == rx_from_[i]) && phase_ != Phase::Up &&
                    !cc_->primary_active())
                    remote_ = rx_from_[i];
                last_rx_ = now;
                heard_from_peer_ = true;
                if (dp_ && dp_peer_added_)
                    dp_->note_control(data::kP2pPeerId, true, now);
            }
        }
        if (num_data > 0 && dp_ && dp_peer_added_) {
            dp_->on_link_data(data::kP2pPeerId, std::span<PacketBuf>(rx_.data(), num_data), now);
            last_rx_ = now;
        }
        handle_control_events();
        if (!cc_)
            return;
    }
    flush_control();
    arm_tick();
}

void Client::send_packet(const std::vector<std::uint8_t>& pkt)
{
    if (!link_)
        return;
    PacketBuf b(pkt.size() + PacketBuf::kDefaultHeadroom + 64);
    (void)b.append(pkt);
    if (udp_unconnected_ && remote_.empty())
        return; // a listening peer has nobody to talk to yet
    auto r = link_->send(std::span<const PacketBuf>(&b, 1), udp_unconnected_ ? &remote_ : nullptr);
    if (!r && tcp_ != nullptr) {
        schedule_restart("connection-reset", false);
        return;
    }
    // Control packets count as "TCP/UDP write bytes" too; over TCP 2.6
    // counts the 2-byte length in front of each packet it writes (not the
    // one it reads).
    if (r)
        link_tx_other_ += pkt.size() + (tcp_ != nullptr ? 2 : 0);
    if (dp_ && dp_peer_added_)
        dp_->note_control(data::kP2pPeerId, false, loop_.now());
}

void Client::flush_control()
{
    if (!cc_ || !link_ || phase_ == Phase::Connecting)
        return;
    session::flush_control(cc_, *this, loop_.now());
}

void Client::handle_control_events()
{
    session::dispatch_control_events(cc_, *this, log_);
}

void Client::on_tls_failed()
{
    if (base_.tls_exit) {
        exit_now(kExitError, "Exiting due to --tls-exit");
        return;
    }
    schedule_restart("tls-error", true);
}

void Client::on_lame_duck_expired(std::uint8_t key_id)
{
    if (dp_ && dp_peer_added_)
        keys_.lame_duck_expired(*dp_, data::kP2pPeerId, key_id);
}

void Client::on_key_active(std::uint8_t key_id, bool renegotiated)
{
    const control::TlsSession* tls = cc_->tls_session(key_id);
    // 2.6 prints the Control Channel line after every handshake, the
    // renegotiations included; tools count these lines.
    if (tls != nullptr)
        log_.logf(kV1, "Control Channel: %s, peer certificate: %s", tls->description().c_str(),
                  tls->peer_subject().c_str());
    if (tls != nullptr && !renegotiated) {
        if (base_.auth_nocache && have_credentials_) {
            // --auth-nocache: our copy goes once the server has it; a restart
            // reads the file (or asks) again, as 2.6 does.
            password_.wipe();
            have_credentials_ = false;
        }
        peer_cn_ = tls->peer_common_name();
        peer_subject_ = tls->peer_subject();
        peer_cert_vars_ = control::cert_env(tls->peer_chain());
        log_.logf(kV1, "[%s] Peer Connection Initiated with %s", peer_cn_.c_str(),
                  remote_.to_string().c_str());
        run_ipchange();
    }
    if (renegotiated) {
        if (phase_ == Phase::Up) {
            if (auto s = install_key(key_id, false); !s)
                log_.logf(kV1, "ERROR: installing the renegotiated key failed: %s", s.error().c_str());
        }
        return;
    }
    if (base_.pull) {
        phase_ = Phase::Pulling;
        // IV_PROTO_REQUEST_PUSH: a 2.6 server pushes on its own; ask anyway
        // after a moment, as 2.6 does once per second until the reply.
        next_push_request_ = loop_.now() + seconds(1);
        push_deadline_ = loop_.now() + (base_.hand_window ? seconds(*base_.hand_window) : seconds(60));
        arm_tick();
        return;
    }
    // TLS p2p: negotiate from the peer's key exchange.
    const wire::KeyMethod2* km = cc_->peer_km2(key_id);
    auto n = negotiate_p2p(base_, base_.tls_server, km ? km->peer_info : "", km ? km->options : "");
    if (!n) {
        exit_now(kExitError, n.error());
        return;
    }
    if (n->peer_id && n->use_ekm) {
        if (auto p = cc_->export_keying_material("EXPORTER-OpenVPN-p2p-peerid", 3); p)
            n->peer_id = (std::uint32_t{(*p)[0]} << 16) | (std::uint32_t{(*p)[1]} << 8) | (*p)[2];
    }
    neg_ = *n;
    if (auto s = bring_up(); !s)
        exit_now(kExitError, s.error());
}

void Client::handle_message(const std::string& text)
{
    log_.logf(Verb::Info, "PUSH: Received control message: '%s'", text.c_str());
    auto m = wire::classify_control_message(text);
    switch (m.kind) {
    case wire::ControlMessageKind::PushReply:
        handle_push_reply(text);
        break;
    case wire::ControlMessageKind::AuthFailed:
        handle_auth_failed(m.arg);
        break;
    case wire::ControlMessageKind::Restart: {
        auto r = wire::parse_restart_arg(m.arg);
        if (!r.preserve_credentials)
            auth_token_.reset();
        schedule_restart("server-pushed-connection-reset", r.advance_remote);
        break;
    }
    case wire::ControlMessageKind::Halt:
        exit_now(kExitOk, "SIGTERM[soft,server-pushed-halt] received, process exiting");
        break;
    case wire::ControlMessageKind::Exit:
        schedule_restart("remote-exit", false);
        break;
    case wire::ControlMessageKind::Info:
    case wire::ControlMessageKind::InfoPre:
        log_.logf(kV1, "INFO: %s", m.arg.c_str());
        break;
    case wire::ControlMessageKind::AuthPending:
        if (auto t = wire::parse_auth_pending_timeout(m.arg))
            push_deadline_ = loop_.now() + seconds(*t);
        break;
    default:
        log_.logf(kV1, "WARNING: Received unknown control message: %s", text.c_str());
        break;
    }
}

void Client::handle_auth_failed(const std::string& arg)
{
    log_.logf(kV1, "AUTH: Received control message: AUTH_FAILED%s%s", arg.empty() ? "" : ",", arg.c_str());
    auto af = wire::parse_auth_failed(arg);
    if (auth_token_) {
        auth_token_.reset();
        schedule_restart("auth-failure", false);
        return;
    }
    if (af.kind == wire::AuthFailed::Kind::Temp) {
        schedule_restart("auth-failure (temp)", af.advance_remote || af.advance_addr);
        return;
    }
    const std::string retry = base_.auth_retry.value_or("none");
    if (retry == "none") {
        exit_now(kExitError, "SIGTERM[soft,auth-failure] received, process exiting");
        return;
    }
    schedule_restart("auth-failure", false);
}

void Client::handle_push_reply(const std::string& text)
{
    if (phase_ != Phase::Pulling) {
        // A later PUSH_REPLY (e.g. a renewed auth-token) only updates the token.
        auto pr = wire::parse_push_reply(text);
        if (pr) {
            for (const auto& o : pr->options) {
                if (o.rfind("auth-token ", 0) == 0) {
                    auth_token_ = o.substr(11);
                    cc_->update_credentials(username_, SecureBytes(as_bytes(*auth_token_)));
                }
            }
        }
        return;
    }
    auto pr = wire::parse_push_reply(text);
    if (!pr) {
        log_.logf(kV1, "WARNING: bad PUSH_REPLY: %s", pr.error().c_str());
        return;
    }
    push_parts_.insert(push_parts_.end(), pr->options.begin(), pr->options.end());
    if (pr->more_follow())
        return;
    auto applied = options::apply_pushed_options(pushed_, push_parts_, log_);
    if (!applied) {
        exit_now(kExitError, "ERROR: Failed to apply push options: " + applied.error());
        return;
    }
    if (pushed_.auth_token) {
        auth_token_ = *pushed_.auth_token;
        cc_->update_credentials(username_, SecureBytes(as_bytes(*auth_token_)));
    }
    const wire::KeyMethod2* km = cc_->peer_km2(*cc_->primary_key_id());
    auto n = negotiate_pull(pushed_, km ? km->options : "");
    if (!n) {
        exit_now(kExitError, n.error());
        return;
    }
    neg_ = *n;
    if (auto s = bring_up(); !s)
        exit_now(kExitError, s.error());
}

// open_device: the tun device (or --dev null) with its data plane, once
// per tun (kept across restarts with --persist-tun), then addresses, routes
// and --up.
Status<> Client::open_device()
{
    auto dp = session::make_data_plane(
        pushed_, dco_, session::PlaneMode::P2P, loop_, [this](const data::PeerEvent& e) { on_peer_event(e); },
        log_);
    if (!dp)
        return Err(dp.error());
    dp_ = std::move(*dp);
    ++tun_opens_;
    return configure_network();
}

// open_data_plane: this session's peer in the data plane (the device first
// when there is none yet).
Status<> Client::open_data_plane()
{
    if (!dp_)
        if (auto s = open_device(); !s)
            return s;
    data::PeerSpec ps;
    ps.id = data::kP2pPeerId;
    ps.link = link_.get();
    ps.remote = remote_;
    ps.tx_peer_id = neg_->peer_id;
    ps.compression = session::compression_of(pushed_);
    if (current_ce().fragment && tcp_ == nullptr)
        ps.fragment = static_cast<std::size_t>(*current_ce().fragment);
    auto mss = effective_mssfix(ps.compression, ps.fragment);
    if (!mss)
        return Err(mss.error());
    ps.mssfix = *mss;
    if (auto s = dp_->add_peer(ps); !s)
        return Err("data plane: " + s.error());
    dp_peer_added_ = true;
    int ping = pushed_.ping.value_or(0);
    int restart = pushed_.ping_restart.value_or(pushed_.ping_exit.value_or(0));
    if (ping > 0 || restart > 0)
        (void)dp_->set_keepalive(data::kP2pPeerId, seconds(ping), seconds(restart));
    return Ok{};
}

// on_peer_event: what the data plane reports about our peer (from the loop).
void Client::on_peer_event(const data::PeerEvent& ev)
{
    switch (ev.kind) {
    case data::PeerEventKind::Gone:
        if (ev.reason != data::DelReason::Expired) {
            log_.logf(kV1, "Connection reset, restarting [data plane dropped the peer]");
            schedule_restart("connection-reset", false);
            return;
        }
        if (pushed_.ping_exit) {
            exit_now(kExitOk, "SIGTERM[soft,ping-exit] received, process exiting");
            return;
        }
        log_.logf(kV1, "[%s] Inactivity timeout (--ping-restart), restarting",
                  peer_cn_.empty() ? "UNDEF" : peer_cn_.c_str());
        schedule_restart("ping-restart", false);
        return;
    case data::PeerEventKind::RemoteExit:
        schedule_restart("remote-exit", false);
        return;
    case data::PeerEventKind::KeyExhausted:
        if (cc_ && cc_->renegotiate(loop_.now())) {
            flush_control();
            arm_tick();
        }
        return;
    }
}

Result<std::uint16_t> Client::effective_mssfix(wire::CompressMode comp, std::size_t fragment) const
{
    const options::ConnectionEntry& ce = current_ce();
    auto setting =
        data::resolve_mssfix(ce.mssfix ? &*ce.mssfix : nullptr, static_cast<int>(fragment),
                             pushed_.ce.tun_mtu ? pushed_.ce.tun_mtu : ce.tun_mtu, ce.link_mtu.has_value());
    if (!setting)
        return Err(setting.error());
    auto cipher = crypto::lookup_cipher(neg_->cipher);
    if (!cipher)
        return Err(cipher.error());
    data::MssfixFrame f;
    f.tcp = tcp_ != nullptr;
    // A listening peer does not know its peer's family yet: 2.6 then
    // assumes the larger (IPv6) header.
    f.ipv6 = remote_.empty() || remote_.family() == AF_INET6;
    f.tls = !static_mode();
    f.peer_id = neg_->peer_id.has_value();
    f.aead = data::is_aead(cipher->alg);
    if (!f.aead) {
        f.iv_len = cipher->alg == data::CipherAlg::None ? 0 : cipher->iv_len;
        auto h = crypto::digest_len(neg_->auth);
        f.hmac_len = h ? *h : 0;
    }
    f.long_packet_id = static_mode();
    f.comp_v1 = comp == wire::CompressMode::Lz4 || comp == wire::CompressMode::Stub ||
                comp == wire::CompressMode::Lzo || comp == wire::CompressMode::LzoNo;
    f.fragment = fragment > 0;
    const std::uint16_t mss = data::effective_mss(*setting, f);
    log_.logf(Verb::Info, "MSS clamp for TCP SYNs: %u (mssfix %d%s)", mss, setting->value,
              setting->fixed   ? " fixed"
              : setting->encap ? " mtu"
                               : "");
    return mss;
}

Status<> Client::configure_network()
{
    const std::string& ifname = dp_->device().name;
    if (ifname == "null" || pushed_.ifconfig_noexec) {
        plan_ = tun::NetPlan{};
        plan_.ifname = ifname;
        plan_.mtu =
            static_cast<std::uint32_t>(pushed_.ce.tun_mtu.value_or(current_ce().tun_mtu.value_or(1500)));
        if (pushed_.up && ifname != "null" && !run_script("up", *pushed_.up, up_down_args()))
            return Err(std::string("ERROR: up script failed"));
        return Ok{};
    }
    auto nl = tun::Netlink::open();
    if (!nl)
        return Err(nl.error());
    nl_ = std::move(*nl);
    net_ = std::make_unique<tun::NetSetup>(*nl_, log_);
    // route_net_gateway: the pre-VPN default gateway (2.6 shows 0.0.0.0
    // when there is none); --route's net_gateway means the same.
    tun::PlanFacts facts;
    facts.ifname = ifname;
    facts.mtu = static_cast<std::uint32_t>(pushed_.ce.tun_mtu.value_or(current_ce().tun_mtu.value_or(1500)));
    if (!remote_.empty())
        if (auto h = tun::IpAddr::parse(remote_.ip_string()))
            facts.remote_host = *h;
    if (auto d = nl_->default_route(AF_INET); d && d->gateway.is_set())
        facts.net_gateway = d->gateway;
    net_gateway_ = facts.net_gateway.is_set() ? facts.net_gateway.to_string() : "0.0.0.0";
    auto planned = tun::plan_from_options(pushed_, facts, log_);
    if (!planned)
        return Err(planned.error());
    tun::NetPlan plan = std::move(*planned);
    if (auto s = net_->apply_link(plan); !s)
        return s;
    plan_ = plan;
    if (pushed_.up) {
        if (!run_script("up", *pushed_.up, up_down_args()))
            return Err(std::string("ERROR: up script failed"));
    }
    if (pushed_.route_noexec)
        return Ok{};
    const int delay = pushed_.route_delay && !pushed_.route_delay->empty()
                          ? std::atoi(pushed_.route_delay->front().c_str())
                          : (pushed_.route_delay ? 0 : -1);
    if (delay > 0) {
        route_up_at_ = loop_.now() + seconds(delay);
        arm_tick();
    } else {
        add_routes();
    }
    return Ok{};
}

Status<> Client::install_key(std::uint8_t key_id, bool first)
{
    const session::DataCipher dc{neg_->cipher, neg_->auth, neg_->use_ekm};
    return keys_.install(*dp_, data::kP2pPeerId, *cc_, dc, key_id, first);
}

Status<> Client::bring_up()
{
    log_.logf(kV1, "Data Channel: cipher '%s'%s, peer-id: %d", neg_->cipher.c_str(),
              neg_->use_ekm ? ", key derivation: tls-ekm" : "",
              neg_->peer_id ? static_cast<int>(*neg_->peer_id) : -1);
    if (auto s = open_data_plane(); !s)
        return s;
    if (auto s = install_key(*cc_->primary_key_id(), true); !s)
        return Err("ERROR: installing the data channel key failed: " + s.error());
    phase_ = Phase::Up;
    retries_ = 0;
    return initialization_completed();
}

// check_inactive: --inactive n [bytes]: exit when the tunnel carried no
// packet (or fewer than `bytes`, both directions) for n seconds; the window
// restarts whenever enough has passed. true when it began the exit.
bool Client::check_inactive(TimePoint now)
{
    if (!base_.inactive || *base_.inactive <= 0 || !dp_ || phase_ != Phase::Up || exiting_)
        return false;
    auto st = dp_->stats(data::kP2pPeerId);
    if (!st)
        return false;
    const std::uint64_t total = st->plain_rx_bytes + st->plain_tx_bytes;
    if (!inactive_since_ || total < inactive_mark_) {
        inactive_since_ = now;
        inactive_mark_ = total;
        return false;
    }
    if (total - inactive_mark_ > static_cast<std::uint64_t>(base_.inactive_bytes)) {
        inactive_since_ = now;
        inactive_mark_ = total;
        return false;
    }
    if (now - *inactive_since_ < seconds(*base_.inactive))
        return false;
    log_.write(kV1, "Inactivity timeout (--inactive), exiting");
    begin_exit("SIGTERM[soft,inactive] received, process exiting");
    return true;
}

void Client::on_tick()
{
    tick_.reset();
    TimePoint now = loop_.now();
    if (restart_at_ && now >= *restart_at_) {
        restart_at_.reset();
        if (auto s = start_connection(); !s) {
            exit_now(kExitError, s.error());
            return;
        }
    }
    if (exit_at_ && now >= *exit_at_) {
        exit_now(kExitOk, "");
        return;
    }
    if (route_up_at_ && now >= *route_up_at_) {
        route_up_at_.reset();
        add_routes();
    }
    write_status(false);
    if (check_inactive(now))
        return;
    if (server_poll_at_ && now >= *server_poll_at_) {
        server_poll_at_.reset();
        if (!heard_from_peer_ && !exiting_) {
            log_.write(kV1, phase_ == Phase::Connecting
                                ? "TCP: connect timeout (--connect-timeout), restarting"
                                : "Server poll timeout, restarting");
            schedule_restart("server_poll", true);
            restart_at_ = now; // 2.6 moves on to the next entry without a pause
            arm_tick();
            return;
        }
    }
    session::control_tick(cc_, *this, log_, now);
    if (cc_ && phase_ == Phase::Pulling) {
        if (now >= push_deadline_) {
            log_.write(kV1, "No reply from server to push requests in 60s");
            schedule_restart("no-push-reply", false);
            return;
        }
        if (now >= next_push_request_) {
            if (cc_->send_message("PUSH_REQUEST"))
                log_.logf(Verb::Info, "SENT CONTROL [%s]: 'PUSH_REQUEST' (status=1)", "server");
            next_push_request_ = now + kPushRequestInterval;
        }
    }
    // Before the push (or without a data plane yet), ping-restart from the
    // control channel's traffic: 2.6 uses 120 s for pull clients on UDP.
    if (cc_ && phase_ != Phase::Up && phase_ != Phase::Connecting && tcp_ == nullptr && base_.pull &&
        now - last_rx_ >= kPrePullPingRestart) {
        log_.write(kV1, "[UNDEF] Inactivity timeout (--ping-restart), restarting");
        schedule_restart("ping-restart", false);
        return;
    }
    flush_control();
    arm_tick();
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

std::vector<std::string> Client::up_down_args() const
{
    std::string local, remote;
    if (pushed_.ifconfig) {
        local = pushed_.ifconfig->first;
        remote = pushed_.ifconfig->second;
    }
    return script::up_down_args(dp_ ? dp_->device().name : plan_.ifname, plan_.mtu, local, remote,
                                tun_opens_ > 1);
}

bool Client::run_script(const std::string& type, const std::string& command,
                        const std::vector<std::string>& args, bool with_signal)
{
    script::ScriptRunner runner(log_, base_.script_security.value_or(1));
    ScriptEnvFacts f = script_facts();
    if (!with_signal)
        f.signal.clear();
    return runner.run(type, command, args, build_script_env(f)).ok();
}

bool Client::run_tls_verify(const control::CertFacts& cert, const std::vector<control::CertFacts>& chain)
{
    // 2.6: the peer still untrusted, common_name only once depth 0 is
    // reached; the chain's variables come from session::run_tls_verify.
    ScriptEnvFacts f = script_facts();
    f.signal.clear();
    f.peer_trusted = false;
    f.common_name.clear();
    f.cert_vars.clear();
    return session::run_tls_verify(base_, cert, chain, build_script_env(f), "", log_);
}

void Client::run_ipchange()
{
    if (!base_.ipchange || remote_.empty())
        return;
    const std::string addr =
        std::string(remote_.family() == AF_INET6 ? "[AF_INET6]" : "[AF_INET]") + remote_.ip_string();
    // 2.6 hands "[AF_INET]1.2.3.4 1194" over as ONE argument (checked with
    // 2.6.14: $1 holds the space and the port).
    (void)run_script("ipchange", *base_.ipchange, {addr + " " + std::to_string(remote_.port())});
}

void Client::add_routes()
{
    if (net_)
        (void)net_->apply_routes(plan_);
    routes_added_ = true;
    if (pushed_.route_up)
        (void)run_script("route-up", *pushed_.route_up, {});
}

void Client::close_tun()
{
    if (!dp_)
        return;
    if (routes_added_ && pushed_.route_pre_down)
        (void)run_script("route-pre-down", *pushed_.route_pre_down, up_down_args(), true);
    const auto args = up_down_args();
    if (pushed_.down && pushed_.down_pre)
        (void)run_script("down", *pushed_.down, args, true);
    if (net_) {
        net_->restore();
        net_.reset();
    }
    route_up_at_.reset();
    routes_added_ = false;
    const bool run_down = pushed_.down && !pushed_.down_pre && dp_->device().name != "null";
    // 2.6 closes the device first, then runs --down (unless --down-pre);
    // the facts are taken while the device is still known.
    ScriptEnvFacts f = script_facts();
    log_.write(Verb::Info, "Closing TUN/TAP interface");
    dp_.reset(); // the data plane closes its device
    dp_peer_added_ = false;
    if (run_down) {
        script::ScriptRunner runner(log_, base_.script_security.value_or(1));
        (void)runner.run("down", *pushed_.down, args, build_script_env(f));
    }
}

ScriptEnvFacts Client::script_facts() const
{
    ScriptEnvFacts f;
    f.config = base_.config.value_or("");
    f.daemon = base_.daemon;
    f.log_redirect = base_.log.has_value() || base_.log_append.has_value();
    f.daemon_pid = static_cast<long long>(::getpid());
    f.start_time = start_time_;
    f.verb = base_.verb;
    const auto& list = base_.connections;
    f.connection_index = list.empty() ? 1 : (conn_index_ % list.size()) + 1;
    const options::ConnectionEntry& ce = current_ce();
    Remote r = remote_of(ce);
    f.remote = r.host;
    f.remote_port = r.host.empty() ? std::string() : r.port;
    f.proto = r.proto;
    if (!ce.nobind && (ce.lport || ce.bind_given || !base_.pull))
        f.local_port = ce.lport.value_or(ce.port);
    f.setenv = base_.setenv;
    f.now_unix = static_cast<long long>(std::time(nullptr));
    f.now_ascii = format_time_ascii(f.now_unix);
    if (dp_) {
        f.dev = dp_->device().name;
        f.dev_type = pushed_.dev_type.value_or("tun");
        f.tun_mtu = plan_.mtu;
        f.restart = tun_opens_ > 1;
        f.subnet = plan_.topology == tun::Topology::Subnet;
        if (pushed_.ifconfig) {
            f.ifconfig_local = pushed_.ifconfig->first;
            f.ifconfig_remote_or_netmask = pushed_.ifconfig->second;
        }
        if (pushed_.ifconfig_ipv6) {
            const std::string& a = pushed_.ifconfig_ipv6->first;
            const auto slash = a.find('/');
            f.ifconfig_ipv6_local = a.substr(0, slash);
            if (slash != std::string::npos)
                f.ifconfig_ipv6_netbits = std::atoi(a.c_str() + slash + 1);
            f.ifconfig_ipv6_remote = pushed_.ifconfig_ipv6->second;
        }
        f.redirect_gateway = pushed_.redirect_gateway.has_value();
        const tun::IpAddr vpn_gw = tun::NetSetup::vpn_gateway(plan_);
        if (vpn_gw.is_set())
            f.route_vpn_gateway = vpn_gw.to_string();
        f.route_net_gateway = net_gateway_;
        for (const auto& rt : plan_.routes) {
            ScriptRoute sr;
            sr.network = rt.dst.addr.to_string();
            char mask[INET_ADDRSTRLEN] = {};
            in_addr m = tun::len_to_netmask(rt.dst.len);
            ::inet_ntop(AF_INET, &m, mask, sizeof mask);
            sr.netmask = mask;
            sr.gateway = rt.gateway.is_set() ? rt.gateway.to_string() : f.route_vpn_gateway;
            if (rt.metric)
                sr.metric = static_cast<int>(*rt.metric);
            f.routes.push_back(sr);
        }
        for (const auto& rt : plan_.routes_ipv6) {
            ScriptRoute6 sr;
            sr.network = rt.dst.to_string();
            sr.gateway = rt.gateway.is_set() ? rt.gateway.to_string() : plan_.route_ipv6_gateway.to_string();
            if (rt.metric)
                sr.metric = static_cast<int>(*rt.metric);
            f.routes_ipv6.push_back(sr);
        }
        f.foreign_options = foreign_options_of(pushed_);
    }
    if (!remote_.empty()) {
        f.peer_ip = remote_.ip_string();
        f.peer_ipv6 = remote_.family() == AF_INET6 && f.peer_ip.find(':') != std::string::npos;
        f.peer_port = remote_.port();
        f.peer_trusted = heard_from_peer_ || static_peer_seen_;
    }
    f.common_name = peer_cn_;
    f.cert_vars = peer_cert_vars_;
    f.signal = last_signal_.empty() ? "sigterm" : last_signal_;
    return f;
}

Status<> Client::initialization_completed()
{
    if (init_done_) {
        log_.write(kV1, "Initialization Sequence Completed");
        return Ok{};
    }
    init_done_ = true;
    // Privileges are dropped once; with --persist-tun the tun stays open,
    // but routes still need CAP_NET_ADMIN at exit (kept when possible).
    return process::initialization_sequence_completed(base_, log_, false);
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
