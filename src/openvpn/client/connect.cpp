// client/connect.cpp: one connection attempt: resolve the remote, open the
// UDP socket or connect TCP (directly or through a proxy), start the
// control channel, and move packets between the link and the control
// channel or the data plane.
#include "openvpn/client/client.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "openvpn/client/internal.hpp"
#include "openvpn/crypto/pkcs11.hpp"
#include "openvpn/io/proxy.hpp"
#include "openvpn/io/socket_buffers.hpp"
#include "openvpn/io/watched_link.hpp"
#include "openvpn/mgmt/host.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/process/lifecycle.hpp"
#include "openvpn/session/control_config.hpp"
#include "openvpn/session/engine_note.hpp"
#include "openvpn/session/tls_config.hpp"
#include "openvpn/session/transport.hpp"
#include "openvpn/wire/opcode.hpp"

namespace ovpn::client {

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

// link_family: the remote's family; a listening peer (no remote yet) takes
// the one its --proto names (udp6: IPv6), as 2.6 does.
io::Family Client::link_family(const options::ConnectionEntry& ce) const
{
    if (remote_.empty())
        return session::proto_family(remote_of(ce).proto);
    return remote_.family() == AF_INET6 ? io::Family::V6 : io::Family::V4;
}

Result<std::optional<io::SockAddr>> Client::local_bind(const options::ConnectionEntry& ce, bool tcp) const
{
    const bool asked = ce.local || ce.lport || ce.bind_given;
    if (ce.nobind || (!asked && (tcp || base_.pull)))
        return std::optional<io::SockAddr>{};
    auto a = session::local_address(ce, link_family(ce), tcp, false);
    if (!a)
        return Err(a.error());
    return std::optional<io::SockAddr>(*a);
}

Status<> Client::start_connection()
{
    const int max = base_.ce.connect_retry_max.value_or(0);
    if (!attempts_.next(static_cast<int>(base_.connections.size()), max))
        return Err(
            strfmt("All connections have been connect-retry-max (%d) times unsuccessful, exiting", max));
    resolve_lookups_ = 0;
    // 2.6 starts --inactive with each attempt, before the peer is heard.
    inactivity_.start(base_.inactive.value_or(0), base_.inactive_bytes, loop_.now());
    start_session_timer(base_.session_timeout);
    return continue_attempt();
}

Status<> Client::continue_attempt()
{
    if (mgmt_ask_credentials())
        return Ok{}; // on_user_pass resumes it
    if (auto s = load_credentials(); !s)
        return s;
    if (mgmt_query_entry())
        return Ok{}; // the answer resumes it
    return connect_attempt();
}

Status<> Client::connect_attempt()
{
    const options::ConnectionEntry& ce = current_ce();
    const Remote r = remote_of(ce);
    if (r.host.empty() && base_.pull)
        return Err(std::string("Options error: --client/--pull needs a --remote"));
    begin_attempt(ce, r);
    bool go = true;
    if (auto s = resolve_remote(ce, r, go); !s || !go)
        return s;
    if (auto s = open_link(ce, r, go); !s || !go)
        return s;
    // a direct TCP connect ends in on_tcp_connected; a proxy's is done
    const bool connecting = tcp_ != nullptr && !ce.http_proxy && !ce.socks_proxy;
    if (auto s = watch_link(connecting); !s)
        return s;
    if (base_.pull && !drop_noted_) {
        drop_noted_ = true;
        process::note_delayed_drop(base_, log_);
    }
    if (static_mode()) {
        auto st = start_static();
        if (st && tcp_ != nullptr && !connecting)
            phase_ = Phase::Handshake;
        return st;
    }
    return start_control(ce, connecting);
}

// begin_attempt: what each attempt starts without.
void Client::begin_attempt(const options::ConnectionEntry& ce, const Remote& r)
{
    pushed_ = base_;
    push_parts_.clear();
    neg_.reset();
    keys_.reset();
    heard_from_peer_ = false;
    mgmt_push_asked_ = false;
    server_poll_at_.reset();
    session::note_engine(base_, log_); // 2.6's init_crypto_pre, once per attempt
    // A listening p2p peer (no --remote) has nobody to poll.
    if (!r.host.empty() && !static_mode())
        server_poll_at_ = loop_.now() + seconds(ce.connect_timeout.value_or(kDefaultConnectTimeout));
}

// resolve_remote: remote_ for the entry's host; `go` false when the lookup
// failed and resolve_failed decided what comes next.
Status<> Client::resolve_remote(const options::ConnectionEntry& ce, const Remote& r, bool& go)
{
    const auto port = static_cast<std::uint16_t>(std::strtoul(r.port.c_str(), nullptr, 10));
    const io::Family fam = session::proto_family(r.proto);
    if (ce.http_proxy || ce.socks_proxy) {
        // The proxy resolves the target; our own lookup only names it in
        // logs and script variables.
        remote_ = io::SockAddr{};
        if (auto addrs = io::resolve(r.host, port, fam, io::SockType::Stream); addrs && !addrs->empty())
            remote_ = addrs->front();
        return Ok{};
    }
    if (r.host.empty())
        return Ok{}; // a listening peer keeps the peer it last learned
    const bool tcp = options::proto_is_tcp(r.proto);
    in6_addr numeric{};
    if (::inet_pton(AF_INET, r.host.c_str(), &numeric) != 1 &&
        ::inet_pton(AF_INET6, r.host.c_str(), &numeric) != 1)
        mgmt_state(mgmt::State::Resolve); // 2.6: a name, not an address
    auto addrs = io::resolve(r.host, port, fam, tcp ? io::SockType::Stream : io::SockType::Datagram);
    if (!addrs || addrs->empty()) {
        go = false;
        // io::resolve's error is already 2.6's RESOLVE line.
        return resolve_failed(addrs ? strfmt("RESOLVE: Cannot resolve host address: %s:%s (no address)",
                                             r.host.c_str(), r.port.c_str())
                                    : addrs.error());
    }
    remote_ = addrs->front();
    local_ = io::LocalEnd{};
    return Ok{};
}

// open_link: link_ (and tcp_) for the entry; `go` false when a restart was
// scheduled instead (proxy or TCP connect failed at once).
Status<> Client::open_link(const options::ConnectionEntry& ce, const Remote& r, bool& go)
{
    rx_.clear();
    tcp_ = nullptr;
    udp_unconnected_ = false;
    Status<> s = Ok{};
    if (ce.http_proxy || ce.socks_proxy)
        s = open_proxied(ce, r, go);
    else if (options::proto_is_tcp(r.proto))
        s = open_tcp(ce, go);
    else
        s = open_udp(ce);
    if (!s || !go)
        return s;
    for (std::size_t i = 0; i < link_->batch_size(); ++i)
        rx_.emplace_back();
    rx_from_.assign(link_->batch_size(), io::SockAddr{});
    rx_via_.assign(link_->batch_size(), io::LocalEnd{});
    return Ok{};
}

Status<> Client::open_proxied(const options::ConnectionEntry& ce, const Remote& r, bool& go)
{
    if (!options::proto_is_tcp(r.proto))
        return Err(std::string("Options error: --http-proxy/--socks-proxy need proto tcp-client here "
                               "(SOCKS over UDP is not implemented)"));
    const auto port = static_cast<std::uint16_t>(std::strtoul(r.port.c_str(), nullptr, 10));
    auto pc = io::proxy_config_from(ce, r.host, port,
                                    base_.http_proxy_user_pass ? &*base_.http_proxy_user_pass : nullptr);
    if (!pc)
        return Err(pc.error());
    pc->timeout = seconds(ce.connect_timeout.value_or(kDefaultConnectTimeout));
    auto fd = io::proxy_connect(*pc, &log_);
    if (!fd) {
        log_.logf(kV1, "Proxy: %s", fd.error().c_str());
        schedule_restart("proxy-error");
        go = false;
        return Ok{};
    }
    io::TcpConfig tc;
    tc.remote = remote_;
    tc.mtu_discover = session::mtu_discover(ce);
    session::apply(session::socket_knobs(base_), tc);
    auto s = io::adopt_tcp(*fd, tc);
    tcp_ = s.get();
    link_ = std::make_unique<io::WatchedLink>(std::move(s), loop_);
    log_.logf(kV1, "TCP connection established with %s via proxy %s:%u", r.host.c_str(),
              pc->proxy_host.c_str(), static_cast<unsigned>(pc->proxy_port));
    return Ok{};
}

Status<> Client::open_tcp(const options::ConnectionEntry& ce, bool& go)
{
    io::TcpConfig tc;
    tc.remote = remote_;
    tc.mtu_discover = session::mtu_discover(ce);
    session::apply(session::socket_knobs(base_), tc);
    auto b = local_bind(ce, true);
    if (!b)
        return Err(b.error());
    tc.bind_addr = *b;
    log_.logf(kV1, "Attempting to establish TCP connection with %s", remote_.to_string().c_str());
    mgmt_state(mgmt::State::TcpConnect);
    auto s = io::connect_tcp(tc);
    if (!s) {
        // connect() refused at once (no route, ...): 2.6's soft restart; a
        // socket or bind failure ends the process as in 2.6.
        if (s.error().rfind("TCP: connect to ", 0) != 0)
            return Err(s.error());
        log_.write(kV1, s.error());
        schedule_restart("connection-failed", true);
        go = false;
        return Ok{};
    }
    tcp_ = s->get();
    link_ = std::make_unique<io::WatchedLink>(std::move(*s), loop_);
    return Ok{};
}

Status<> Client::open_udp(const options::ConnectionEntry& ce)
{
    io::UdpConfig uc;
    uc.family = link_family(ce);
    if (!remote_.empty() && !ce.float_peer)
        uc.connect_to = remote_;
    udp_unconnected_ = !uc.connect_to.has_value();
    uc.report_errors = true; // 2.6's "read UDPv4 [ECONNREFUSED]: ..." lines
    uc.pktinfo = base_.given("multihome");
    uc.mtu_discover = session::mtu_discover(ce);
    session::apply(session::socket_knobs(base_), uc);
    auto b = local_bind(ce, false);
    if (!b)
        return Err(b.error());
    uc.bind_addr = *b;
    auto s = io::open_udp(uc);
    if (!s)
        return Err(s.error());
    link_ = std::move(*s);
    if (auto sb = io::socket_buffers(link_->fd()))
        log_.write(Verb::Info, io::socket_buffers_line(*sb));
    const char* udp = uc.family == io::Family::V6 ? "UDPv6" : "UDPv4";
    if (uc.bind_addr)
        log_.logf(kV1, "%s link local (bound): %s", udp, uc.bind_addr->bound_string().c_str());
    else
        log_.logf(kV1, "%s link local: (not bound)", udp);
    log_.logf(kV1, "%s link remote: %s", udp, remote_.to_string().c_str());
    return Ok{};
}

// watch_link: the link in the loop; a TCP connect in progress also waits
// for writability (its end).
Status<> Client::watch_link(bool connecting)
{
    if (auto s = loop_.add_fd(link_->fd(), io::kReadable | (connecting ? io::kWritable : 0),
                              [this](std::uint32_t ev) { on_link_event(ev); });
        !s)
        return Err(s.error());
    return Ok{};
}

// load_tls_context: the TLS context and the wrap keys of this session.
// --persist-key: the certificate, key and wrap keys are read (and a
// passphrase asked) once (per connection entry for the wrap keys); without
// it every new session reads them again, as 2.6 does.
Status<> Client::load_tls_context()
{
    const std::size_t entry = current_entry();
    if (!wrap_key_ || !base_.persist_key || wrap_key_entry_ != entry) {
        auto wk = session::load_wrap_key(base_, current_ce());
        if (!wk)
            return Err(wk.error());
        wrap_key_ = std::move(*wk);
        wrap_key_entry_ = entry;
    }
    if (tls_ctx_ && base_.persist_key)
        return Ok{};
    auto tls = session::make_tls_config(base_, &log_, mgmt_);
    if (!tls)
        return Err(tls.error());
    tls->verify_hook = [this](const control::CertFacts& c, const std::vector<control::CertFacts>& chain) {
        return run_tls_verify(c, chain);
    };
    auto ctx = control::TlsContext::create(*tls);
    if (!ctx)
        return Err(ctx.error());
    tls_ctx_ = *ctx;
    return Ok{};
}

// key_failed: the TLS context could not be made. A private key that
// cannot be used (wrong passphrase, PKCS#11 id or PIN) restarts the client
// unless --auth-retry none, as 2.6's do_init_crypto_tls_c1; interact forgets
// the passwords and logs out of the tokens first (ssl_purge_auth).
Status<> Client::key_failed(const Status<>& s)
{
    const std::string retry = auth_retry_now();
    if (!session::is_key_failure(s.error()) || retry == "none")
        return s;
    if (s.error().rfind("Error: ", 0) != 0) // 2.6 warns of the key file; the pkcs11 lines are out
        log_.write(Verb::Error, mute::None, Severity::Warning, s.error());
    if (retry == "interact") {
        forget_passwords();
        crypto::pkcs11::logout();
    }
    schedule_restart("private-key-password-failure");
    return Ok{};
}

// start_control: this session's control channel, started unless a TCP
// connect is still in progress (on_tcp_connected starts it then).
Status<> Client::start_control(const options::ConnectionEntry& ce, bool connecting)
{
    if (auto s = load_tls_context(); !s)
        return key_failed(s);
    auto wrap = session::make_control_wrap(*wrap_key_, static_cast<std::uint32_t>(std::time(nullptr)));
    if (!wrap)
        return Err(wrap.error());
    session::ControlSetup setup;
    setup.tls = tls_ctx_;
    setup.wrap = std::move(*wrap);
    setup.tcp = tcp_ != nullptr;
    setup.peer_info = make_peer_info(base_, session::dco_wanted(dco_, dp_.get()));
    auto made = session::make_control_config(base_, std::move(setup));
    if (!made)
        return Err(made.error());
    control::ControlConfig cc = std::move(*made);
    if (have_credentials_) {
        cc.username = login_user();
        cc.password = auth_token_.has() ? auth_token_.bytes() : password_;
    }
    const TimePoint now = loop_.now();
    auto ch = control::ControlChannel::create(std::move(cc), now);
    if (!ch)
        return Err(ch.error());
    cc_ = std::move(*ch);
    last_rx_ = now;
    phase_ = connecting ? Phase::Connecting : Phase::Handshake;
    if (!connecting) {
        cc_->start(now);
        mgmt_state(mgmt::State::Wait); // the first packet of the handshake
    }
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
    log_.write(kV1, mute::ResolveErrors, Severity::NonFatal, line);
    if (++resolve_lookups_ < p.lookups) {
        // The same name again within this attempt, no restart in between.
        lookup_at_ = loop_.now() + seconds(resolve_pause_seconds(resolve_lookups_ + 1));
        arm_tick();
        return Ok{};
    }
    log_.write(kV1, "Could not determine IPv4/IPv6 protocol");
    schedule_restart("Could not determine IPv4/IPv6 protocol");
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

void Client::on_link_event(std::uint32_t events)
{
    if (tcp_ != nullptr && phase_ == Phase::Connecting && (events & (io::kWritable | io::kError)) != 0) {
        on_tcp_connected();
        return;
    }
    if (tcp_ != nullptr && (events & io::kWritable) != 0) {
        if (auto s = link_->flush(); !s) { // the watch follows the queue
            log_.logf(kV1, "Connection reset, restarting [%s]", s.error().message().c_str());
            schedule_restart("connection-reset");
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
    mgmt_state(mgmt::State::Wait);
    flush_control();
    arm_tick();
}

void Client::on_link_readable()
{
    const TimePoint now = loop_.now();
    for (int round = 0; round < 8 && link_; ++round) {
        auto n = link_->recv_local(rx_, rx_from_, rx_via_);
        if (!report_link_faults())
            return;
        if (!n) {
            if (tcp_ != nullptr) {
                log_.logf(kV1, "Connection reset, restarting [%s]", n.error().message().c_str());
                schedule_restart("connection-reset");
            }
            return;
        }
        if (*n == 0)
            break;
        if (static_mode()) {
            userspace_data_packets_ += *n;
            on_static_packets(*n, now);
            continue;
        }
        const std::size_t num_data = sort_batch(*n, now);
        userspace_data_packets_ += num_data;
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

// sort_batch: the n packets just read: control packets go to the control
// channel, data packets to the front of rx_; returns their number.
std::size_t Client::sort_batch(std::size_t n, TimePoint now)
{
    std::size_t num_data = 0;
    for (std::size_t i = 0; i < n; ++i) {
        PacketBuf& b = rx_[i];
        if (b.empty())
            continue;
        // 2.6's "TCP/UDP read bytes" counts every packet off the link;
        // the data plane counts the data packets it is handed.
        const auto op = wire::opcode_of(b.data()[0]);
        const bool is_data = op && wire::is_data(*op);
        if (!is_data || !dp_ || !dp_peer_added_)
            link_rx_other_ += b.size();
        if (!is_data) {
            on_control_packet(b, rx_from_[i], rx_via_[i], now);
            continue;
        }
        if (i != num_data)
            std::swap(rx_[i], rx_[num_data]);
        ++num_data;
    }
    return num_data;
}

// on_control_packet: one control packet from `from`. A listening p2p peer
// (unconnected UDP) learns its peer from the packets its control channel
// accepts, until the session is up, and (--multihome) answers from where
// they came to.
void Client::on_control_packet(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now)
{
    if (!cc_)
        return;
    if (udp_unconnected_ && remote_.empty() && !cc_->primary_active()) {
        remote_ = from;
        local_ = via;
    }
    const bool accepted = session::feed_control_packet(*cc_, b.span(), now);
    const bool learning = udp_unconnected_ && !cc_->primary_active();
    if (!accepted) {
        if (learning && !wire::is_defined(cc_->remote_session_id()))
            remote_ = io::SockAddr{}; // not our peer after all
        return;
    }
    if (learning && phase_ != Phase::Up)
        remote_ = from;
    if (phase_ != Phase::Up) // 2.6 keeps it from the packets that start the session
        local_ = via;
    last_rx_ = now;
    if (!heard_from_peer_)
        mgmt_state(mgmt::State::Auth); // 2.6: the peer's first valid packet
    heard_from_peer_ = true;
    if (dp_ && dp_peer_added_)
        dp_->note_control(data::kP2pPeerId, true, now);
}

void Client::send_packet(const std::vector<std::uint8_t>& pkt)
{
    if (!link_)
        return;
    PacketBuf b(pkt.size() + PacketBuf::kDefaultHeadroom + 64);
    (void)b.append(pkt);
    if (udp_unconnected_ && remote_.empty())
        return; // a listening peer has nobody to talk to yet
    const std::uint64_t dropped = link_->num_dropped();
    auto r =
        link_->send_from(std::span<const PacketBuf>(&b, 1), udp_unconnected_ ? &remote_ : nullptr, local_);
    if (!r && tcp_ != nullptr) {
        schedule_restart("connection-reset");
        return;
    }
    // Control packets count as "TCP/UDP write bytes" too; over TCP 2.6
    // counts the 2-byte length in front of each packet it writes (not the
    // one it reads). A datagram the kernel refused does not count.
    if (r && link_->num_dropped() == dropped)
        link_tx_other_ += pkt.size() + (tcp_ != nullptr ? 2 : 0);
    if (dp_ && dp_peer_added_)
        dp_->note_control(data::kP2pPeerId, false, loop_.now());
    (void)report_link_faults(); // last: it may end the session
}

bool Client::report_link_faults()
{
    if (!link_)
        return true;
    const bool v6 = remote_.family() == AF_INET6;
    const int fd = link_->fd();
    for (const io::LinkFault& f : link_->take_faults()) {
        log_.write(kV1, mute::LinkErrors, Severity::NonFatal, session::link_fault_line(f, v6, fd));
        // 2.6 (forward.c): only ENETUNREACH on a write, only a TLS peer
        // that has not heard from the other side yet.
        if (f.write && f.err == ENETUNREACH && cc_ && !heard_from_peer_) {
            log_.write(kV1, "Network unreachable, restarting");
            schedule_restart("network-unreachable");
            return false;
        }
    }
    return true;
}

void Client::flush_control()
{
    if (!cc_ || !link_ || phase_ == Phase::Connecting)
        return;
    session::flush_control(cc_, *this, loop_.now());
}

} // namespace ovpn::client
