// server/mgmt_host.cpp: the server's side of the management interface
// (session/management.hpp): its states, the >CLIENT: notifications with
// 2.6's environment (kept in 2.6's order, session::EnvList), the clients'
// wait for client-auth / client-deny under --management-client-auth (with
// 2.6's deadline and client-pending-auth), and the server commands (status,
// kill, client-kill, load-stats, >BYTECOUNT_CLI:).
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>

#include "openvpn/mgmt/engine.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/process/status.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/iroute.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/management.hpp"
#include "openvpn/wire/key_method2.hpp"

namespace ovpn::server {

namespace {
constexpr int kDelayedExit = 5; // 2.6's --scheduled-exit-interval default for client-kill

// ipv4_of: the IPv4 address of a peer (host order), also when the
// dual-stack socket reports it v4-mapped (2.6 compares mroute addresses,
// where both are the same IPv4 address); nullopt for native IPv6.
std::optional<std::uint32_t> ipv4_of(const io::SockAddr& a)
{
    const sockaddr* sa = a.sa();
    if (sa->sa_family == AF_INET)
        return ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
    if (sa->sa_family != AF_INET6)
        return std::nullopt;
    const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    if (!IN6_IS_ADDR_V4MAPPED(&v6))
        return std::nullopt;
    std::uint32_t v4 = 0;
    std::memcpy(&v4, v6.s6_addr + 12, 4);
    return ntohl(v4);
}
} // namespace

class Server::MgmtMode final : public session::ManagementMode {
public:
    explicit MgmtMode(Server& s) : s_(s) {}
    void mgmt_signal(io::Signal sig, std::string_view reason) override { s_.on_mgmt_signal(sig, reason); }
    void hold_released() override { s_.on_hold_released(); }
    std::string status(int version) override { return s_.mgmt_status(version); }
    mgmt::ByteCounts live_bytes() override { return s_.mgmt_live_bytes(); }
    int n_clients() override { return s_.mgmt_n_clients(); }
    int kill_by_cn(std::string_view cn) override
    {
        return s_.mgmt_kill([&](const Instance& in) { return in.cn == cn; });
    }
    int kill_by_addr(std::uint32_t ip, int port) override
    {
        return s_.mgmt_kill(
            [&](const Instance& in) { return in.addr.port() == port && ipv4_of(in.addr) == ip; });
    }
    bool kill_by_cid(std::uint64_t cid, std::optional<std::string_view> msg) override
    {
        return s_.mgmt_kill_cid(cid, msg);
    }
    bool client_auth(const mgmt::ClientDecision& d) override { return s_.mgmt_client_auth(d); }
    bool client_pending_auth(std::uint64_t cid, unsigned kid, std::string_view extra,
                             unsigned timeout) override
    {
        return s_.mgmt_pending_auth(cid, kid, extra, timeout);
    }
    std::optional<std::string> peer_info(std::uint64_t cid) override
    {
        if (Instance* in = s_.mgmt_find_cid(cid))
            return in->peer_info;
        return std::nullopt;
    }

private:
    Server& s_;
};

void Server::set_management(session::Management* m)
{
    if (mgmt_ != nullptr && m == nullptr)
        mgmt_->release();
    mgmt_ = m;
    if (m == nullptr)
        return;
    mgmt_mode_ = std::make_shared<MgmtMode>(*this);
    m->set_mode(mgmt_mode_.get());
}

bool Server::mgmt_client_auth_on() const
{
    return mgmt_ != nullptr && mgmt_->options().client_auth;
}

// ---- the server's own states and environment ------------------------------------

namespace {

std::string proto_env(const options::ConnectionEntry& ce)
{
    return ce.proto;
}

void set_if(session::EnvList& e, std::string_view name, const std::optional<std::string>& v)
{
    if (v)
        e.set(name, *v);
}

} // namespace

// mgmt_started: 2.6's ASSIGN_IP (do_ifconfig) and CONNECTED
// (initialization_sequence_completed) of the server, its environment as
// 2.6's top-level env_set holds it then, and the server callbacks.
void Server::mgmt_started()
{
    if (mgmt_ == nullptr)
        return;
    in_addr tun4{};
    if (o_.ifconfig && dp_->device().name != "null")
        (void)::inet_pton(AF_INET, o_.ifconfig->first.c_str(), &tun4);
    in6_addr tun6{};
    if (o_.ifconfig_ipv6 && dp_->device().name != "null") {
        const std::string& a = o_.ifconfig_ipv6->first;
        (void)::inet_pton(AF_INET6, a.substr(0, a.find('/')).c_str(), &tun6);
    }
    // a kept device (--persist-tun) is not configured again: no ASSIGN_IP (2.6)
    if (!device_kept_ && !o_.ifconfig_noexec && dp_->device().name != "null" &&
        (o_.ifconfig || o_.ifconfig_ipv6)) {
        mgmt::StateChange c(mgmt::State::AssignIp);
        c.tun_ip4 = &tun4;
        c.tun_ip6 = &tun6;
        mgmt_->state(c);
    }
    mgmt::StateChange c(mgmt::State::Connected, "SUCCESS");
    c.tun_ip4 = &tun4;
    c.tun_ip6 = &tun6;
    mgmt_->state(c);
    mgmt_top_env();
    mgmt_->engine().attach(mgmt::Mode::Server);
}

void Server::mgmt_top_env()
{
    mgmt_env_ = top_env();
}

// top_env: what 2.6's top context's env_set holds once the server runs
// (each client instance starts with a copy): its start-up settings
// (setenv_settings, copied from main's list), the device's ifconfig
// variables and --up's variables.
session::EnvList Server::top_env() const
{
    session::EnvList main;
    set_if(main, "config", o_.config);
    main.set("verb", std::to_string(o_.verb));
    main.set("daemon", o_.daemon ? "1" : "0");
    main.set("daemon_log_redirect", (o_.log || o_.log_append) ? "1" : "0");
    main.set("daemon_start_time", std::to_string(static_cast<long long>(start_time_)));
    main.set("daemon_pid", std::to_string(static_cast<long>(::getpid())));
    main.set("proto_1", proto_env(o_.ce));
    set_if(main, "local_1", o_.ce.local);
    main.set("local_port_1", o_.ce.lport.value_or(o_.ce.port));
    main.set("remote_port_1", o_.ce.rport.value_or(o_.ce.port));
    session::EnvList env;
    env.inherit(main);
    if (!dp_)
        return env;
    const std::string dev = dp_->device().name;
    if (dev == "null")
        return env;
    const bool subnet = o_.topology == options::Topology::Subnet;
    if (o_.ifconfig && !o_.ifconfig_noexec) {
        env.set("ifconfig_local", o_.ifconfig->first);
        env.set(subnet ? "ifconfig_netmask" : "ifconfig_remote", o_.ifconfig->second);
    }
    if (o_.ifconfig_ipv6 && !o_.ifconfig_noexec) {
        const std::string& a = o_.ifconfig_ipv6->first;
        const auto slash = a.find('/');
        env.set("ifconfig_ipv6_local", a.substr(0, slash));
        env.set("ifconfig_ipv6_netbits", slash == std::string::npos ? "128" : a.substr(slash + 1));
        env.set("ifconfig_ipv6_remote", o_.ifconfig_ipv6->second);
    }
    env.set("script_context", "init");
    env.set("tun_mtu", std::to_string(o_.ce.tun_mtu.value_or(1500)));
    env.set("dev", dev);
    env.set("dev_type", o_.dev_type.value_or("tun"));
    if (!o_.route_noexec)
        env.set("redirect_gateway", "0");
    return env;
}

// mgmt_exiting: the server's end as 2.6's signal_restart_status reports it.
void Server::mgmt_exiting(int code)
{
    if (mgmt_ == nullptr)
        return;
    const char* sig = code == kRunAgain ? "SIGUSR1" : code == kReloadConfig ? "SIGHUP" : "SIGTERM";
    const std::string text = mgmt_signal_text_.empty() ? std::string(sig) : mgmt_signal_text_;
    mgmt_->engine().detach();
    if (code == kExitError && mgmt_signal_text_.empty())
        return; // a fatal error, not a signal
    mgmt_->state(mgmt::StateChange(
        code == kExitOk || code == kExitError ? mgmt::State::Exiting : mgmt::State::Reconnecting, text));
}

void Server::on_mgmt_signal(io::Signal s, std::string_view reason)
{
    mgmt_signal_text_ = std::string(reason);
    on_signal(s);
}

// ---- the clients --------------------------------------------------------------------

void Server::mgmt_new_instance(Instance& in)
{
    in.created = std::time(nullptr);
    if (mgmt_ == nullptr)
        return;
    in.mctx.cid = mgmt_next_cid_++;
    in.env.inherit(mgmt_env_);
}

Server::Instance* Server::mgmt_find_cid(std::uint64_t cid)
{
    for (auto& [id, in] : instances_)
        if (!in->dead && in->mctx.cid == cid)
            return in.get();
    return nullptr;
}

// mgmt_cert_env: the TLS verification's variables in 2.6's order (per
// depth from the CA down: the subject fields, tls_id, the digests, the
// serial numbers).
void Server::mgmt_cert_env(Instance& in, std::uint8_t key_id)
{
    const control::TlsSession* tls = in.cc->tls_session(key_id);
    if (tls == nullptr)
        return;
    for (const control::CertFacts& c : tls->peer_chain()) {
        const std::string d = std::to_string(c.depth);
        std::map<std::string, int> seen;
        for (const auto& [field, value] : c.fields) {
            std::string name = "X509_" + d + "_" + field;
            if (int n = seen[field]++; n > 0)
                name += "_" + std::to_string(n);
            in.env.set(name, value);
        }
        in.env.set("tls_id_" + d, c.subject);
        in.env.set("tls_digest_" + d, c.sha1);
        in.env.set("tls_digest_sha256_" + d, c.sha256);
        in.env.set("tls_serial_" + d, c.serial_dec);
        in.env.set("tls_serial_hex_" + d, c.serial_hex);
    }
}

// mgmt_key_env: what 2.6's TLS verification and key-method-2 read leave in
// the client's env_set for each key, with or without
// --management-client-auth: the certificate variables, untrusted_ip/port
// (verify_cert sets them after each depth), then the peer's IV_/UV_
// variables in the order the peer sent them.
void Server::mgmt_key_env(Instance& in, std::uint8_t key_id, const wire::KeyMethod2* km)
{
    if (mgmt_ == nullptr)
        return;
    mgmt_cert_env(in, key_id);
    in.env.set("untrusted_ip", in.addr.ip_string());
    in.env.set("untrusted_port", std::to_string(in.addr.port()));
    if (km == nullptr || km->peer_info.empty())
        return;
    std::size_t pos = 0;
    while (pos < km->peer_info.size()) {
        std::size_t nl = km->peer_info.find('\n', pos);
        if (nl == std::string::npos)
            nl = km->peer_info.size();
        const std::string line = km->peer_info.substr(pos, nl - pos);
        pos = nl + 1;
        const auto eq = line.find('=');
        if ((line.rfind("IV_", 0) == 0 || line.rfind("UV_", 0) == 0) && eq != std::string::npos)
            in.env.set(line.substr(0, eq), line.substr(eq + 1));
    }
}

// mgmt_defer_auth: --management-client-auth, in 2.6's verify_user_pass
// order: a --auth-gen-token token first (a bad one is refused and a good
// one, without external-auth, admits the key, both without asking
// anyone), then the management client is told about the key
// (>CLIENT:CONNECT, or REAUTH for a renegotiation of an established
// client) with the environment 2.6 has built by then, then the plugins and
// the --auth-user-pass-verify script; the key waits for the decision.
// false without --management-client-auth.
bool Server::mgmt_defer_auth(Instance& in, std::uint8_t key_id, const wire::KeyMethod2* km, bool renegotiated)
{
    if (!mgmt_client_auth_on())
        return false;
    // 2.6 numbers a client's keys as its key_state_init runs: 1 for the
    // first, 2 went to the untrusted session's key, so renegotiations are
    // 3, 4, ... (>CLIENT:REAUTH,cid,3 first)
    in.mgmt_kid = in.mgmt_kid == 0 ? 1 : std::max(in.mgmt_kid + 1, 3u);
    if (km != nullptr && !km->peer_info.empty())
        in.peer_info = km->peer_info;
    const bool given = km != nullptr && !km->username.empty() && km->password.size() != 0;
    if (!given && !o_.auth_user_pass_optional) {
        log_.logf(kV1, "%s TLS Error: Auth Username/Password was not provided by peer", in.addr_str.c_str());
        fail_auth(in, "");
        return true;
    }
    auto c = given ? peer_creds(in, km->username, km->password) : peer_creds(in, {}, {});
    if (!c) {
        fail_auth(in, "");
        return true;
    }
    // set_verify_user_pass_env: these stay in the client's env
    in.env.set("username", c->user);
    in.env.set("common_name", in.cn);
    in.env.set("untrusted_ip", in.addr.ip_string());
    in.env.set("untrusted_port", std::to_string(in.addr.port()));
    script::Env token_vars;
    token_env(in, token_vars, c->user, c->pass); // 2.6's add_session_token_env
    if (in.token_env) {
        in.env.set("session_state", in.token_env->second);
        in.env.set("session_id", in.token_env->first);
    }
    const bool ask = c->gate != TokenGate::Accepted;
    if (ask) {
        in.env.set("password",
                   std::string_view(reinterpret_cast<const char*>(c->pass.data()), c->pass.size()));
        mgmt_->engine().client_connect(in.mctx, in.mgmt_kid, in.env.strings());
        in.env.unset("password");
    }
    if (!verify_creds(in, *c, ask)) {
        fail_auth(in, "");
        return true;
    }
    in.username = c->user;
    if (ask)
        in.auth->mgmt = true; // one pending state with a deferring plugin or script (auth_deferred.cpp)
    key_verified(in, km, key_id, renegotiated);
    return true;
}

bool Server::mgmt_client_auth(const mgmt::ClientDecision& d)
{
    Instance* in = mgmt_find_cid(d.cid);
    if (in == nullptr || d.kid != in->mgmt_kid)
        return false;
    if (!in->auth || !in->auth->mgmt)
        return true; // 2.6 marks the key; it was decided already
    // 2.6 only marks the key here; the client goes on once the command has
    // been answered.
    loop_.add_timer(loop_.now(), [this, d] { mgmt_apply_decision(d); });
    return true;
}

// mgmt_apply_decision: client-auth / client-deny for the pending key; an
// acceptance admits once the deferring plugin or script accepted too.
void Server::mgmt_apply_decision(const mgmt::ClientDecision& d)
{
    Instance* in = mgmt_find_cid(d.cid);
    if (in == nullptr || d.kid != in->mgmt_kid || !in->auth || !in->auth->mgmt)
        return;
    if (!d.allow) {
        if (d.reason)
            log_.logf(Verb::Info, "MULTI: connection rejected: %s, CLI:%s", d.reason->c_str(),
                      d.client_reason ? d.client_reason->c_str() : "[NULL]");
        in->auth.reset();
        fail_auth(*in, d.client_reason.value_or(""));
    } else {
        in->auth->mgmt = false;
        if (!in->auth->reneg) {
            in->mgmt_config = d.config;
            in->pool_env_again = true; // multi_client_connect_mda
        }
        auth_settle(*in, loop_.now());
    }
    flush(*in);
    reap();
    arm_tick();
}

bool Server::mgmt_pending_auth(std::uint64_t cid, unsigned kid, std::string_view extra, unsigned timeout)
{
    Instance* in = mgmt_find_cid(cid);
    if (in == nullptr || kid != in->mgmt_kid || !in->auth || !in->auth->mgmt)
        return false;
    const bool ok = send_auth_pending(*in, extra, timeout);
    arm_tick();
    return ok;
}

// mgmt_established: 2.6's management_learn_addr for each address and
// iroute, then >CLIENT:ESTABLISHED with the client-connect environment.
void Server::mgmt_established(Instance& in)
{
    if (mgmt_ == nullptr)
        return;
    in.env.set("common_name", in.cn);
    in.env.set("trusted_ip", in.addr.ip_string());
    in.env.set("trusted_port", std::to_string(in.addr.port()));
    mgmt_pool_env(in);
    in.env.set("time_ascii", process::format_time(in.created));
    in.env.set("time_unix", std::to_string(static_cast<long long>(in.created)));
    // 2.6 selects the address again, and sets its variables again, after a
    // --client-connect script, a connect plugin's config or client-auth's
    // config block (multi_client_connect_post, _post_plugin, _mda); not
    // for a client admitted by its auth-token, which no one was asked about
    if (in.pool_env_again)
        mgmt_pool_env(in);
    ++mgmt_n_established_;
    in.mctx.flags |= mgmt::ClientContext::kEstablished;
    if (in.v4)
        mgmt_->engine().client_address(in.mctx, v4_string(*in.v4), true);
    if (in.v6)
        mgmt_->engine().client_address(in.mctx, v6_string(*in.v6), true);
    for (const auto& r : in.iroutes)
        mgmt_->engine().client_address(in.mctx, iroute_string(r), false);
    // 2.6 (management_connection_established) sends it with or without
    // --management-client-auth
    mgmt_->engine().client_established(in.mctx, in.env.strings());
}

void Server::mgmt_pool_env(Instance& in)
{
    in.env.unset("ifconfig_pool_local_ip");
    in.env.unset("ifconfig_pool_remote_ip");
    in.env.unset("ifconfig_pool_netmask");
    if (in.v4) {
        in.env.set("ifconfig_pool_remote_ip", v4_string(*in.v4));
        if (o_.topology == options::Topology::Subnet && o_.ifconfig)
            in.env.set("ifconfig_pool_netmask", o_.ifconfig->second);
        else if (in.push_ifconfig) {
            const auto sp = in.push_ifconfig->rfind(' ');
            in.env.set("ifconfig_pool_local_ip", in.push_ifconfig->substr(sp + 1));
        }
    }
    in.env.unset("ifconfig_pool_local_ip6");
    in.env.unset("ifconfig_pool_remote_ip6");
    in.env.unset("ifconfig_pool_ip6_netbits");
    if (in.v6)
        in.env.set("ifconfig_pool_remote_ip6", v6_string(*in.v6));
}

// mgmt_closed: >CLIENT:DISCONNECT with the client-disconnect environment,
// or none for a client that never got connected.
void Server::mgmt_closed(Instance& in, std::uint64_t rx, std::uint64_t tx)
{
    if (mgmt_ == nullptr)
        return;
    mgmt_closed_in_ += rx;
    mgmt_closed_out_ += tx;
    const bool established = (in.mctx.flags & mgmt::ClientContext::kEstablished) != 0;
    if (established && mgmt_n_established_ > 0)
        --mgmt_n_established_;
    if (!mgmt_client_auth_on() || (in.mgmt_kid == 0 && !established))
        return;
    if (!established) {
        mgmt_->engine().client_disconnect(in.mctx, {});
        return;
    }
    in.env.set("trusted_ip", in.addr.ip_string());
    in.env.set("trusted_port", std::to_string(in.addr.port()));
    in.env.set("bytes_received", std::to_string(rx));
    in.env.set("bytes_sent", std::to_string(tx));
    in.env.set("time_duration", std::to_string(static_cast<long long>(std::time(nullptr) - in.created)));
    mgmt_->engine().client_disconnect(in.mctx, in.env.strings());
}

// mgmt_tick: the >BYTECOUNT_CLI: line (a waiting key's deadline is
// auth_deferred.cpp's).
void Server::mgmt_tick(Instance& in, TimePoint now)
{
    if (mgmt_ == nullptr)
        return;
    if (in.up) {
        const auto b = mgmt_instance_bytes(in);
        mgmt_->engine().client_bytecount(in.mctx, b.in, b.out, std::time(nullptr));
    }
}

mgmt::ByteCounts Server::mgmt_instance_bytes(const Instance& in)
{
    mgmt::ByteCounts b{in.ctl_rx_bytes, in.ctl_tx_bytes};
    if (in.up && dp_)
        if (auto st = dp_->stats(in.id)) {
            b.in += st->link_rx_bytes;
            b.out += st->link_tx_bytes;
        }
    return b;
}

mgmt::ByteCounts Server::mgmt_live_bytes()
{
    mgmt::ByteCounts b{mgmt_closed_in_, mgmt_closed_out_};
    for (const auto& [id, in] : instances_) {
        if (in->dead)
            continue;
        const auto c = mgmt_instance_bytes(*in);
        b.in += c.in;
        b.out += c.out;
    }
    return b;
}

int Server::mgmt_n_clients() const
{
    return mgmt_n_established_;
}

int Server::mgmt_kill(const std::function<bool(const Instance&)>& match)
{
    std::vector<Instance*> victims;
    for (auto& [id, in] : instances_)
        if (!in->dead && match(*in))
            victims.push_back(in.get());
    for (Instance* in : victims)
        close_instance(*in, "SIGTERM[soft,] received, client-instance exiting");
    reap();
    arm_tick();
    return static_cast<int>(victims.size());
}

// mgmt_kill_cid: 2.6's send_restart: RESTART (or the given message) now,
// the instance goes after its delayed exit.
bool Server::mgmt_kill_cid(std::uint64_t cid, std::optional<std::string_view> msg)
{
    Instance* in = mgmt_find_cid(cid);
    if (in == nullptr)
        return false;
    const std::string text = msg ? std::string(*msg) : std::string("RESTART");
    log_.logf(kV1, "Delayed exit in %d seconds", kDelayedExit);
    (void)in->cc->send_message(text);
    log_.logf(Verb::Info, "SENT CONTROL [%s]: '%s' (status=1)", in->cn.c_str(), text.c_str());
    in->mgmt_exit_at = loop_.now() + seconds(kDelayedExit);
    flush(*in);
    arm_tick();
    return true;
}

// mgmt_status: `status N`; 0 is --status-version (2.6's
// management_callback_status).
std::string Server::mgmt_status(int version)
{
    return status_text(version != 0 ? version : process::status_version(o_));
}

} // namespace ovpn::server
