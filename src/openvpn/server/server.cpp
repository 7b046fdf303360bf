#include "openvpn/server/server.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "openvpn/control/cert_env.hpp"
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/io/watched_link.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/script/script_runner.hpp"
#include "openvpn/server/client_config.hpp"
#include "openvpn/server/iroute.hpp"
#include "openvpn/server/push.hpp"
#include "openvpn/server/status.hpp"
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

namespace ovpn::server {

namespace {

// set_peer_env: <prefix>_ip or <prefix>_ip6, and <prefix>_port, as 2.6 names
// a client's address for scripts (an IPv4-mapped address on a dual-stack
// socket is IPv4 there: <prefix>_ip).
void set_peer_env(script::Env& env, const std::string& prefix, const io::SockAddr& a)
{
    const std::string ip = a.ip_string();
    env.set(prefix + (ip.find(':') == std::string::npos ? "_ip" : "_ip6"), ip);
    env.set_int(prefix + "_port", a.port());
}

// Lines 2.6 prints at its default --verb 1 use level 1.
constexpr Verb kV1 = Verb::Error;
constexpr Duration kMaxTick = seconds(1);
constexpr Duration kAuthFailedLinger = seconds(2);
constexpr Duration kPushRepeatIgnore = seconds(30);
constexpr int kMaxRounds = 8;

bool is_data_packet(const PacketBuf& b)
{
    const auto op = wire::opcode_of(b.data()[0]);
    return op && wire::is_data(*op);
}

std::string v4_string(const in_addr& a)
{
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

std::string v6_string(const in6_addr& a)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof buf);
    return buf;
}

} // namespace

// Instance: one client. It is the session::ControlHandler of its control
// channel: the events go to the Server's decisions.
struct Server::Instance final : session::ControlHandler {
    explicit Instance(Server& s) : srv(s) {}
    Server& srv;
    std::uint32_t id = 0;                   // pool slot and peer id
    std::optional<std::uint32_t> addr_slot; // pool address slot, once the cn is known
    io::SockAddr addr;
    std::string addr_str;                // "10.93.0.2:41234" as 2.6 prints it in prefixes
    std::unique_ptr<io::LinkSocket> tcp; // an io::WatchedLink: it keeps its own kWritable watch
    std::unique_ptr<control::ControlChannel> cc;
    std::string cn = "UNDEF";
    std::string username = "UNDEF";
    std::time_t since = 0; // wall clock, for the status file
    ClientConfig ccfg;     // --client-config-dir file and --client-connect output
    std::optional<in_addr> v4;
    std::optional<in6_addr> v6;
    std::optional<std::string> push_ifconfig, push_ifconfig_ipv6;
    std::vector<data::IRoute> iroutes; // --iroute / --iroute-ipv6 of its config
    // control-channel bytes on the link; with the data plane's they make
    // 2.6's link read/write byte counts (status file, bytes_* env)
    std::uint64_t ctl_rx_bytes = 0, ctl_tx_bytes = 0;
    bool dead = false;
    bool up = false;          // peer in the data plane, keys installed
    bool auth_failed = false; // AUTH_FAILED sent; dropped at drop_at
    std::optional<TimePoint> drop_at;
    std::optional<NcpResult> ncp;
    std::optional<TimePoint> last_push;
    session::KeyRotation keys; // its keys in the data plane (while up)
    std::vector<PacketBuf> rx; // TCP receive batch
    std::vector<io::SockAddr> rx_from;

    std::string prefix() const { return cn + "/" + addr_str; }

    bool alive() const override { return !dead; }
    std::string log_prefix() const override { return prefix() + " "; }
    void send_control(const std::vector<std::uint8_t>& pkt) override { srv.send_to(*this, pkt); }
    void on_key_active(std::uint8_t key_id, bool renegotiated) override
    {
        srv.on_key_active(*this, key_id, renegotiated);
    }
    void on_message(const std::string& text) override { srv.handle_message(*this, text); }
    void on_tls_failed() override
    {
        srv.close_instance(*this, "SIGUSR1[soft,tls-error] received, client-instance restarting");
    }
    void on_lame_duck_expired(std::uint8_t key_id) override
    {
        if (up)
            keys.lame_duck_expired(*srv.dp_, id, key_id);
    }
};

Server::Server(const options::Options& o, const options::DcoVerdict& dco, Logger& log, io::EventLoop& loop)
    : o_(o), dco_(dco), log_(log), loop_(loop)
{
}

Server::~Server()
{
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
    dp_.reset();
    if (udp_)
        loop_.remove_fd(udp_->fd());
    if (listener_)
        loop_.remove_fd(listener_->fd());
    if (net_)
        net_->restore();
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
    if (auto r = loop_.run(); !r) {
        log_.write(Verb::Fatal, r.error());
        return kExitError;
    }
    return exit_code_;
}

