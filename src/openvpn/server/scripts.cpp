// server/scripts.cpp: the scripts of a server with 2.6's arguments and
// environment: --auth-user-pass-verify, --tls-verify, --client-disconnect,
// --learn-address, and the environment every client script sees.
#include "openvpn/control/cert_env.hpp"

#include <unistd.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "openvpn/core/string_class.hpp"
#include "openvpn/script/script_runner.hpp"
#include "openvpn/script/temp_file.hpp"
#include "openvpn/server/client_config.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/iroute.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/tls_verify.hpp"

namespace ovpn::server {

// write_credentials: the via-file file of --auth-user-pass-verify
// (username and password lines) in --tmp-dir; nothing after logging.
std::optional<script::TempFile> Server::write_credentials(const Instance& in, const std::string& user,
                                                          const SecureBytes& pass)
{
    auto f = script::TempFile::create(o_.tmp_dir.value_or(script::default_tmp_dir()), "up");
    if (!f) {
        log_.logf(kV1, "%s TLS Auth Error: %s", in.prefix().c_str(), f.error().c_str());
        return std::nullopt;
    }
    const std::uint8_t nl = '\n';
    for (Bytes part : {as_bytes(user), Bytes(&nl, 1), pass.span(), Bytes(&nl, 1)}) {
        if (auto w = f->write(part); !w) {
            log_.logf(kV1, "%s TLS Auth Error: %s", in.prefix().c_str(), w.error().c_str());
            return std::nullopt;
        }
    }
    return std::move(*f);
}

// peer_creds: the first part of 2.6's verify_user_pass: the credentials
// remapped (string_mod_remap_name: a control character, e.g. a newline that
// would forge a log line or a via-file line, becomes '_'), then an
// --auth-gen-token token checked before anything else. nullopt: refused
// (logged), and no script, plugin or management client is asked.
std::optional<Server::PeerCreds> Server::peer_creds(Instance& in, const std::string& peer_user,
                                                    const SecureBytes& peer_pass)
{
    const bool given = !peer_user.empty() && peer_pass.size() != 0;
    if (!given && !o_.auth_user_pass_optional) { // 2.6: refused before any script or plugin
        log_.logf(kV1, "%s TLS Error: Auth Username/Password was not provided by peer", in.prefix().c_str());
        return std::nullopt;
    }
    // --auth-user-pass-optional: a client without credentials is checked
    // with empty ones (2.6 clears both), so the script or plugin decides.
    PeerCreds c{given ? remap_name(peer_user) : std::string(), given ? peer_pass : SecureBytes(),
                TokenGate::NoToken};
    for (std::uint8_t& b : c.pass.span())
        if (!is_cc_print(static_cast<char>(b)))
            b = '_';
    c.gate = token_gate(in, c.user, c.pass); // --auth-gen-token (auth_token.cpp)
    if (c.gate == TokenGate::Refused)
        return std::nullopt;
    return c;
}

// verify_user_pass: --auth-user-pass-verify (and the plugins) for the
// peer's credentials.
bool Server::verify_user_pass(Instance& in, const std::string& peer_user, const SecureBytes& peer_pass)
{
    auto c = peer_creds(in, peer_user, peer_pass);
    return c && verify_creds(in, *c);
}

// verify_creds: the plugins and the script for checked credentials, none
// of them for a good token (2.6's skip_auth). mgmt: the management client
// was asked too (--management-client-auth), so the key waits for it.
bool Server::verify_creds(Instance& in, const PeerCreds& c, bool mgmt)
{
    const options::Directive* d = o_.last("auth-user-pass-verify");
    const std::string& user = c.user;
    const SecureBytes& pass = c.pass;
    const bool skip = c.gate == TokenGate::Accepted;
    script::Env env = base_env();
    add_cert_vars(env, in);
    env.set("username", user);
    env.set("common_name", in.cn);
    set_peer_env(env, "untrusted", in.addr);
    token_env(in, env, user, pass);
    // 2.6: the plugins first, then the script; both must accept (or
    // defer: auth_deferred.cpp waits for their answer)
    auth_begin(in);
    const int plugin_st = skip ? OPENVPN_PLUGIN_FUNC_SUCCESS : verify_user_pass_plugins(in, env, pass);
    const int script_st = skip || d == nullptr || d->args.empty()
                              ? OPENVPN_PLUGIN_FUNC_SUCCESS
                              : run_user_pass_script(in, *d, user, pass, env);
    const auto fine = [](int st) {
        return st == OPENVPN_PLUGIN_FUNC_SUCCESS || st == OPENVPN_PLUGIN_FUNC_DEFERRED;
    };
    const bool cn_ok = username_fits_cn(in, user);
    if (!fine(plugin_st) || !fine(script_st) || !cn_ok) {
        in.auth.reset();
        log_.logf(kV1, "%s TLS Auth Error: Auth Username/Password verification failed for peer",
                  in.prefix().c_str());
        return false;
    }
    if (o_.username_as_common_name)
        in.cn = user;
    token_accepted(in, user); // 2.6 makes the token for a deferred check too
    const bool deferred =
        mgmt || plugin_st == OPENVPN_PLUGIN_FUNC_DEFERRED || script_st == OPENVPN_PLUGIN_FUNC_DEFERRED;
    log_.logf(kV1, "%s TLS: Username/Password authentication %s for username '%s' %s", in.prefix().c_str(),
              deferred ? "deferred" : "succeeded", user.c_str(),
              o_.username_as_common_name ? "[CN SET]" : "");
    return true;
}

// username_fits_cn: --username-as-common-name refuses a user name longer
// than a common name may be (2.6's TLS_USERNAME_LEN, 64).
bool Server::username_fits_cn(const Instance& in, const std::string& user)
{
    constexpr std::size_t kMaxCn = 64;
    if (!o_.username_as_common_name || user.size() <= kMaxCn)
        return true;
    log_.logf(
        kV1,
        "%s TLS Auth Error: --username-as-common name specified and username is longer than the maximum "
        "permitted Common Name length of %zu characters",
        in.prefix().c_str(), kMaxCn);
    return false;
}

// run_user_pass_script: --auth-user-pass-verify (via-env or via-file),
// with the deferred-auth files: exit 0 accepts, 2 defers (the script, or
// what it started, answers in auth_control_file), anything else refuses.
int Server::run_user_pass_script(Instance& in, const options::Directive& d, const std::string& user,
                                 const SecureBytes& pass, script::Env env)
{
    const std::string& cmd = d.args[0];
    const bool via_env = d.args.size() > 1 && d.args[1] == "via-env";
    script::ScriptRunner runner(log_, o_.script_security.value_or(1));
    std::vector<std::string> args;
    std::optional<script::TempFile> file; // via-file: removed when done
    if (via_env) {
        env.set("password", std::string(reinterpret_cast<const char*>(pass.data()), pass.size()));
    } else {
        file = write_credentials(in, user, pass);
        if (!file)
            return OPENVPN_PLUGIN_FUNC_ERROR;
        args.push_back(file->path());
    }
    if (!make_auth_control(in, in.auth->script, env))
        return OPENVPN_PLUGIN_FUNC_ERROR;
    runner.set_exit_code_answers(true); // 2.6's S_EXITCODE: no warning for 1 or 2
    const auto res = runner.run("user-pass-verify", cmd, args, env);
    file.reset();
    const int st = !res.ran               ? OPENVPN_PLUGIN_FUNC_ERROR
                   : res.exit_status == 0 ? OPENVPN_PLUGIN_FUNC_SUCCESS
                   : res.exit_status == 2 ? OPENVPN_PLUGIN_FUNC_DEFERRED
                                          : OPENVPN_PLUGIN_FUNC_ERROR;
    return auth_control_result(in, in.auth->script, st);
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
// chain (depth subject as arguments), the client still untrusted. 2.6's
// instance env starts as a copy of the top one (the device's variables).
bool Server::run_tls_verify(const control::CertFacts& cert, const std::vector<control::CertFacts>& chain)
{
    script::Env env = base_env();
    const session::EnvList top = top_env();
    for (const auto& item : top.strings()) {
        const auto eq = item.find('=');
        env.set(item.substr(0, eq), eq == std::string::npos ? std::string() : item.substr(eq + 1));
    }
    std::string who;
    if (verifying_ != nullptr) {
        set_peer_env(env, "untrusted", verifying_->addr);
        who = verifying_->addr_str + " ";
    }
    return session::run_tls_verify(o_, cert, chain, std::move(env), who, log_, plugins_,
                                   verifying_ != nullptr ? plugin_client(*verifying_) : nullptr);
}

// base_env: what every script of the process gets (2.6's env set):
// --setenv, config, daemon*, verb, time.
script::Env Server::base_env() const
{
    script::ProcessFacts f;
    f.config = o_.config.value_or("");
    f.daemon = o_.daemon;
    f.log_redirect = o_.log.has_value() || o_.log_append.has_value();
    f.daemon_pid = static_cast<long long>(::getpid());
    f.start_time = start_time_;
    f.verb = o_.verb;
    f.setenv = o_.setenv;
    f.now_unix = static_cast<long long>(std::time(nullptr));
    f.now_ascii = script::format_time_ascii(f.now_unix);
    script::Env env;
    script::add_process_env(env, f);
    return env;
}

script::Env Server::client_env(const Instance& in) const
{
    script::Env env = base_env();
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
    add_token_env(in, env);
    return env;
}

void Server::client_disconnect(Instance& in)
{
    if (in.since == 0)
        return;
    if (!o_.client_disconnect && !plugin::wants(plugins_, OPENVPN_PLUGIN_CLIENT_DISCONNECT)) {
        learn_address(in, "delete");
        return;
    }
    script::Env env = client_env(in);
    const data::PeerStats& st = peer_stats(in);
    env.set_int("bytes_received", static_cast<long long>(st.link_rx_bytes + in.ctl_rx_bytes));
    env.set_int("bytes_sent", static_cast<long long>(st.link_tx_bytes + in.ctl_tx_bytes));
    env.set_int("time_duration", static_cast<long long>(std::time(nullptr) - in.since));
    if (plugin::wants(plugins_, OPENVPN_PLUGIN_CLIENT_DISCONNECT) &&
        !plugins_->call({OPENVPN_PLUGIN_CLIENT_DISCONNECT, {}}, env, plugin_client(in)).ok())
        log_.write(kV1, plugin::failure_message(OPENVPN_PLUGIN_CLIENT_DISCONNECT));
    if (o_.client_disconnect) {
        script::ScriptRunner runner(log_, o_.script_security.value_or(1));
        (void)runner.run("client-disconnect", *o_.client_disconnect, {}, env);
    }
    learn_address(in, "delete"); // after client-disconnect, as 2.6
}

void Server::learn_address(Instance& in, const char* op)
{
    // an address --stale-routes-check dropped is no longer in the table;
    // a tap server has MACs, not addresses, in its table (2.6)
    const bool ip = !tap_mode();
    std::vector<std::string> addrs = {ip && in.v4 && !in.v4_stale ? v4_string(*in.v4) : std::string(),
                                      ip && in.v6 && !in.v6_stale ? v6_string(*in.v6) : std::string()};
    for (const auto& r : in.iroutes)
        addrs.push_back(iroute_string(r));
    if (std::strcmp(op, "delete") == 0)
        addrs.insert(addrs.end(), in.macs.begin(), in.macs.end());
    for (const std::string& a : addrs)
        if (!a.empty())
            (void)learn_one(in, op, a);
}

// learn_one: --learn-address (plugins first) for one address; false when
// the plugin or the script failed (2.6's learn_address_script).
bool Server::learn_one(Instance& in, const char* op, const std::string& addr)
{
    if (!o_.learn_address && !plugin::wants(plugins_, OPENVPN_PLUGIN_LEARN_ADDRESS))
        return true;
    const bool named = std::strcmp(op, "delete") != 0; // add, update: the client is known
    std::vector<std::string> args = {op, addr};
    if (named)
        args.push_back(in.cn);
    // 2.6 gives "delete" an (almost) empty environment
    const script::Env env = named ? client_env(in) : base_env();
    bool ok = true;
    if (plugin::wants(plugins_, OPENVPN_PLUGIN_LEARN_ADDRESS) &&
        !plugins_->call({OPENVPN_PLUGIN_LEARN_ADDRESS, args}, env, plugin_client(in)).ok()) {
        log_.write(kV1, plugin::failure_message(OPENVPN_PLUGIN_LEARN_ADDRESS));
        ok = false;
    }
    if (ok && o_.learn_address) {
        script::ScriptRunner runner(log_, o_.script_security.value_or(1));
        const auto res = runner.run("learn-address", *o_.learn_address, args, env);
        ok = res.ran && res.exit_status == 0;
    }
    return ok;
}

// mac_learned: --dev tap: a client's frame came from a MAC the data plane
// did not have for it (2.6's multi_learn_addr): --learn-address "add", or
// "update" when another client had it, then 2.6's Learn line.
bool Server::mac_learned(data::PeerId id, const std::array<std::uint8_t, 6>& mac, std::uint16_t vid,
                         bool moved)
{
    auto it = instances_.find(id);
    if (it == instances_.end() || it->second->dead)
        return false;
    Instance& in = *it->second;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x@%u", mac[0], mac[1], mac[2], mac[3], mac[4],
                  mac[5], static_cast<unsigned>(vid));
    const std::string addr(buf);
    const bool ok = learn_one(in, moved ? "update" : "add", addr);
    if (ok) {
        if (moved) // only a move takes it from another client's list
            for (auto& [other_id, other] : instances_)
                other->macs.erase(addr);
        in.macs.insert(addr);
    }
    log_.logf(kV1, "%s MULTI: Learn%s: %s -> %s", in.prefix().c_str(), ok ? "" : " FAILED", addr.c_str(),
              in.prefix().c_str());
    return ok;
}

// run_client_connect: --client-connect with a file for its output, merged
// into cfg. false: the script failed or wrote a bad file.
bool Server::run_client_connect(Instance& in, ClientConfig& cfg, ClientTexts& texts)
{
    if (!run_client_connect_plugins(in, cfg, texts))
        return false;
    if (!o_.client_connect)
        return true;
    auto file = script::TempFile::create(o_.tmp_dir.value_or(script::default_tmp_dir()), "cc");
    if (!file) {
        log_.logf(kV1, "%s MULTI: %s", in.prefix().c_str(), file.error().c_str());
        return false;
    }
    script::ScriptRunner runner(log_, o_.script_security.value_or(1));
    auto res = runner.run("client-connect", *o_.client_connect, {file->path()}, client_env(in));
    in.pool_env_again = true;
    auto text = file->read_back();
    if (!res.ok()) {
        log_.logf(kV1, "%s MULTI: client-connect script failed, refusing the client", in.prefix().c_str());
        return false;
    }
    if (!text) {
        log_.logf(kV1, "%s MULTI: %s", in.prefix().c_str(), text.error().c_str());
        return false;
    }
    auto c = parse_client_config(*text, "client-connect output");
    if (!c) {
        log_.logf(kV1, "%s %s", in.prefix().c_str(), c.error().c_str());
        return false;
    }
    merge(cfg, *c);
    texts.emplace_back("client-connect output", std::move(*text));
    return true;
}

} // namespace ovpn::server
