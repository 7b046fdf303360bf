// server/tunnel.cpp: the device with its data plane (session::make_data_plane),
// its addresses, routes and --up, and each admitted client's peer in it:
// keys, iroutes, keepalive, and what the data plane reports.
#include "openvpn/script/script_runner.hpp"

#include <sys/socket.h>

#include <ctime>

#include "openvpn/options/helpers.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/iroute.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/session/make_data_plane.hpp"
#include "openvpn/tun/net_setup.hpp"
#include "openvpn/tun/netlink.hpp"
#include "openvpn/tun/plan_options.hpp"
#include "openvpn/tun/tun_device.hpp"

namespace ovpn::server {

Status<> Server::open_tun()
{
    data::EventSink sink = [this](const data::PeerEvent& e) { on_peer_event(e); };
    auto dp = make_plane_ ? make_plane_(o_, dco_, session::PlaneMode::MultiPeer, loop_, std::move(sink), log_)
                          : session::make_data_plane(o_, dco_, session::PlaneMode::MultiPeer, loop_,
                                                     std::move(sink), log_);
    if (!dp)
        return Err(dp.error());
    dp_ = std::move(*dp);
    dp_->set_mac_learner([this](data::PeerId id, const std::array<std::uint8_t, 6>& mac, std::uint16_t vid,
                                bool moved) { return mac_learned(id, mac, vid, moved); });
    if (offloaded() && o_.client_to_client) // 2.6's options check, once DCO runs
        log_.write(
            kV1, mute::None, Severity::Warning,
            "Note: --client-to-client has no effect when using data channel offload: packets are always "
            "sent to the VPN interface and then routed based on the system routing table");
    if (dp_->device().name == "null" || o_.ifconfig_noexec) {
        // no addresses to set; the scripts run as for any device (2.6)
        tun_mtu_ = static_cast<std::uint32_t>(o_.ce.tun_mtu.value_or(1500));
        if (!run_up(tun_mtu_))
            return Err(std::string("ERROR: up script failed"));
        run_route_up();
        return Ok{};
    }
    return configure_device();
}

// configure_device: --ifconfig/--ifconfig-ipv6 and the link, --up, --route.
Status<> Server::configure_device()
{
    auto nl = tun::Netlink::open();
    if (!nl)
        return Err(nl.error());
    nl_ = std::move(*nl);
    net_ = std::make_unique<tun::NetSetup>(*nl_, log_);
    tun::PlanFacts facts;
    facts.ifname = dp_->device().name;
    facts.mtu = static_cast<std::uint32_t>(o_.ce.tun_mtu.value_or(1500));
    if (offloaded())
        facts.default_metric = tun::kDcoRouteMetric;
    if (auto d = nl_->default_route(AF_INET); d && d->gateway.is_set())
        facts.net_gateway = d->gateway;
    auto planned = tun::plan_from_options(o_, facts, log_);
    if (!planned)
        return Err(planned.error());
    const tun::NetPlan plan = std::move(*planned);
    if (auto s = net_->apply_link(plan); !s)
        return s;
    tun_mtu_ = plan.mtu;
    if (!run_up(plan.mtu))
        return Err(std::string("ERROR: up script failed"));
    if (!o_.route_noexec)
        (void)net_->apply_routes(plan);
    run_route_up();
    return Ok{};
}

// run_route_up: 2.6's do_route: --route-up runs after the routes step, also
// with --route-noexec (the script may add them itself).
void Server::run_route_up()
{
    route_step_ran_ = true;
    (void)run_device_script(OPENVPN_PLUGIN_ROUTE_UP, "route-up", o_.route_up, false);
}

// close_device: 2.6's do_close_tun: --route-pre-down before the routes go,
// --down before the device closes with --down-pre, else after it.
void Server::close_device()
{
    if (!dp_)
        return;
    if (route_step_ran_)
        (void)run_device_script(OPENVPN_PLUGIN_ROUTE_PREDOWN, "route-pre-down", o_.route_pre_down, true);
    if (o_.down_pre)
        (void)run_device_script(OPENVPN_PLUGIN_DOWN, "down", o_.down, true);
    const std::string ifname = dp_->device().name;
    const bool configured = tun_mtu_ != 0;
    if (net_) // addresses and routes first, while the device is still there (2.6's order)
        net_->restore();
    net_.reset();
    dp_.reset();
    if (!o_.down_pre && configured) {
        // the device is gone; plugins and script still get its name and facts
        const auto args = script::up_down_args(ifname, tun_mtu_, o_.ifconfig ? o_.ifconfig->first : "",
                                               o_.ifconfig ? o_.ifconfig->second : "", false);
        (void)run_hook(OPENVPN_PLUGIN_DOWN, "down", o_.down, args, device_env(ifname, tun_mtu_));
    }
}

// run_device_script: `restart` for --up-restart's runs on a kept device
// (2.6's "restart" context).
bool Server::run_device_script(int plugin_type, const std::string& type,
                               const std::optional<std::string>& cmd, bool with_args, bool restart)
{
    const std::string& ifname = dp_->device().name;
    std::vector<std::string> args;
    if (with_args)
        args = script::up_down_args(ifname, tun_mtu_, o_.ifconfig ? o_.ifconfig->first : "",
                                    o_.ifconfig ? o_.ifconfig->second : "", restart);
    return run_hook(plugin_type, type, cmd, args, device_env(ifname, tun_mtu_, restart));
}

// run_hook: 2.6's order: the plugins intercepting `plugin_type` (without a
// client: the process's own contexts), then the script if configured. A
// failing up/down plugin stops there (2.6 exits on it).
bool Server::run_hook(int plugin_type, const std::string& type, const std::optional<std::string>& cmd,
                      const std::vector<std::string>& args, const script::Env& env)
{
    if (plugin::wants(plugins_, plugin_type) && !plugin::call(plugins_, {plugin_type, args}, env).ok()) {
        log_.write(kV1, plugin::failure_message(plugin_type));
        if (plugin_type == OPENVPN_PLUGIN_UP || plugin_type == OPENVPN_PLUGIN_DOWN ||
            plugin_type == OPENVPN_PLUGIN_ROUTE_PREDOWN)
            return false;
        if (cmd)
            (void)script::ScriptRunner(log_, o_.script_security.value_or(1)).run(type, *cmd, args, env);
        return false;
    }
    return !cmd || script::ScriptRunner(log_, o_.script_security.value_or(1)).run(type, *cmd, args, env).ok();
}

// device_env: the environment of the device scripts: the device, its MTU
// and --ifconfig, 2.6's init (or restart) context, and the signal once one
// ended the run.
script::Env Server::device_env(const std::string& ifname, std::uint32_t mtu, bool restart) const
{
    const bool tap = options::effective_dev_type(o_) == "tap"; // --ifconfig is address and netmask
    const auto topo = tap ? options::Topology::Subnet : o_.topology.value_or(options::Topology::Net30);
    script::Env env = base_env();
    env.set("dev", ifname);
    env.set("dev_type", ifname == "null" ? "null" : tap ? "tap" : "tun");
    env.set_int("tun_mtu", mtu);
    env.set("script_context", restart ? "restart" : "init");
    if (o_.ifconfig) {
        env.set("ifconfig_local", o_.ifconfig->first);
        env.set(topo == options::Topology::Subnet ? "ifconfig_netmask" : "ifconfig_remote",
                o_.ifconfig->second);
    }
    if (!signal_.empty())
        env.set("signal", signal_);
    return env;
}

// run_up: --up with 2.6's arguments and its init environment.
bool Server::run_up(std::uint32_t mtu)
{
    (void)mtu; // configure_device keeps it in tun_mtu_
    return run_device_script(OPENVPN_PLUGIN_UP, "up", o_.up, true);
}

// activate: an admitted client's peer in the data plane (with its keys),
// then learn-address and 2.6's MULTI lines.
Status<> Server::activate(Instance& in)
{
    if (auto s = add_data_peer(in); !s)
        return s;
    log_.logf(kV1, "%s Data Channel: cipher '%s'%s, peer-id: %d", in.prefix().c_str(), in.ncp->cipher.c_str(),
              in.ncp->use_ekm ? ", key derivation: tls-ekm" : "",
              in.ncp->data_v2 ? static_cast<int>(in.id) : -1);
    if (auto s = install_key(in, *in.cc->primary_key_id(), true); !s)
        return Err("installing the data channel key failed: " + s.error());
    if (in.cc->dynamic_tls_crypt())
        session::log_dynamic_tls_crypt(log_, in.prefix() + " ");
    in.since = std::time(nullptr);
    learn_address(in, "add");
    write_status();
    if (!tap_mode()) // 2.6 learns a tap client's addresses by MAC, from its frames
        log_learned(in);
    mgmt_established(in);
    return Ok{};
}

// tap_mode: --dev tap (or --dev-type tap): frames, routed by MAC.
bool Server::tap_mode() const
{
    return options::effective_dev_type(o_) == "tap";
}

// add_data_peer: the PeerSpec of a client, its iroutes and keepalive.
Status<> Server::add_data_peer(Instance& in)
{
    data::PeerSpec ps;
    ps.id = in.id;
    ps.link = in.tcp ? in.tcp.get() : udp_.get();
    ps.remote = in.addr;
    ps.local = in.local;
    if (in.ncp->data_v2)
        ps.tx_peer_id = in.id;
    ps.vpn_ipv4 = in.v4;
    ps.vpn_ipv6 = in.v6;
    ps.compression = session::compression_of(o_);
    if (o_.ce.fragment && !tcp_mode_)
        ps.fragment = static_cast<std::size_t>(*o_.ce.fragment);
    ps.vlan_pvid = in.vlan_pvid;
    if (auto s = dp_->add_peer(ps); !s)
        return Err("data plane: " + s.error());
    in.up = true;
    start_mtu_test(in, ps.compression, ps.fragment);
    if (!in.iroutes.empty()) {
        if (auto s = dp_->set_iroutes(in.id, in.iroutes); !s)
            return Err("data plane: " + s.error());
        for (const auto& r : in.iroutes)
            log_.logf(Verb::Notice, "%s MULTI: internal route %s -> %s", in.prefix().c_str(),
                      iroute_string(r).c_str(), in.prefix().c_str());
    }
    const int ping = o_.ping.value_or(0);
    const int timeout = ping_exits() ? *o_.ping_exit : o_.ping_restart.value_or(0);
    if (ping > 0 || timeout > 0)
        (void)dp_->set_keepalive(in.id, seconds(ping), seconds(timeout));
    return Ok{};
}

// log_learned: 2.6's lines for the client's virtual addresses.
void Server::log_learned(const Instance& in)
{
    const std::string who = in.prefix();
    if (in.v4) {
        const std::string a = v4_string(*in.v4);
        if (in.addr_slot)
            log_.logf(kV1, "%s MULTI_sva: pool returned IPv4=%s", who.c_str(), a.c_str());
        log_.logf(kV1, "%s MULTI: Learn: %s -> %s", who.c_str(), a.c_str(), who.c_str());
        log_.logf(kV1, "%s MULTI: primary virtual IP for %s: %s", who.c_str(), who.c_str(), a.c_str());
    }
    if (in.v6) {
        const std::string a = v6_string(*in.v6);
        log_.logf(kV1, "%s MULTI: Learn: %s -> %s", who.c_str(), a.c_str(), who.c_str());
        log_.logf(kV1, "%s MULTI: primary virtual IPv6 for %s: %s", who.c_str(), who.c_str(), a.c_str());
    }
}

Status<> Server::install_key(Instance& in, std::uint8_t key_id, bool first)
{
    const session::DataCipher dc{in.ncp->cipher, in.ncp->auth, in.ncp->use_ekm, in.ncp->dyn_tls_crypt};
    return in.keys.install(*dp_, in.id, *in.cc, dc, key_id, first);
}

std::size_t Server::on_data_packets(Instance& in, std::span<PacketBuf> pkts, TimePoint now)
{
    if (!in.up || !dp_)
        return 0;
    userspace_data_packets_ += pkts.size();
    return dp_->on_link_data(in.id, pkts, now);
}

bool Server::offloaded() const
{
    return dp_ && session::offloaded(*dp_);
}

const data::PeerStats& Server::peer_stats(Instance& in)
{
    if (in.up && dp_)
        if (auto st = dp_->stats(in.id))
            in.stats = *st;
    return in.stats;
}

void Server::refresh_stats()
{
    if (!dp_)
        return;
    auto all = dp_->stats_all();
    if (!all)
        return;
    for (const auto& [id, st] : *all)
        if (Instance* in = find_id(id); in != nullptr && in->up)
            in->stats = st;
}

// on_peer_event: what the data plane reports about a client (from the loop).
void Server::on_peer_event(const data::PeerEvent& ev)
{
    Instance* in = find_id(ev.id);
    if (in == nullptr)
        return;
    switch (ev.kind) {
    case data::PeerEventKind::Gone:
        on_peer_gone(*in, ev.reason);
        break;
    case data::PeerEventKind::RemoteExit:
        close_instance(*in, "SIGTERM[soft,remote-exit] received, client-instance exiting");
        break;
    case data::PeerEventKind::KeyExhausted:
        if (in->cc->renegotiate(loop_.now()))
            flush(*in);
        break;
    case data::PeerEventKind::MtuReply:
        on_mtu_reply(*in, ev.mtu);
        break;
    }
    touch(*in);
    reap();
    arm_dirty();
}

// ping_exits: --ping-exit is the clients' receive timeout (2.6's
// ping_rec_timeout_action PING_EXIT: the client's instance ends with
// SIGTERM, the server goes on); else --ping-restart.
bool Server::ping_exits() const
{
    return o_.ping_exit.value_or(0) > 0 && o_.ping_restart.value_or(0) <= 0;
}

// on_peer_gone: the data plane dropped a client by itself. Userspace: its
// keepalive expired (2.6's ping-restart of the instance). The kernel (DCO)
// says why, and 2.6 ends the instance with SIGTERM and that reason
// (multi.c process_incoming_del_peer); either way client-disconnect runs
// with the client's last counts.
void Server::on_peer_gone(Instance& in, data::DelReason reason)
{
    if (!offloaded()) {
        if (reason == data::DelReason::Expired && ping_exits()) {
            log_.logf(kV1, "%s [%s] Inactivity timeout (--ping-exit), exiting", in.prefix().c_str(),
                      in.cn.c_str());
            close_instance(in, "SIGTERM[soft,ping-exit] received, client-instance exiting");
        } else if (reason == data::DelReason::Expired) {
            log_.logf(kV1, "%s [%s] Inactivity timeout (--ping-restart), restarting", in.prefix().c_str(),
                      in.cn.c_str());
            close_instance(in, "SIGUSR1[soft,ping-restart] received, client-instance restarting");
        } else {
            close_instance(in, "SIGUSR1[soft,connection-reset] received, client-instance restarting");
        }
        return;
    }
    const char* why = "ovpn-dco: unknown reason";
    switch (reason) {
    case data::DelReason::Expired:
        why = "ovpn-dco: ping expired";
        break;
    case data::DelReason::TransportError:
        why = "ovpn-dco: transport error";
        break;
    case data::DelReason::TransportDisconnect:
        why = "ovpn-dco: transport disconnected";
        break;
    case data::DelReason::Userspace:
        return; // our own del_peer (2.6 ignores it as well)
    case data::DelReason::Teardown:
        break;
    }
    close_instance(in, strfmt("SIGTERM[soft,%s] received, client-instance exiting", why));
}

} // namespace ovpn::server