Status<> Server::start()
{
    auto tls = session::make_tls_config(o_);
    if (!tls)
        return Err(tls.error());
    tls->verify_hook = [this](const control::CertFacts& c, const std::vector<control::CertFacts>& chain) {
        return run_tls_verify(c, chain);
    };
    auto ctx = control::TlsContext::create(*tls);
    if (!ctx)
        return Err(ctx.error());
    tls_ = *ctx;
    auto pool = Pool::create(o_);
    if (!pool)
        return Err(pool.error());
    pool_ = std::move(*pool);
    if (!options::proto_is_tcp(o_.ce.proto)) {
        bool force = false;
        if (const options::Directive* d = o_.last("tls-crypt-v2"))
            force = d->args.size() > 1 && d->args[1] == "force-cookie";
        auto g = CookieGate::create(static_cast<unsigned>(o_.hand_window.value_or(60)), force);
        if (!g)
            return Err("session cookie: " + g.error());
        gate_.emplace(std::move(*g));
        if (const options::Directive* d = o_.last("connect-freq-initial"); d && d->args.size() == 2)
            gate_->set_rate_limit(std::atoll(d->args[0].c_str()), std::atoi(d->args[1].c_str()));
    }
    read_persist();
    if (auto s = open_tun(); !s)
        return s;
    if (auto s = open_transport(); !s)
        return s;
    log_.logf(Verb::Info, "MULTI: multi_init called, r=256 v=256");
    if (auto a = pool_->v4(0))
        log_.logf(Verb::Info, "IFCONFIG POOL IPv4: base=%s size=%zu", v4_string(*a).c_str(),
                  pool_->capacity());
    if (auto a = pool_->v6(0))
        log_.logf(Verb::Info, "IFCONFIG POOL IPv6: base=%s size=%zu", v6_string(*a).c_str(),
                  pool_->capacity());
    log_.write(kV1, "Initialization Sequence Completed");
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

Status<> Server::open_tun()
{
    auto dp = session::make_data_plane(
        o_, dco_, session::PlaneMode::MultiPeer, loop_,
        [this](const data::PeerEvent& e) { on_peer_event(e); }, log_);
    if (!dp)
        return Err(dp.error());
    dp_ = std::move(*dp);
    const std::string& ifname = dp_->device().name;

    if (ifname != "null" && !o_.ifconfig_noexec) {
        auto nl = tun::Netlink::open();
        if (!nl)
            return Err(nl.error());
        nl_ = std::move(*nl);
        net_ = std::make_unique<tun::NetSetup>(*nl_, log_);
        tun::PlanFacts facts;
        facts.ifname = ifname;
        facts.mtu = static_cast<std::uint32_t>(o_.ce.tun_mtu.value_or(1500));
        if (auto d = nl_->default_route(AF_INET); d && d->gateway.is_set())
            facts.net_gateway = d->gateway;
        auto planned = tun::plan_from_options(o_, facts, log_);
        if (!planned)
            return Err(planned.error());
        const tun::NetPlan plan = std::move(*planned);
        const auto topo = o_.topology.value_or(options::Topology::Net30);
        if (auto s = net_->apply_link(plan); !s)
            return s;
        if (o_.up) {
            script::ScriptRunner runner(log_, o_.script_security.value_or(1));
            script::Env env;
            env.set("dev", ifname);
            env.set_int("tun_mtu", plan.mtu);
            env.set("script_context", "init");
            if (o_.ifconfig) {
                env.set("ifconfig_local", o_.ifconfig->first);
                env.set(topo == options::Topology::Subnet ? "ifconfig_netmask" : "ifconfig_remote",
                        o_.ifconfig->second);
            }
            auto res =
                runner.run("up", *o_.up,
                           script::up_down_args(ifname, plan.mtu, o_.ifconfig ? o_.ifconfig->first : "",
                                                o_.ifconfig ? o_.ifconfig->second : "", false),
                           env);
            if (!res.ok())
                return Err(std::string("ERROR: up script failed"));
        }
        if (!o_.route_noexec)
            (void)net_->apply_routes(plan);
    }

    return Ok{};
}

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
    if (tcp_mode_) {
        auto l = TcpListener::open(bind_addr);
        if (!l && fam == io::Family::Any) {
            auto v4 = io::SockAddr::parse_numeric("0.0.0.0", bind_addr.port());
            if (v4)
                l = TcpListener::open(*v4);
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
    auto s = io::open_udp(uc);
    if (!s && fam == io::Family::Any) {
        uc.family = io::Family::V4;
        uc.bind_addr = io::SockAddr::parse_numeric("0.0.0.0", bind_addr.port()).value();
        s = io::open_udp(uc);
    }
    if (!s)
        return Err(s.error());
    udp_ = std::move(*s);
    log_.logf(kV1, "UDP%s link local (bound): %s", uc.family == io::Family::V6 ? "v6" : "v4",
              uc.bind_addr->bound_string().c_str());
    log_.logf(kV1, "UDP%s link remote: [AF_UNSPEC]", uc.family == io::Family::V6 ? "v6" : "v4");
    return loop_.add_fd(udp_->fd(), io::kReadable, [this](std::uint32_t) { on_udp_readable(); });
}

// ---- instances ----

// make_wrap: a fresh tls-auth / tls-crypt / tls-crypt-v2 (server) / no
// wrap of our configuration; nullptr after logging when the key is bad.
std::unique_ptr<control::ControlWrap> Server::make_wrap(std::uint32_t wall_secs)
{
    const options::ConnectionEntry& ce = o_.ce;
    if (ce.tls_crypt_v2) {
        auto text = session::read_file_ref(*ce.tls_crypt_v2);
        auto key =
            text ? crypto::parse_tls_crypt_v2_server_key(*text) : Result<SecureBytes>(Err(text.error()));
        if (!key) {
            log_.logf(kV1, "--tls-crypt-v2: %s", key.error().c_str());
            return nullptr;
        }
        return control::make_tls_crypt_v2_server_wrap(std::move(*key), wall_secs);
    }
    auto w = session::make_control_wrap(o_, ce, wall_secs);
    if (!w) {
        log_.logf(kV1, "%s", w.error().c_str());
        return nullptr;
    }
    return std::move(*w);
}

Server::Instance* Server::new_instance(const io::SockAddr& from, std::unique_ptr<io::LinkSocket> tcp,
                                       const std::optional<wire::SessionId>& cookie)
{
    if (exiting_)
        return nullptr;
    auto slot = pool_->acquire();
    if (!slot) {
        log_.logf(kV1, "MULTI: new incoming connection would exceed maximum number of clients (%zu)",
                  pool_->capacity());
        return nullptr;
    }
    const auto secs = static_cast<std::uint32_t>(std::time(nullptr));
    std::unique_ptr<control::ControlWrap> wrap = make_wrap(secs);
    if (!wrap) {
        pool_->release(*slot);
        return nullptr;
    }
    session::ControlSetup setup;
    setup.tls = tls_;
    setup.wrap = std::move(wrap);
    setup.tcp = tcp != nullptr;
    auto made = session::make_control_config(o_, std::move(setup)); // with 2.6's per-instance jitter
    if (!made) {
        log_.logf(kV1, "%s", made.error().c_str());
        pool_->release(*slot);
        return nullptr;
    }
    control::ControlConfig cc = std::move(*made);
    if (cookie) {
        // our session id is the cookie the client ACKed (stateless.hpp)
        cc.wrap = make_cookie_wrap(std::move(cc.wrap));
        cc.local_session_id = *cookie;
    }
    auto ch = control::ControlChannel::create(std::move(cc), loop_.now());
    if (!ch) {
        log_.logf(kV1, "%s", ch.error().c_str());
        pool_->release(*slot);
        return nullptr;
    }
    auto in = std::make_unique<Instance>(*this);
    in->id = *slot;
    in->addr = from;
    in->addr_str = from.ip_string() + ":" + std::to_string(from.port());
    in->cc = std::move(*ch);
    if (tcp) {
        in->tcp = std::move(tcp);
        for (std::size_t i = 0; i < in->tcp->batch_size(); ++i)
            in->rx.emplace_back();
        in->rx_from.assign(in->tcp->batch_size(), io::SockAddr{});
    }
    Instance* raw = in.get();
    instances_[raw->id] = std::move(in);
    log_.logf(Verb::Info, "%s TLS: Initial packet from %s", raw->addr_str.c_str(), from.to_string().c_str());
    return raw;
}

Server::Instance* Server::find_id(std::uint32_t id)
{
    auto it = instances_.find(id);
    return it == instances_.end() || it->second->dead ? nullptr : it->second.get();
}

Server::Instance* Server::find_addr(const io::SockAddr& a)
{
    for (auto& [id, in] : instances_)
        if (!in->dead && !in->tcp && in->addr == a)
            return in.get();
    return nullptr;
}

void Server::close_instance(Instance& in, const std::string& why)
{
    if (in.dead)
        return;
    if (!why.empty())
        log_.logf(kV1, "%s %s", in.prefix().c_str(), why.c_str());
    in.dead = true;
    if (in.up && dp_) {
        client_disconnect(in);
        (void)dp_->del_peer(in.id);
        in.up = false;
    }
    if (in.addr_slot) {
        // free at once: a new session of this common name (which closes
        // this one) gets the same address back, as in 2.6
        pool_->release_addr(*in.addr_slot);
        in.addr_slot.reset();
    }
    if (in.tcp)
        loop_.remove_fd(in.tcp->fd());
}

void Server::reap()
{
    bool any = false;
    for (auto it = instances_.begin(); it != instances_.end();) {
        if (it->second->dead) {
            any = any || it->second->since != 0;
            pool_->release(it->first);
            it = instances_.erase(it);
        } else {
            ++it;
        }
    }
    if (any && !exiting_)
        write_status();
}

// ---- transport ----

void Server::on_udp_readable()
{
    TimePoint now = loop_.now();
    for (int round = 0; round < kMaxRounds && udp_; ++round) {
        auto n = udp_->recv(rx_, rx_from_);
        if (!n || *n == 0)
            break;
        for (std::size_t i = 0; i < *n; ++i) {
            PacketBuf& b = rx_[i];
            if (b.empty())
                continue;
            const io::SockAddr& from = rx_from_[i];
            if (is_data_packet(b)) {
                Instance* in = nullptr;
                if (auto pid = wire::peer_id_of(b.span()))
                    in = find_id(*pid);
                else
                    in = find_addr(from);
                if (in == nullptr)
                    continue; // unknown peer: counted nowhere, like 2.6's "unknown peer-id"
                if (!(in->addr == from)) {
                    if (!in->up || !wire::peer_id_of(b.span()) || find_addr(from) != nullptr)
                        continue;
                    // Float (2.6 with peer-id): follow the client to its new
                    // address once a packet from there decrypts and passes the
                    // replay check.
                    if (on_data_packets(*in, std::span<PacketBuf>(&b, 1), now) > 0) {
                        log_.logf(kV1, "%s peer info: float from %s to %s", in->prefix().c_str(),
                                  in->addr.to_string().c_str(), from.to_string().c_str());
                        in->addr = from;
                        in->addr_str = from.ip_string() + ":" + std::to_string(from.port());
                        (void)dp_->update_remote(in->id, from);
                    }
                    continue;
                }
                on_data_packets(*in, std::span<PacketBuf>(&b, 1), now);
                continue;
            }
            Instance* in = find_addr(from);
            auto op = wire::opcode_of(b.data()[0]);
            const bool client_reset = op && (*op == wire::Opcode::ControlHardResetClientV2 ||
                                             *op == wire::Opcode::ControlHardResetClientV3);
            if (in != nullptr && client_reset && b.size() >= 1 + wire::kSessionIdLen &&
                wire::is_defined(in->cc->remote_session_id()) &&
                std::memcmp(b.data() + 1, in->cc->remote_session_id().data(), wire::kSessionIdLen) != 0) {
                // The client started over from the same address.
                close_instance(*in, "SIGUSR1[soft,connection-reset] received, client-instance restarting");
                reap();
                in = nullptr;
            }
            if (in == nullptr) {
                on_first_packet(b, from, now);
                continue;
            }
            on_control_packet(*in, b, now);
        }
        reap();
    }
    reap();
    arm_tick();
}

// on_first_packet: a control packet from an address without an instance
// (UDP): the stateless cookie handshake (stateless.hpp) decides.
void Server::on_first_packet(PacketBuf& b, const io::SockAddr& from, TimePoint now)
{
    if (exiting_ || !gate_)
        return;
    const auto wall = static_cast<std::uint32_t>(std::time(nullptr));
    auto wrap = make_wrap(wall);
    if (!wrap)
        return;
    const auto now_secs =
        static_cast<std::uint32_t>(std::chrono::duration_cast<seconds>(now.time_since_epoch()).count());
    const std::uint64_t cookie_drops = gate_->stats().drop_cookie;
    const std::uint64_t unwrap_drops = gate_->stats().drop_unwrap;
    FirstPacket fp = gate_->first_packet(b.span(), from, *wrap, now_secs);
    switch (fp.verdict) {
    case FirstVerdict::Drop:
        if (fp.rate_note) {
            const options::Directive* d = o_.last("connect-freq-initial");
            log_.logf(kV1,
                      "Note: --connect-freq-initial %s %s rate limit exceeded, dropping initial handshake "
                      "packets for the next %d seconds",
                      d && d->args.size() == 2 ? d->args[0].c_str() : "100",
                      d && d->args.size() == 2 ? d->args[1].c_str() : "10", fp.rate_seconds_left);
        } else if (gate_->stats().drop_cookie != cookie_drops) {
            auto op = wire::opcode_of(b.data()[0]);
            log_.logf(Verb::Notice, "Packet (%s) with invalid or missing SID from %s or wrong packet id",
                      op ? wire::opcode_name(*op) : "?", from.to_string().c_str());
        } else if (gate_->stats().drop_unwrap != unwrap_drops) {
            log_.logf(Verb::Info, "TLS Error: incoming packet authentication failed from %s",
                      from.to_string().c_str());
        }
        return;
    case FirstVerdict::ReplyCookie: {
        log_.logf(Verb::Debug, "Reset packet from client, sending HMAC based reset challenge");
        PacketBuf out(fp.reply.size() + PacketBuf::kDefaultHeadroom + 64);
        (void)out.append(fp.reply);
        (void)udp_->send(std::span<const PacketBuf>(&out, 1), &from);
        return;
    }
    case FirstVerdict::Stateful:
    case FirstVerdict::CreateFromAck:
        break;
    }
    const bool from_ack = fp.verdict == FirstVerdict::CreateFromAck;
    if (from_ack)
        log_.logf(Verb::Debug, "Valid packet with HMAC challenge from peer (%s), accepting new connection.",
                  from.to_string().c_str());
    Instance* in =
        new_instance(from, nullptr, from_ack ? std::optional<wire::SessionId>(fp.cookie) : std::nullopt);
    if (in == nullptr)
        return;
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
        auto sock = std::make_unique<io::WatchedLink>(io::adopt_tcp(a->first, tc), loop_);
        log_.logf(kV1, "TCP connection established with %s", a->second.to_string().c_str());
        Instance* in = new_instance(a->second, std::move(sock));
        if (in == nullptr)
            continue;
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
    arm_tick();
}

void Server::on_tcp_event(std::uint32_t id, std::uint32_t events)
{
    Instance* in = find_id(id);
    if (in == nullptr || !in->tcp)
        return;
    TimePoint now = loop_.now();
    if ((events & io::kWritable) != 0) {
        if (auto s = in->tcp->flush(); !s) { // the watch follows the queue
            close_instance(*in, "Connection reset, restarting [" + s.error().message() + "]");
            reap();
            return;
        }
    }
    if ((events & (io::kReadable | io::kHangup | io::kError)) != 0) {
        for (int round = 0; round < kMaxRounds && !in->dead; ++round) {
            auto n = in->tcp->recv(in->rx, in->rx_from);
            if (!n) {
                close_instance(*in, "Connection reset, restarting [" + n.error().message() + "]");
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
    arm_tick();
}

std::size_t Server::on_data_packets(Instance& in, std::span<PacketBuf> pkts, TimePoint now)
{
    if (!in.up || !dp_)
        return 0;
    return dp_->on_link_data(in.id, pkts, now);
}

// on_peer_event: what the data plane reports about a client (from the loop).
void Server::on_peer_event(const data::PeerEvent& ev)
{
    Instance* in = find_id(ev.id);
    if (in == nullptr)
        return;
    switch (ev.kind) {
    case data::PeerEventKind::Gone:
        if (ev.reason == data::DelReason::Expired) {
            log_.logf(kV1, "%s [%s] Inactivity timeout (--ping-restart), restarting", in->prefix().c_str(),
                      in->cn.c_str());
            close_instance(*in, "SIGUSR1[soft,ping-restart] received, client-instance restarting");
        } else {
            close_instance(*in, "SIGUSR1[soft,connection-reset] received, client-instance restarting");
        }
        break;
    case data::PeerEventKind::RemoteExit:
        close_instance(*in, "SIGTERM[soft,remote-exit] received, client-instance exiting");
        break;
    case data::PeerEventKind::KeyExhausted:
        if (in->cc->renegotiate(loop_.now()))
            flush(*in);
        break;
    }
    reap();
    arm_tick();
}

void Server::on_control_packet(Instance& in, PacketBuf& b, TimePoint now)
{
    in.ctl_rx_bytes += b.size();
    auto before = in.cc->stats();
    verifying_ = &in; // the client a --tls-verify call is about
    in.cc->on_packet(b.span(), now);
    verifying_ = nullptr;
    auto after = in.cc->stats();
    bool dropped = after.drop_unwrap + after.drop_parse + after.drop_session + after.drop_key_id !=
                   before.drop_unwrap + before.drop_parse + before.drop_session + before.drop_key_id;
    if (!dropped && in.up && dp_)
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
            close_instance(in, "Connection reset, restarting [" + r.error().message() + "]");
            return;
        }
    } else if (udp_) {
        (void)udp_->send(std::span<const PacketBuf>(&b, 1), &in.addr);
    }
    if (in.up && dp_)
        dp_->note_control(in.id, false, loop_.now());
}

void Server::flush(Instance& in)
{
    session::flush_control(in.cc, in, loop_.now());
}

// ---- control channel events ----

void Server::handle_events(Instance& in)
{
    session::dispatch_control_events(in.cc, in, log_);
}

void Server::on_key_active(Instance& in, std::uint8_t key_id, bool renegotiated)
{
    const control::TlsSession* tls = in.cc->tls_session(key_id);
    if (tls != nullptr) {
        if (!renegotiated)
            in.cn = tls->peer_common_name().empty() ? "UNDEF" : tls->peer_common_name();
        log_.logf(kV1, "%s Control Channel: %s, peer certificate: %s", in.prefix().c_str(),
                  tls->description().c_str(), tls->peer_subject().c_str());
    }
    const wire::KeyMethod2* km = in.cc->peer_km2(key_id);
    if (renegotiated) {
        if (in.auth_failed)
            return;
        if (o_.auth_user_pass_verify && km != nullptr && !verify_user_pass(in, km->username, km->password)) {
            fail_auth(in, "");
            return;
        }
        if (in.up)
            if (auto s = install_key(in, key_id, false); !s)
                log_.logf(kV1, "%s ERROR: installing the renegotiated key failed: %s", in.prefix().c_str(),
                          s.error().c_str());
        return;
    }
    log_.logf(kV1, "%s [%s] Peer Connection Initiated with %s", in.prefix().c_str(), in.cn.c_str(),
              in.addr.to_string().c_str());
    if (!o_.duplicate_cn && in.cn != "UNDEF") {
        // 2.6: a new session of a common name replaces the older ones.
        for (auto& [id, other] : instances_) {
            if (other.get() == &in || other->dead || other->cn != in.cn)
                continue;
            log_.logf(kV1,
                      "MULTI: new connection by client '%s' will cause previous active sessions by this "
                      "client to be dropped.  Remember to use the --duplicate-cn option if you want multiple "
                      "clients using the same certificate or username to concurrently connect.",
                      in.cn.c_str());
            close_instance(*other, "SIGUSR1[soft,duplicate-cn] received, client-instance restarting");
        }
    }
    if (o_.auth_user_pass_verify) {
        if (km == nullptr || !verify_user_pass(in, km->username, km->password)) {
            fail_auth(in, "");
            return;
        }
    }
    if (!client_connect(in)) {
        fail_auth(in, "");
        return;
    }
    NcpInput ni;
    ni.data_ciphers = session::data_ciphers(o_);
    ni.fallback = o_.data_ciphers_fallback;
    ni.auth = o_.auth.value_or("SHA1");
    if (km != nullptr) {
        ni.peer_info = km->peer_info;
        ni.client_options = km->options;
    }
    auto n = negotiate_server(ni);
    if (!n) {
        log_.logf(kV1, "%s %s", in.prefix().c_str(), n.error().c_str());
        fail_auth(in, n.error());
        return;
    }
    in.ncp = *n;
    if (auto s = activate(in); !s) {
        close_instance(in, "ERROR: " + s.error());
        return;
    }
    if (in.ncp->request_push)
        send_push_reply(in);
}

bool Server::verify_user_pass(Instance& in, const std::string& user, const SecureBytes& pass)
{
    const options::Directive* d = o_.last("auth-user-pass-verify");
    if (d == nullptr || d->args.empty())
        return false;
    const std::string& cmd = d->args[0];
    const bool via_env = d->args.size() > 1 && d->args[1] == "via-env";
    script::ScriptRunner runner(log_, o_.script_security.value_or(1));
    script::Env env;
    add_cert_vars(env, in);
    env.set("username", user);
    env.set("common_name", in.cn);
    set_peer_env(env, "untrusted", in.addr);
    std::vector<std::string> args;
    std::string path;
    if (via_env) {
        env.set("password", std::string(reinterpret_cast<const char*>(pass.data()), pass.size()));
    } else {
        std::string dir = o_.tmp_dir.value_or("/tmp");
        path = dir + "/openvpn_up_" + std::to_string(::getpid()) + "_" + std::to_string(in.id) + ".tmp";
        {
            std::ofstream f(path, std::ios::trunc);
            if (!f) {
                log_.logf(kV1, "%s TLS Auth Error: cannot write %s", in.prefix().c_str(), path.c_str());
                return false;
            }
            f << user << "\n";
            f.write(reinterpret_cast<const char*>(pass.data()), static_cast<std::streamsize>(pass.size()));
            f << "\n";
        }
        args.push_back(path);
    }
    auto res = runner.run("user-pass-verify", cmd, args, env);
    if (!path.empty())
        ::unlink(path.c_str());
    if (!res.ok()) {
        log_.logf(kV1, "%s TLS Auth Error: Auth Username/Password verification failed for peer",
                  in.prefix().c_str());
        return false;
    }
    log_.logf(kV1, "%s TLS: Username/Password authentication succeeded for username '%s'",
              in.prefix().c_str(), user.c_str());
    return true;
}

// add_cert_vars: 2.6's X509_<d>_* / tls_*_<d> variables of the client's
// certificate chain (cert_env.hpp), from its newest TLS session.
void Server::add_cert_vars(script::Env& env, const Instance& in) const
{
    const control::TlsSession* tls = nullptr;
    if (auto k = in.cc->primary_key_id())
        tls = in.cc->tls_session(*k);
    for (std::uint8_t k = 0; tls == nullptr && k < 8; ++k)
        tls = in.cc->tls_session(k);
    if (tls == nullptr)
        return;
    for (const auto& [name, value] : control::cert_env(tls->peer_chain()))
        env.set(name, value);
}

// run_tls_verify: --tls-verify for one certificate of a connecting client's
// chain (depth subject as arguments), the client still untrusted.
bool Server::run_tls_verify(const control::CertFacts& cert, const std::vector<control::CertFacts>& chain)
{
    script::Env env;
    std::string who;
    if (verifying_ != nullptr) {
        set_peer_env(env, "untrusted", verifying_->addr);
        who = verifying_->addr_str + " ";
    }
    return session::run_tls_verify(o_, cert, chain, std::move(env), who, log_);
}

script::Env Server::client_env(const Instance& in) const
{
    script::Env env;
    add_cert_vars(env, in);
    env.set("common_name", in.cn);
    if (in.username != "UNDEF")
        env.set("username", in.username);
    set_peer_env(env, "trusted", in.addr);
    if (o_.ifconfig)
        env.set("ifconfig_local", o_.ifconfig->first);
    if (in.v4) {
        env.set("ifconfig_pool_remote_ip", v4_string(*in.v4));
        if (o_.topology == options::Topology::Subnet && o_.ifconfig)
            env.set("ifconfig_pool_netmask", o_.ifconfig->second);
    }
    if (in.v6)
        env.set("ifconfig_pool_remote_ip6", v6_string(*in.v6));
    if (dp_)
        env.set("dev", dp_->device().name);
    const std::time_t now = std::time(nullptr);
    env.set_int("time_unix", in.since != 0 ? in.since : now);
    return env;
}

// client_connect: --client-config-dir, then --client-connect; decides the
// client's addresses. false: refuse the client (disable, ccd-exclusive
// without a file, script failure, bad file).
bool Server::client_connect(Instance& in)
{
    ClientConfig cfg;
    if (o_.client_config_dir) {
        std::string text;
        bool found = false;
        for (const std::string& name : {in.cn, std::string("DEFAULT")}) {
            if (name.find('/') != std::string::npos || name == "." || name == "..")
                continue;
            std::ifstream f(*o_.client_config_dir + "/" + name);
            if (f) {
                std::stringstream ss;
                ss << f.rdbuf();
                text = ss.str();
                found = true;
                break;
            }
            if (o_.ccd_exclusive)
                break; // DEFAULT does not satisfy --ccd-exclusive
        }
        if (!found && o_.ccd_exclusive) {
            log_.logf(kV1, "%s MULTI: no dynamic or static remote --ifconfig address is available for %s",
                      in.prefix().c_str(), in.prefix().c_str());
            return false;
        }
        if (found) {
            auto c = parse_client_config(text, *o_.client_config_dir + "/" + in.cn);
            if (!c) {
                log_.logf(kV1, "%s %s", in.prefix().c_str(), c.error().c_str());
                return false;
            }
            merge(cfg, *c);
        }
    }
    // 2.6 (multi_select_virtual_addr): an --ifconfig-push from the ccd file
    // takes no pool address; one from --client-connect comes too late for that.
    const bool ccd_ifconfig = cfg.ifconfig_push.has_value();
    if (!ccd_ifconfig) {
        if (!in.addr_slot)
            in.addr_slot = pool_->acquire_addr(in.cn);
        if (!in.addr_slot) {
            log_.logf(kV1, "%s MULTI: no free --ifconfig-pool addresses are available", in.prefix().c_str());
            return false;
        }
        in.v4 = pool_->v4(*in.addr_slot);
        in.v6 = pool_->v6(*in.addr_slot);
    } else {
        if (in.addr_slot) {
            pool_->release_addr(*in.addr_slot);
            in.addr_slot.reset();
        }
        in.v4.reset();
        in.v6.reset();
        if (!cfg.ifconfig_ipv6_push && pool_->v6(0))
            log_.logf(kV1,
                      "%s MULTI_sva: WARNING: if --ifconfig-push is used for IPv4, automatic IPv6 assignment "
                      "from --ifconfig-ipv6-pool does not work.  Use --ifconfig-ipv6-push for IPv6 then.",
                      in.prefix().c_str());
    }
    if (o_.client_connect) {
        std::string dir = o_.tmp_dir.value_or("/tmp");
        std::string path =
            dir + "/openvpn_cc_" + std::to_string(::getpid()) + "_" + std::to_string(in.id) + ".tmp";
        {
            std::ofstream(path, std::ios::trunc);
        }
        script::ScriptRunner runner(log_, o_.script_security.value_or(1));
        auto res = runner.run("client-connect", *o_.client_connect, {path}, client_env(in));
        std::ifstream f(path);
        std::stringstream ss;
        if (f)
            ss << f.rdbuf();
        ::unlink(path.c_str());
        if (!res.ok()) {
            log_.logf(kV1, "%s MULTI: client-connect script failed, refusing the client",
                      in.prefix().c_str());
            return false;
        }
        auto c = parse_client_config(ss.str(), "client-connect output");
        if (!c) {
            log_.logf(kV1, "%s %s", in.prefix().c_str(), c.error().c_str());
            return false;
        }
        merge(cfg, *c);
    }
    if (cfg.disable) {
        log_.logf(kV1, "%s MULTI: client has been rejected due to 'disable' directive", in.prefix().c_str());
        return false;
    }
    for (const auto& d : cfg.ignored)
        log_.logf(Verb::Info, "%s client config: --%s is not applied here", in.prefix().c_str(), d.c_str());
    in.push_ifconfig = in.addr_slot ? pool_->push_ifconfig(*in.addr_slot) : std::nullopt;
    in.push_ifconfig_ipv6 = in.addr_slot ? pool_->push_ifconfig_ipv6(*in.addr_slot) : std::nullopt;
    if (cfg.ifconfig_push) {
        in_addr a{};
        if (inet_pton(AF_INET, cfg.ifconfig_push->first.c_str(), &a) != 1) {
            log_.logf(kV1, "%s bad --ifconfig-push %s", in.prefix().c_str(),
                      cfg.ifconfig_push->first.c_str());
            return false;
        }
        in.v4 = a;
        in.push_ifconfig = "ifconfig " + cfg.ifconfig_push->first + " " + cfg.ifconfig_push->second;
    }
    if (cfg.ifconfig_ipv6_push) {
        const std::string& spec = cfg.ifconfig_ipv6_push->first;
        in6_addr a{};
        if (inet_pton(AF_INET6, spec.substr(0, spec.find('/')).c_str(), &a) != 1) {
            log_.logf(kV1, "%s bad --ifconfig-ipv6-push %s", in.prefix().c_str(), spec.c_str());
            return false;
        }
        in.v6 = a;
        std::string remote = cfg.ifconfig_ipv6_push->second;
        if (remote.empty() && o_.ifconfig_ipv6)
            remote = o_.ifconfig_ipv6->first.substr(0, o_.ifconfig_ipv6->first.find('/'));
        in.push_ifconfig_ipv6 = "ifconfig-ipv6 " + spec + " " + remote;
    }
    in.iroutes.clear();
    for (const std::string& r : cfg.iroutes) {
        auto ir = parse_iroute(r);
        if (!ir) {
            log_.logf(kV1, "%s %s", in.prefix().c_str(), ir.error().c_str());
            continue;
        }
        in.iroutes.push_back(*ir);
    }
    in.ccfg = std::move(cfg);
    return true;
}

void Server::client_disconnect(Instance& in)
{
    if (in.since == 0)
        return;
    if (!o_.client_disconnect) {
        learn_address(in, "delete");
        return;
    }
    script::Env env = client_env(in);
    if (auto st = dp_->stats(in.id)) {
        env.set_int("bytes_received", static_cast<long long>(st->link_rx_bytes + in.ctl_rx_bytes));
        env.set_int("bytes_sent", static_cast<long long>(st->link_tx_bytes + in.ctl_tx_bytes));
    }
    env.set_int("time_duration", static_cast<long long>(std::time(nullptr) - in.since));
    script::ScriptRunner runner(log_, o_.script_security.value_or(1));
    (void)runner.run("client-disconnect", *o_.client_disconnect, {}, env);
    learn_address(in, "delete"); // after client-disconnect, as 2.6
}

void Server::learn_address(Instance& in, const char* op)
{
    if (!o_.learn_address)
        return;
    script::ScriptRunner runner(log_, o_.script_security.value_or(1));
    const bool add = std::strcmp(op, "add") == 0;
    std::vector<std::string> addrs = {in.v4 ? v4_string(*in.v4) : std::string(),
                                      in.v6 ? v6_string(*in.v6) : std::string()};
    for (const auto& r : in.iroutes)
        addrs.push_back(iroute_string(r));
    for (const std::string& a : addrs) {
        if (a.empty())
            continue;
        std::vector<std::string> args = {op, a};
        if (add)
            args.push_back(in.cn);
        // 2.6 gives "delete" an (almost) empty environment
        (void)runner.run("learn-address", *o_.learn_address, args, add ? client_env(in) : script::Env{});
    }
}

void Server::fail_auth(Instance& in, const std::string& reason)
{
    in.auth_failed = true;
    std::string msg = reason.empty() ? "AUTH_FAILED" : "AUTH_FAILED," + reason;
    (void)in.cc->send_message(msg);
    log_.logf(Verb::Info, "%s SENT CONTROL [%s]: '%s' (status=1)", in.prefix().c_str(), in.cn.c_str(),
              msg.c_str());
    if (in.up && dp_) {
        (void)dp_->del_peer(in.id);
        in.up = false;
    }
    in.drop_at = loop_.now() + kAuthFailedLinger;
    flush(in);
}

Status<> Server::activate(Instance& in)
{
    data::PeerSpec ps;
    ps.id = in.id;
    ps.link = in.tcp ? in.tcp.get() : udp_.get();
    ps.remote = in.addr;
    if (in.ncp->data_v2)
        ps.tx_peer_id = in.id;
    ps.vpn_ipv4 = in.v4;
    ps.vpn_ipv6 = in.v6;
    ps.compression = session::compression_of(o_);
    if (o_.ce.fragment && !tcp_mode_)
        ps.fragment = static_cast<std::size_t>(*o_.ce.fragment);
    if (auto s = dp_->add_peer(ps); !s)
        return Err("data plane: " + s.error());
    in.up = true;
    if (!in.iroutes.empty()) {
        if (auto s = dp_->set_iroutes(in.id, in.iroutes); !s)
            return Err("data plane: " + s.error());
        for (const auto& r : in.iroutes)
            log_.logf(Verb::Notice, "%s MULTI: internal route %s -> %s", in.prefix().c_str(),
                      iroute_string(r).c_str(), in.prefix().c_str());
    }
    const int ping = o_.ping.value_or(0);
    const int restart = o_.ping_restart.value_or(0);
    if (ping > 0 || restart > 0)
        (void)dp_->set_keepalive(in.id, seconds(ping), seconds(restart));
    log_.logf(kV1, "%s Data Channel: cipher '%s'%s, peer-id: %d", in.prefix().c_str(), in.ncp->cipher.c_str(),
              in.ncp->use_ekm ? ", key derivation: tls-ekm" : "",
              in.ncp->data_v2 ? static_cast<int>(in.id) : -1);
    if (auto s = install_key(in, *in.cc->primary_key_id(), true); !s)
        return Err("installing the data channel key failed: " + s.error());
    in.since = std::time(nullptr);
    learn_address(in, "add");
    write_status();
    if (ps.vpn_ipv4) {
        if (in.addr_slot)
            log_.logf(kV1, "%s MULTI_sva: pool returned IPv4=%s", in.prefix().c_str(),
                      v4_string(*ps.vpn_ipv4).c_str());
        log_.logf(kV1, "%s MULTI: Learn: %s -> %s", in.prefix().c_str(), v4_string(*ps.vpn_ipv4).c_str(),
                  in.prefix().c_str());
        log_.logf(kV1, "%s MULTI: primary virtual IP for %s: %s", in.prefix().c_str(), in.prefix().c_str(),
                  v4_string(*ps.vpn_ipv4).c_str());
    }
    if (ps.vpn_ipv6) {
        log_.logf(kV1, "%s MULTI: Learn: %s -> %s", in.prefix().c_str(), v6_string(*ps.vpn_ipv6).c_str(),
                  in.prefix().c_str());
        log_.logf(kV1, "%s MULTI: primary virtual IPv6 for %s: %s", in.prefix().c_str(), in.prefix().c_str(),
                  v6_string(*ps.vpn_ipv6).c_str());
    }
    return Ok{};
}

void Server::send_push_reply(Instance& in)
{
    PushInput pi;
    pi.configured = apply_push(o_.push, in.ccfg);
    pi.ifconfig = in.push_ifconfig;
    pi.ifconfig_ipv6 = in.push_ifconfig_ipv6;
    if (in.ncp->data_v2)
        pi.peer_id = in.id;
    pi.ncp = *in.ncp;
    auto msgs = build_push_messages(pi);
    if (!msgs) {
        log_.logf(kV1, "%s ERROR: building the PUSH_REPLY failed: %s", in.prefix().c_str(),
                  msgs.error().c_str());
        return;
    }
    for (const auto& m : *msgs) {
        (void)in.cc->send_message(m);
        log_.logf(Verb::Info, "%s SENT CONTROL [%s]: '%s' (status=1)", in.prefix().c_str(), in.cn.c_str(),
                  m.c_str());
    }
    in.last_push = loop_.now();
    flush(in);
}

void Server::handle_message(Instance& in, const std::string& text)
{
    auto m = wire::classify_control_message(text);
    switch (m.kind) {
    case wire::ControlMessageKind::PushRequest:
        log_.logf(Verb::Info, "%s PUSH: Received control message: '%s'", in.prefix().c_str(), text.c_str());
        if (in.auth_failed) {
            (void)in.cc->send_message("AUTH_FAILED");
            flush(in);
            return;
        }
        if (!in.up)
            return;
        if (in.last_push && loop_.now() - *in.last_push < kPushRepeatIgnore)
            return;
        send_push_reply(in);
        break;
    case wire::ControlMessageKind::Exit:
        close_instance(in, "SIGTERM[soft,remote-exit] received, client-instance exiting");
        break;
    default:
        log_.logf(Verb::Info, "%s WARNING: Received unknown control message: %s", in.prefix().c_str(),
                  text.c_str());
        break;
    }
}

Status<> Server::install_key(Instance& in, std::uint8_t key_id, bool first)
{
    const session::DataCipher dc{in.ncp->cipher, in.ncp->auth, in.ncp->use_ekm};
    return in.keys.install(*dp_, in.id, *in.cc, dc, key_id, first);
}

// ---- timers, signals, exit ----

void Server::on_tick()
{
    tick_.reset();
    TimePoint now = loop_.now();
    if (exit_at_ && now >= *exit_at_) {
        stop(exit_code_, "");
        return;
    }
    for (auto& [id, in] : instances_) {
        if (in->dead)
            continue;
        if (in->drop_at && now >= *in->drop_at) {
            close_instance(*in, "SIGTERM[soft,auth-failure] received, client-instance exiting");
            continue;
        }
        session::control_tick(in->cc, *in, log_, now);
        flush(*in);
    }
    if (next_status_ && now >= *next_status_)
        write_status();
    if (next_persist_ && now >= *next_persist_)
        write_persist();
    reap();
    arm_tick();
}

void Server::write_status()
{
    if (!o_.status)
        return;
    const int interval = o_.status_interval.value_or(60);
    next_status_ = loop_.now() + seconds(interval > 0 ? interval : 60);
    std::vector<StatusClient> rows;
    for (const auto& [id, in] : instances_) {
        if (in->dead || !in->up)
            continue;
        StatusClient c;
        c.common_name = in->cn;
        c.real_address = in->addr_str;
        if (in->v4)
            c.vpn_ipv4 = v4_string(*in->v4);
        if (in->v6)
            c.vpn_ipv6 = v6_string(*in->v6);
        c.username = in->username;
        for (const auto& r : in->iroutes)
            c.routes.push_back(iroute_string(r));
        if (auto st = dp_->stats(id)) {
            c.bytes_received = st->link_rx_bytes + in->ctl_rx_bytes;
            c.bytes_sent = st->link_tx_bytes + in->ctl_tx_bytes;
        }
        c.connected_since = in->since;
        c.last_ref = std::time(nullptr);
        c.client_id = id;
        c.peer_id = in->ncp && in->ncp->data_v2 ? id : data::kUndefinedPeerId;
        c.cipher = in->ncp ? in->ncp->cipher : "";
        rows.push_back(std::move(c));
    }
    const std::string text = format_status(o_.status_version.value_or(1), rows, std::time(nullptr),
                                           "OpenVPN 2.6.14 (openvpn-ng) x86_64-pc-linux-gnu [SSL (OpenSSL)]");
    std::ofstream f(*o_.status, std::ios::trunc);
    if (!f) {
        log_.logf(kV1, "WARNING: cannot write the --status file %s", o_.status->c_str());
        return;
    }
    f << text;
}

// read_persist: --ifconfig-pool-persist file [seconds] at start; a missing
// file is fine (2.6 creates it at the first write).
void Server::read_persist()
{
    if (!o_.ifconfig_pool_persist || o_.ifconfig_pool_persist->empty())
        return;
    const auto& a = *o_.ifconfig_pool_persist;
    persist_secs_ = a.size() > 1 ? std::atoi(a[1].c_str()) : 600;
    std::ifstream f(a[0]);
    if (f) {
        std::stringstream ss;
        ss << f.rdbuf();
        for (const auto& w : pool_->load_persist(ss.str(), persist_secs_ <= 0))
            log_.logf(kV1, "%s", w.c_str());
    }
    if (persist_secs_ > 0)
        next_persist_ = loop_.now() + seconds(persist_secs_);
}

// write_persist: every CN -> address pair the pool holds, 2.6's format;
// every `seconds` and at exit (never with seconds 0).
void Server::write_persist()
{
    if (!o_.ifconfig_pool_persist || o_.ifconfig_pool_persist->empty() || persist_secs_ <= 0 || !pool_)
        return;
    next_persist_ = loop_.now() + seconds(persist_secs_);
    const std::string& path = o_.ifconfig_pool_persist->front();
    std::ofstream f(path, std::ios::trunc);
    if (!f) {
        log_.logf(kV1, "WARNING: cannot write the --ifconfig-pool-persist file %s", path.c_str());
        return;
    }
    f << pool_->format_persist();
}

void Server::arm_tick()
{
    if (loop_.stopped())
        return;
    TimePoint now = loop_.now();
    TimePoint t = now + kMaxTick;
    for (auto& [id, in] : instances_) {
        if (in->dead)
            continue;
        t = std::min(t, in->cc->next_timeout());
        if (in->drop_at)
            t = std::min(t, *in->drop_at);
    }
    if (exit_at_)
        t = std::min(t, *exit_at_);
    if (next_status_)
        t = std::min(t, *next_status_);
    if (next_persist_)
        t = std::min(t, *next_persist_);
    t = std::max(t, now);
    if (tick_)
        loop_.cancel_timer(*tick_);
    tick_ = loop_.add_timer(t, [this] { on_tick(); });
}

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
    if (tick_) {
        loop_.cancel_timer(*tick_);
        tick_.reset();
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
            if (in->dead || !in->cc->primary_active())
                continue;
            (void)in->cc->send_message(een >= 2 ? "RESTART,[N]" : "RESTART");
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
        begin_exit(kExitOk, std::string(s == io::Signal::Term ? "SIGTERM" : "SIGINT") +
                                "[hard,] received, process exiting");
        break;
    case io::Signal::Usr1:
        begin_exit(kRunAgain, "SIGUSR1[hard,] received, process restarting");
        break;
    case io::Signal::Hup:
        begin_exit(kReloadConfig, "SIGHUP[hard,] received, process restarting");
        break;
    case io::Signal::Usr2:
        log_.logf(kV1, "MULTI: %zu client(s) connected", instances_.size());
        break;
    }
}

} // namespace ovpn::server
