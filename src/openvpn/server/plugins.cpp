// server/plugins.cpp: --plugin at a client's hooks, in 2.6's places: the
// credentials (AUTH_USER_PASS_VERIFY, before the script), the client config
// (CLIENT_CONNECT with a file, then CLIENT_CONNECT_V2 with its return_list,
// after the ccd file and before --client-connect). Disconnect, learn-address
// and the device hooks call the plugins from scripts.cpp / tunnel.cpp;
// CLIENT_CRRESPONSE is called from auth_deferred.cpp.
#include "openvpn/script/temp_file.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/keying_exporter.hpp"

namespace ovpn::server {

// checks_user_pass: the server verifies credentials (script or plugin).
bool Server::checks_user_pass() const
{
    return o_.auth_user_pass_verify.has_value() ||
           plugin::wants(plugins_, OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY);
}

// plugin_client: the instance's per-client plugin contexts, made on first use.
const plugin::ClientContexts* Server::plugin_client(Instance& in)
{
    if (plugins_ == nullptr)
        return nullptr;
    if (!in.plugin_ctx_made) {
        in.plugin_ctx = plugins_->new_client();
        in.plugin_ctx_made = true;
    }
    return &in.plugin_ctx;
}

// verify_user_pass_plugins: AUTH_USER_PASS_VERIFY with the password in the
// environment (2.6 sets it for the plugins only) and the deferred-auth
// files (auth_deferred.cpp): a plugin returning 2 answers later in its
// auth_control_file. Returns the combined status (0, 1 or 2).
int Server::verify_user_pass_plugins(Instance& in, script::Env env, const SecureBytes& pass)
{
    if (!plugin::wants(plugins_, OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY))
        return OPENVPN_PLUGIN_FUNC_SUCCESS;
    env.set("password", std::string(reinterpret_cast<const char*>(pass.data()), pass.size()));
    if (!make_auth_control(in, in.auth->plugin, env))
        return OPENVPN_PLUGIN_FUNC_ERROR;
    const auto r = plugins_->call({OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY, {}}, env, plugin_client(in));
    return auth_control_result(in, in.auth->plugin, r.status);
}

// tls_final: TLS_FINAL, the plugins' last veto once the credentials were
// checked (2.6's key_method_2_read), with --keying-material-exporter's
// exported_keying_material from the key's TLS session.
bool Server::tls_final(Instance& in, std::uint8_t key_id)
{
    if (!plugin::wants(plugins_, OPENVPN_PLUGIN_TLS_FINAL))
        return true;
    script::Env env = base_env();
    add_cert_vars(env, in);
    env.set("common_name", in.cn);
    set_peer_env(env, "untrusted", in.addr);
    session::set_exported_keying_material(o_, in.cc->tls_session(key_id), env, log_);
    if (plugins_->call({OPENVPN_PLUGIN_TLS_FINAL, {}}, env, plugin_client(in)).ok())
        return true;
    log_.logf(kV1, "%s TLS Auth Error: the TLS_FINAL plugin call refused the client", in.prefix().c_str());
    return false;
}

// run_client_connect_plugins: CLIENT_CONNECT (the plugin writes the config
// into the file named by its argument) and CLIENT_CONNECT_V2 (the "config"
// item of its return_list); each result merged into cfg as a ccd file.
bool Server::run_client_connect_plugins(Instance& in, ClientConfig& cfg, ClientTexts& texts)
{
    auto merge_text = [&](const std::string& text, const char* what) {
        auto c = parse_client_config(text, what);
        if (!c) {
            log_.logf(kV1, "%s %s", in.prefix().c_str(), c.error().c_str());
            return false;
        }
        merge(cfg, *c);
        texts.emplace_back(what, text);
        return true;
    };
    if (plugin::wants(plugins_, OPENVPN_PLUGIN_CLIENT_CONNECT)) {
        auto file = script::TempFile::create(o_.tmp_dir.value_or(script::default_tmp_dir()), "pc");
        if (!file) {
            log_.logf(kV1, "%s MULTI: %s", in.prefix().c_str(), file.error().c_str());
            return false;
        }
        if (!plugins_
                 ->call({OPENVPN_PLUGIN_CLIENT_CONNECT, {file->path()}}, client_env(in), plugin_client(in))
                 .ok()) {
            log_.logf(kV1, "%s WARNING: client-connect plugin call failed", in.prefix().c_str());
            return false;
        }
        in.pool_env_again = true; // 2.6's dc file exists: multi_client_connect_post
        auto text = file->read_back();
        if (text && !merge_text(*text, "client-connect plugin output"))
            return false;
    }
    if (plugin::wants(plugins_, OPENVPN_PLUGIN_CLIENT_CONNECT_V2)) {
        const auto r =
            plugins_->call({OPENVPN_PLUGIN_CLIENT_CONNECT_V2, {}}, client_env(in), plugin_client(in));
        if (!r.ok()) {
            log_.logf(kV1, "%s WARNING: client-connect-v2 plugin call failed", in.prefix().c_str());
            return false;
        }
        for (const auto& list : r.returns)
            for (const auto& item : list)
                if (item.name == "config") {
                    in.pool_env_again = true;
                    if (!merge_text(item.value, "client-connect-v2 plugin output"))
                        return false;
                }
    }
    return true;
}

} // namespace ovpn::server
