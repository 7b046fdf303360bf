// server/transport.cpp: the listening UDP socket or TCP listener, and every
// packet between the link and an instance: data packets to the data plane
// (with float), control packets to the instance's control channel, a new
// client's first packet through the stateless cookie handshake.
#include "openvpn/session/transport.hpp"

#include <sys/socket.h>

#include <cstring>
#include <ctime>

#include "openvpn/io/socket_buffers.hpp"
#include "openvpn/io/watched_link.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/process/status.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/wire/opcode.hpp"

namespace ovpn::server {

namespace {

bool is_data_packet(const PacketBuf& b)
{
    const auto op = wire::opcode_of(b.data()[0]);
    return op && wire::is_data(*op);
}

} // namespace

Status<> Server::open_transport()
{
    const options::ConnectionEntry& ce = o_.ce;
    tcp_mode_ = options::proto_is_tcp(ce.proto);
    const io::Family fam = session::proto_family(ce.proto);
    auto local = session::local_address(ce, fam, tcp_mode_, true);
    if (!local)
        return Err(local.error());
    const io::SockAddr bind_addr = *local;
    const std::size_t batch = 32;
    rx_.clear();
    for (std::size_t i = 0; i < batch; ++i)
        rx_.emplace_back();
    rx_from_.assign(batch, io::SockAddr{});
    rx_via_.assign(batch, io::LocalEnd{});
    if (tcp_mode_) {
        const int mark = session::socket_knobs(o_).mark;
        auto l = TcpListener::open(bind_addr, mark);
        if (!l && fam == io::Family::Any) {
            auto v4 = io::SockAddr::parse_numeric("0.0.0.0", bind_addr.port());
            if (v4)
                l = TcpListener::open(*v4, mark);
        }
        if (!l)
            return Err(l.error());
        listener_.emplace(std::move(*l));
        log_.logf(kV1, "Listening for incoming TCP connection on %s", bind_addr.to_string().c_str());
        return loop_.add_fd(listener_->fd(), io::kReadable, [this](std::uint32_t) { on_tcp_accept(); });
    }
    io::UdpConfig uc;
    uc.family = bind_addr.family() == AF_INET6 ? io::Family::V6 : io::Family::V4;
    uc.bind_addr = bind_addr;
    uc.batch = batch;
    uc.mtu_discover = session::mtu_discover(ce);
    uc.pktinfo = o_.given("multihome");
    session::apply(session::socket_knobs(o_), uc);
    auto s = io::open_udp(uc);
    if (!s && fam == io::Family::Any) {
        uc.family = io::Family::V4;
        uc.bind_addr = io::SockAddr::parse_numeric("0.0.0.0", bind_addr.port()).value();
        s = io::open_udp(uc);
    }
    if (!s)
        return Err(s.error());
    udp_ = std::move(*s);
    if (auto sb = io::socket_buffers(udp_->fd()))
        log_.write(Verb::Info, io::socket_buffers_line(*sb));
    log_.logf(kV1, "UDP%s link local (bound): %s", uc.family == io::Family::V6 ? "v6" : "v4",
              uc.bind_addr->bound_string().c_str());
    log_.logf(kV1, "UDP%s link remote: [AF_UNSPEC]", uc.family == io::Family::V6 ? "v6" : "v4");
    return loop_.add_fd(udp_->fd(), io::kReadable, [this](std::uint32_t) { on_udp_readable(); });
}

// ---- transport ----

void Server::on_udp_readable()
{
    const TimePoint now = loop_.now();
    bool control = false;
    for (int round = 0; round < kMaxRounds && udp_; ++round) {
        auto n = udp_->recv_local(rx_, rx_from_, rx_via_);
        if (!n || *n == 0)
            break;
        for (std::size_t i = 0; i < *n; ++i) {
            if (rx_[i].empty())
                continue;
            if (is_data_packet(rx_[i])) {
                on_udp_data(rx_[i], rx_from_[i], rx_via_[i], now);
            } else {
                on_udp_control(rx_[i], rx_from_[i], rx_via_[i], now);
                control = true;
            }
        }
        reap();
    }
    reap();
    // data packets move no deadline earlier (what they cause comes back as
    // a data plane event, which re-arms)
    if (control)
        arm_dirty();
}

// on_udp_data: a data packet finds its client by peer id (P_DATA_V2) or
// address. From another address it may float the client (2.6 with
// peer-id): once a packet from there decrypts and passes the replay check;
// under --multihome its replies then leave from where that packet came to.
void Server::on_udp_data(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now)
{
    const auto pid = wire::peer_id_of(b.span());
    Instance* in = pid ? find_id(*pid) : find_addr(from);
    if (in == nullptr)
        return; // unknown peer: counted nowhere, like 2.6's "unknown peer-id"
    if (in->addr == from) {
        on_data_packets(*in, std::span<PacketBuf>(&b, 1), now);
        return;
    }
    if (!in->up || !pid || find_addr(from) != nullptr)
        return;
    if (on_data_packets(*in, std::span<PacketBuf>(&b, 1), now) == 0)
        return;
    log_.logf(kV1, "%s peer info: float from %s to %s", in->prefix().c_str(), in->addr.to_string().c_str(),
              from.to_string().c_str());
    move_addr(*in, from);
    in->local = via;
    (void)dp_->update_remote(in->id, from, via);
}

// on_udp_control: a control packet: to its client's channel; from an
// address without a client, or from a client's address but another session
// (the client starting over, or a forgery), to the stateless handshake,
// which verifies it before anything changes (issue 15, finding 1).
void Server::on_udp_control(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now)
{
    Instance* in = find_addr(from);
    if (in != nullptr && !from_other_session(*in, b))
        on_control_packet(*in, b, now);
    else if (in == nullptr || !refuse_new_session(*in, b, from))
        on_first_packet(b, from, via, now, in);
}

// refuse_new_session: --single-session: a client's instance takes no new
// session (a hard reset with another session id from its address), with
// 2.6's line (tls_pre_decrypt); the client keeps its instance.
bool Server::refuse_new_session(const Instance& in, const PacketBuf& b, const io::SockAddr& from)
{
    const auto op = wire::opcode_of(b.data()[0]);
    if (!o_.single_session || !op || !wire::is_hard_reset(*op))
        return false;
    log_.logf(kV1,
              "%s TLS Error: Cannot accept new session request from %s due to session context expire or "
              "--single-session",
              in.prefix().c_str(), from.to_string().c_str());
    return true;
}

// from_other_session: the packet's sender session id is not the one of the
// client at its address.
bool Server::from_other_session(const Instance& in, const PacketBuf& b)
{
    const wire::SessionId& sid = in.cc->remote_session_id();
    return b.size() >= 1 + wire::kSessionIdLen && wire::is_defined(sid) &&
           std::memcmp(b.data() + 1, sid.data(), wire::kSessionIdLen) != 0;
}

// on_first_packet: a control packet from an address without an instance,
// or from `known`'s address with another session id (UDP): the stateless
// cookie handshake (stateless.hpp) decides. `known` is closed only when the
// new session proved itself (a valid wrap and, but for an old tls-crypt-v2
// client, the cookie round trip): 2.6 keeps a client through any packet
// whose wrap fails. The cookie goes back from where the packet came to
// (--multihome), as 2.6's HMAC reset reply.
void Server::on_first_packet(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now,
                             Instance* known)
{
    if (exiting_ || !gate_)
        return;
    const auto wall = static_cast<std::uint32_t>(std::time(nullptr));
    auto wrap = make_wrap(wall);
    if (!wrap)
        return;
    const auto now_secs =
        static_cast<std::uint32_t>(std::chrono::duration_cast<seconds>(now.time_since_epoch()).count());
    const CookieStats before = gate_->stats();
    FirstPacket fp = gate_->first_packet(b.span(), from, *wrap, now_secs);
    switch (fp.verdict) {
    case FirstVerdict::Drop:
        if (known == nullptr || !log_known_drop(*known, b, gate_->stats().drop_unwrap != before.drop_unwrap))
            log_first_drop(fp, before, b, from);
        return;
    case FirstVerdict::ReplyCookie: {
        log_.logf(Verb::Debug, "Reset packet from client, sending HMAC based reset challenge");
        PacketBuf out(fp.reply.size() + PacketBuf::kDefaultHeadroom + 64);
        (void)out.append(fp.reply);
        (void)udp_->send_from(std::span<const PacketBuf>(&out, 1), &from, via);
        report_link_faults();
        return;
    }
    case FirstVerdict::Stateful:
    case FirstVerdict::CreateFromAck:
        break;
    }
    if (known != nullptr) {
        close_instance(*known, "SIGUSR1[soft,connection-reset] received, client-instance restarting");
        reap();
    } else if (!connect_freq_.allow(now_secs)) { // 2.6 counts only new addresses
        log_.logf(kV1,
                  "MULTI: Connection from %s would exceed new connection frequency limit as controlled by "
                  "--connect-freq",
                  from.to_string().c_str());
        return;
    }
    accept_first(fp, b, from, via, now);
}

// log_known_drop: 2.6's lines (tls_pre_decrypt, read_control_auth) for a
// packet of another session from a client's address that was dropped;
// false when there is none (a reset dropped for another reason).
bool Server::log_known_drop(const Instance& in, const PacketBuf& b, bool unwrap_failed)
{
    const auto op = wire::opcode_of(b.data()[0]);
    const std::string from = in.addr.to_string();
    const std::string prefix = in.prefix();
    if (!op || !wire::is_hard_reset(*op)) {
        log_.logf(kV1, "%s TLS Error: Unroutable control packet received from %s (si=3 op=%s)",
                  prefix.c_str(), from.c_str(), op ? wire::opcode_name(*op) : "?");
        return true;
    }
    if (!unwrap_failed)
        return false;
    using K = session::WrapKey::Kind;
    if (*op == wire::Opcode::ControlHardResetClientV3) {
        if (wrap_key_.kind != K::TlsCryptV2Server)
            log_.logf(kV1, "%s Client wants tls-crypt-v2, but no server key present.", prefix.c_str());
        log_.logf(kV1, "%s TLS Error: can not extract tls-crypt-v2 client key from %s", prefix.c_str(),
                  from.c_str());
    } else if (wrap_key_.kind == K::TlsAuth) {
        log_.logf(kV1, "%s Authenticate/Decrypt packet error: packet HMAC authentication failed",
                  prefix.c_str());
        log_.logf(kV1, "%s TLS Error: incoming packet authentication failed from %s", prefix.c_str(),
                  from.c_str());
    } else {
        log_.logf(kV1, "%s tls-crypt unwrap error: packet authentication failed", prefix.c_str());
        log_.logf(kV1, "%s TLS Error: tls-crypt unwrapping failed from %s", prefix.c_str(), from.c_str());
    }
    return true;
}

// log_first_drop: 2.6's line for a first packet the cookie gate dropped.
void Server::log_first_drop(const FirstPacket& fp, const CookieStats& before, const PacketBuf& b,
                            const io::SockAddr& from)
{
    if (fp.rate_note) {
        const options::Directive* d = o_.last("connect-freq-initial");
        log_.logf(kV1,
                  "Note: --connect-freq-initial %s %s rate limit exceeded, dropping initial handshake "
                  "packets for the next %d seconds",
                  d && d->args.size() == 2 ? d->args[0].c_str() : "100",
                  d && d->args.size() == 2 ? d->args[1].c_str() : "10", fp.rate_seconds_left);
    } else if (gate_->stats().drop_cookie != before.drop_cookie) {
        auto op = wire::opcode_of(b.data()[0]);
        log_.logf(Verb::Notice, "Packet (%s) with invalid or missing SID from %s or wrong packet id",
                  op ? wire::opcode_name(*op) : "?", from.to_string().c_str());
    } else if (gate_->stats().drop_unwrap != before.drop_unwrap) {
        log_.logf(Verb::Info, "TLS Error: incoming packet authentication failed from %s",
                  from.to_string().c_str());
    }
}

// accept_first: a new instance for a client the gate let in (its reset, or
// the ACK of our cookie), fed its first packet. It answers from where that
// packet came to (--multihome), as 2.6 keeps the pktinfo of the packet that
// made the instance until the client floats.
void Server::accept_first(const FirstPacket& fp, PacketBuf& b, const io::SockAddr& from,
                          const io::LocalEnd& via, TimePoint now)
{
    const bool from_ack = fp.verdict == FirstVerdict::CreateFromAck;
    if (from_ack)
        log_.logf(Verb::Debug, "Valid packet with HMAC challenge from peer (%s), accepting new connection.",
                  from.to_string().c_str());
    Instance* in =
        new_instance(from, nullptr, from_ack ? std::optional<wire::SessionId>(fp.cookie) : std::nullopt);
    if (in == nullptr)
        return;
    in->local = via;
    if (from_ack)
        in->cc->on_packet(synthetic_client_reset(fp.client_sid), now);
    on_control_packet(*in, b, now);
    if (!in->dead && !wire::is_defined(in->cc->remote_session_id())) {
        log_.logf(Verb::Info, "TLS Error: incoming packet authentication failed from %s",
                  from.to_string().c_str());
        close_instance(*in, "");
    }
}

void Server::on_tcp_accept()
{
    while (listener_) {
        auto a = listener_->accept();
        if (!a)
            break;
        io::TcpConfig tc;
        tc.remote = a->second;
        tc.mtu_discover = session::mtu_discover(o_.ce); // 2.6 sets it on each accepted socket
        session::apply(session::socket_knobs(o_), tc);
        auto sock = std::make_unique<io::WatchedLink>(io::adopt_tcp(a->first, tc), loop_);
        log_.logf(kV1, "TCP connection established with %s", a->second.to_string().c_str());
        Instance* in = new_instance(a->second, std::move(sock));
        if (in == nullptr)
            continue;
        in->ps_probe = port_share_ != nullptr;
        const std::uint32_t id = in->id;
        if (auto s = loop_.add_fd(in->tcp->fd(), io::kReadable,
                                  [this, id](std::uint32_t ev) { on_tcp_event(id, ev); });
            !s) {
            log_.logf(kV1, "TCP: %s", s.error().c_str());
            in->tcp.reset();
            close_instance(*in, "");
        }
    }
    reap();
    arm_dirty();
}

void Server::on_tcp_event(std::uint32_t id, std::uint32_t events)
{
    Instance* in = find_id(id);
    if (in == nullptr || !in->tcp)
        return;
    if (in->ps_probe && !probe_port_share(*in)) {
        reap();
        return;
    }
    TimePoint now = loop_.now();
    if ((events & io::kWritable) != 0) {
        if (auto s = in->tcp->flush(); !s) { // the watch follows the queue
            tcp_reset(*in, s.error());
            reap();
            return;
        }
    }
    if ((events & (io::kReadable | io::kHangup | io::kError)) != 0) {
        for (int round = 0; round < kMaxRounds && !in->dead; ++round) {
            auto n = in->tcp->recv(in->rx, in->rx_from);
            if (!n) {
                tcp_reset(*in, n.error());
                break;
            }
            if (*n == 0)
                break;
            std::size_t num_data = 0;
            for (std::size_t i = 0; i < *n && !in->dead; ++i) {
                PacketBuf& b = in->rx[i];
                if (b.empty())
                    continue;
                if (is_data_packet(b)) {
                    if (i != num_data)
                        std::swap(in->rx[i], in->rx[num_data]);
                    ++num_data;
                    continue;
                }
                on_control_packet(*in, b, now);
            }
            if (num_data > 0 && !in->dead)
                on_data_packets(*in, std::span<PacketBuf>(in->rx.data(), num_data), now);
        }
    }
    reap();
    arm_dirty();
}

// tcp_reset: a client's TCP connection ended or broke: 2.6's two lines
// (the status of the failed read: 0 at the end of the stream) and the
// instance restarts, i.e. goes.
void Server::tcp_reset(Instance& in, const io::LinkError& e)
{
    log_.logf(kV1, "%s Connection reset, restarting [%d]", in.prefix().c_str(),
              e.kind == io::LinkErrorKind::Closed ? 0 : -1);
    close_instance(in, "SIGUSR1[soft,connection-reset] received, client-instance restarting");
}

void Server::on_control_packet(Instance& in, PacketBuf& b, TimePoint now)
{
    in.ctl_rx_bytes += b.size();
    verifying_ = &in; // the client a --tls-verify call is about
    const bool accepted = session::feed_control_packet(*in.cc, b.span(), now);
    verifying_ = nullptr;
    if (!accepted && in.tcp) {
        // 2.6 (check_tls_errors_co): on a stream, any control packet its
        // control channel refuses ends the connection (issue 15, finding 7).
        log_.logf(kV1, "%s Fatal TLS error (check_tls_errors_co), restarting", in.prefix().c_str());
        close_instance(in, "SIGUSR1[soft,tls-error] received, client-instance restarting");
        return;
    }
    if (accepted && in.up && dp_)
        dp_->note_control(in.id, true, now);
    handle_events(in);
    flush(in);
}

void Server::send_to(Instance& in, const std::vector<std::uint8_t>& pkt)
{
    if (in.dead)
        return;
    in.ctl_tx_bytes += pkt.size();
    PacketBuf b(pkt.size() + PacketBuf::kDefaultHeadroom + 64);
    (void)b.append(pkt);
    if (in.tcp) {
        auto r = in.tcp->send(std::span<const PacketBuf>(&b, 1), nullptr);
        if (!r) {
            tcp_reset(in, r.error());
            return;
        }
    } else if (udp_) {
        (void)udp_->send_from(std::span<const PacketBuf>(&b, 1), &in.addr, in.local);
        report_link_faults();
    }
    if (in.up && dp_)
        dp_->note_control(in.id, false, loop_.now());
}

// report_link_faults: the UDP socket's refused sends and error reports
// (control here, data from the data plane), each with 2.6's line; the
// clients they concern keep their instances, as in 2.6.
void Server::report_link_faults()
{
    if (!udp_)
        return;
    const int fd = udp_->fd();
    const bool v6 = udp_->local().family() == AF_INET6;
    for (const io::LinkFault& f : udp_->take_faults())
        log_.write(kV1, mute::LinkErrors, Severity::NonFatal, session::link_fault_line(f, v6, fd));
}

void Server::flush(Instance& in)
{
    session::flush_control(in.cc, in, loop_.now());
    touch(in); // its deadlines may have moved (wakeups.cpp)
}

// ---- control channel events ----

void Server::handle_events(Instance& in)
{
    session::dispatch_control_events(in.cc, in, log_);
}

} // namespace ovpn::server
