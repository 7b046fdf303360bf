// client/tunnel.cpp: the device and its data plane (session::make_data_plane),
// this session's peer in it, the MSS clamp, addresses and routes on the
// device, and closing it with 2.6's script order.
#include "openvpn/client/client.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "openvpn/client/internal.hpp"
#include "openvpn/client/script_env.hpp"
#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/data/mssfix.hpp"
#include "openvpn/mgmt/host.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/plugin/host.hpp"
#include "openvpn/script/script_runner.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/session/make_data_plane.hpp"
#include "openvpn/session/privileges.hpp"
#include "openvpn/tun/net_setup.hpp"
#include "openvpn/tun/netlink.hpp"
#include "openvpn/tun/plan_options.hpp"

namespace ovpn::client {

// open_device: the tun device (or --dev null) with its data plane, once
// per tun (kept across restarts with --persist-tun), then addresses, routes
// and --up.
Status<> Client::open_device()
{
    // the plane sizes --mtu-test loads by the configured cipher and auth, as
    // 2.6 (session/mtu_frame.hpp): not by the ones the server pushed
    options::Options po = pushed_;
    po.cipher = base_.cipher;
    po.auth = base_.auth;
    auto dp = session::make_data_plane(
        po, dco_, session::PlaneMode::P2P, loop_, [this](const data::PeerEvent& e) { on_peer_event(e); },
        log_, &plane_);
    if (!dp)
        return Err(dp.error());
    dp_ = std::move(*dp);
    if (auto s = configure_network(); !s)
        return s;
    // 2.6's moment for a peer that pulls nothing: the device and the socket
    // are open (its --up ran), so privileges go now.
    if (!base_.pull)
        return session::drop_privileges(base_, *dp_, log_);
    return Ok{};
}

// open_data_plane: this session's peer in the data plane (the device first
// when there is none yet).
Status<> Client::open_data_plane()
{
    if (!dp_) {
        if (auto s = open_device(); !s)
            return s;
    } else if (auto s = run_up_on_restart(); !s) {
        return s;
    }
    data::PeerSpec ps;
    ps.id = data::kP2pPeerId;
    ps.link = link_.get();
    ps.remote = remote_;
    ps.local = local_;
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
    start_mtu_test(ps.compression, ps.fragment);
    int ping = pushed_.ping.value_or(0);
    int restart = pushed_.ping_restart.value_or(pushed_.ping_exit.value_or(0));
    if (ping > 0 || restart > 0)
        (void)dp_->set_keepalive(data::kP2pPeerId, seconds(ping), seconds(restart));
    return Ok{};
}

namespace {

// gone_reason: why the data plane dropped the peer, in 2.6's server words.
const char* gone_reason(data::DelReason r)
{
    switch (r) {
    case data::DelReason::TransportError:
        return "transport error";
    case data::DelReason::TransportDisconnect:
        return "transport disconnected";
    case data::DelReason::Expired:
        return "ping expired";
    default:
        return "peer removed";
    }
}

} // namespace

// on_peer_event: what the data plane reports about our peer (from the loop).
void Client::on_peer_event(const data::PeerEvent& ev)
{
    if (!dp_peer_added_ || exiting_)
        return; // about a session already torn down
    switch (ev.kind) {
    case data::PeerEventKind::Gone:
        if (ev.reason != data::DelReason::Expired) {
            // 2.6 ignores these on a client and would sit on a dead tunnel
            // until ping-restart; the kernel no longer carries the peer.
            log_.logf(kV1, "Connection reset, restarting [data plane: %s]", gone_reason(ev.reason));
            schedule_restart("connection-reset");
            return;
        }
        if (pushed_.ping_exit) {
            log_.logf(kV1, "[%s] Inactivity timeout (--ping-exit), exiting",
                      peer_cn_.empty() ? "UNDEF" : peer_cn_.c_str());
            exit_now(kExitOk, "SIGTERM[soft,ping-exit] received, process exiting");
            return;
        }
        log_.logf(kV1, "[%s] Inactivity timeout (--ping-restart), restarting",
                  peer_cn_.empty() ? "UNDEF" : peer_cn_.c_str());
        schedule_restart("ping-restart");
        return;
    case data::PeerEventKind::RemoteExit:
        schedule_restart("remote-exit");
        return;
    case data::PeerEventKind::KeyExhausted:
        if (cc_ && cc_->renegotiate(loop_.now())) {
            flush_control();
            arm_tick();
        }
        return;
    case data::PeerEventKind::MtuReply:
        on_mtu_reply(ev.mtu);
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
    auto f = data_frame(comp, fragment);
    if (!f)
        return Err(f.error());
    const std::uint16_t mss = data::effective_mss(*setting, *f);
    log_.logf(Verb::Info, "MSS clamp for TCP SYNs: %u (mssfix %d%s)", mss, setting->value,
              setting->fixed   ? " fixed"
              : setting->encap ? " mtu"
                               : "");
    return mss;
}

// data_frame: what this session's data packets carry around the payload
// (for --mssfix and --mtu-test's load size).
Result<data::MssfixFrame> Client::data_frame(wire::CompressMode comp, std::size_t fragment) const
{
    const options::ConnectionEntry& ce = current_ce();
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
    if (options::effective_dev_type(pushed_) == "tap")
        f.extra_tun = static_cast<std::size_t>(ce.tun_mtu_extra.value_or(32));
    return f;
}

Status<> Client::configure_network()
{
    const std::string& ifname = dp_->device().name;
    if (ifname == "null") {
        // No addresses to set, but --up runs as with any device (2.6 runs
        // it for --dev null too: "null 1500 0   init").
        plan_ = tun::NetPlan{};
        plan_.ifname = ifname;
        plan_.mtu =
            static_cast<std::uint32_t>(pushed_.ce.tun_mtu.value_or(current_ce().tun_mtu.value_or(1500)));
        if (auto s = run_up(); !s)
            return s;
        start_routes(); // no routes to add, but --route-up runs (2.6's do_route)
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
    if (plane_.offload) // 2.6's DCO_DEFAULT_METRIC for routes without their own
        facts.default_metric = tun::kDcoRouteMetric;
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
    mgmt_assign_ip(plan);
    // --ifconfig-noexec: the addresses, MTU and link state are the --up
    // script's job; the script env and the routes (added after --up, so
    // they can use what it set) stay, as in 2.6.
    if (!pushed_.ifconfig_noexec)
        if (auto s = net_->apply_link(plan); !s)
            return s;
    plan_ = plan;
    if (auto s = run_up(); !s)
        return s;
    start_routes();
    return Ok{};
}

// start_routes: the routes step now or after --route-delay.
void Client::start_routes()
{
    const int delay = pushed_.route_delay && !pushed_.route_delay->empty()
                          ? std::atoi(pushed_.route_delay->front().c_str())
                          : (pushed_.route_delay ? 0 : -1);
    if (delay > 0) {
        route_up_at_ = loop_.now() + seconds(delay);
        arm_tick();
    } else {
        add_routes();
    }
}

// add_routes: 2.6's do_route: the routes unless --route-noexec, then
// --route-up in any case (with --route-noexec the script may add them).
void Client::add_routes()
{
    const bool apply = net_ && !pushed_.route_noexec;
    if (apply && !plan_.routes.empty())
        mgmt_state(mgmt::State::AddRoutes);
    if (apply)
        (void)net_->apply_routes(plan_);
    routes_added_ = true;
    (void)run_hook(OPENVPN_PLUGIN_ROUTE_UP, "route-up", pushed_.route_up, {});
}

// run_up: the UP plugins, then --up (2.6's run_up_down); either failing
// ends the run. `restart`: the --up-restart call on a kept device.
Status<> Client::run_up(bool restart)
{
    if (run_hook(OPENVPN_PLUGIN_UP, "up", pushed_.up, up_down_args(restart), false, true))
        return Ok{};
    return Err(std::string(plugin::wants(plugins_, OPENVPN_PLUGIN_UP) ? "ERROR: up/down plugin call failed"
                                                                      : "ERROR: up script failed"));
}

// run_down_hook: DOWN after the device is gone, with the facts `f` taken
// while it was there: the plugins (down-root runs its command as root
// here), then --down.
void Client::run_down_hook(const std::vector<std::string>& args, const ScriptEnvFacts& f)
{
    if (plugin::wants(plugins_, OPENVPN_PLUGIN_DOWN) &&
        !plugin::call(plugins_, {OPENVPN_PLUGIN_DOWN, args}, build_script_env(f)).ok())
        log_.write(Verb::Error, plugin::failure_message(OPENVPN_PLUGIN_DOWN));
    if (pushed_.down) {
        script::ScriptRunner runner(log_, base_.script_security.value_or(1));
        (void)runner.run("down", *pushed_.down, args, build_script_env(f));
    }
}

void Client::close_tun()
{
    if (!dp_)
        return;
    if (routes_added_)
        (void)run_hook(OPENVPN_PLUGIN_ROUTE_PREDOWN, "route-pre-down", pushed_.route_pre_down, up_down_args(),
                       true);
    const auto args = up_down_args();
    if (pushed_.down_pre)
        (void)run_hook(OPENVPN_PLUGIN_DOWN, "down", pushed_.down, args, true);
    if (net_) {
        net_->restore();
        net_.reset();
    }
    route_up_at_.reset();
    routes_added_ = false;
    const bool run_down = !pushed_.down_pre; // --dev null too, as in 2.6
    // 2.6 closes the device first, then runs --down (unless --down-pre);
    // the facts are taken while the device is still known.
    ScriptEnvFacts f = script_facts();
    log_.logf(Verb::Info, "Closing %s interface", plane_.device_kind());
    dp_.reset(); // the data plane closes its device
    dp_peer_added_ = false;
    if (run_down)
        run_down_hook(args, f);
}

// run_down_on_restart: 2.6's do_close_tun when a restart keeps the device:
// nothing closes, and DOWN (plugins, --down) runs only with --up-restart,
// told "restart".
void Client::run_down_on_restart()
{
    if (!dp_ || !base_.up_restart)
        return;
    (void)run_hook(OPENVPN_PLUGIN_DOWN, "down", pushed_.down, up_down_args(true), true);
}

// run_up_on_restart: 2.6's do_open_tun on a device a restart kept: it says
// so, and runs UP (plugins, --up) again, "restart", only with --up-restart.
Status<> Client::run_up_on_restart()
{
    log_.logf(kV1, "Preserving previous TUN/TAP instance: %s", dp_->device().name.c_str());
    return base_.up_restart ? run_up(true) : Status<>(Ok{});
}

} // namespace ovpn::client
