// server/auth_deferred.cpp: a key whose authentication is decided later, as
// 2.6.14 does it (ssl_verify.c): --management-client-auth, a plugin whose
// AUTH_USER_PASS_VERIFY returned 2, an --auth-user-pass-verify script that
// exited 2. One PendingAuth per instance (instance.hpp) holds every source
// still to answer; any refusal refuses, all acceptances admit, and the
// deadline (2.6's auth_deferred_expire: --hand-window, or half of
// --reneg-sec when shorter; AUTH_PENDING's timeout once sent) refuses.
// Plugins and scripts answer in their auth_control_file, which the tick
// reads (a byte, never blocking on the writer), with an auth_pending_file
// for AUTH_PENDING and an auth_failed_reason_file for AUTH_FAILED's reason.
// Also the client's CR_RESPONSE (--client-crresponse, the CLIENT_CRRESPONSE
// plugins, >CLIENT:CR_RESPONSE).
#include <algorithm>
#include <cstdlib>

#include "openvpn/script/temp_file.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"

namespace ovpn::server {

namespace {

int reneg_secs(const options::Options& o)
{
    return o.reneg_sec && !o.reneg_sec->empty() ? std::atoi(o.reneg_sec->front().c_str()) : 3600;
}

// lines_of: a file's lines without their line ends (2.6's buffer_list_file
// and buf_chomp).
std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos)
            nl = text.size();
        std::string line = text.substr(pos, nl - pos);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
            line.pop_back();
        out.push_back(std::move(line));
        pos = nl + 1;
    }
    return out;
}

// peer_supports: IV_SSO of the client's peer info lists `method`.
bool peer_supports(const std::string& peer_info, const std::string& method)
{
    for (const std::string& line : lines_of(peer_info)) {
        if (line.rfind("IV_SSO=", 0) != 0)
            continue;
        std::size_t pos = 7;
        while (pos <= line.size()) {
            std::size_t comma = line.find(',', pos);
            if (comma == std::string::npos)
                comma = line.size();
            if (line.compare(pos, comma - pos, method) == 0)
                return true;
            pos = comma + 1;
        }
    }
    return false;
}

// iv_proto: the IV_PROTO bits of the peer info.
unsigned iv_proto(const std::string& peer_info)
{
    const auto at = peer_info.find("IV_PROTO=");
    return at == std::string::npos ? 0U : static_cast<unsigned>(std::atoi(peer_info.c_str() + at + 9));
}

} // namespace

// auth_window: 2.6's auth_deferred_expire_window.
int Server::auth_window() const
{
    const int hand = o_.hand_window.value_or(60);
    const int reneg = reneg_secs(o_);
    return (reneg > 0 && reneg / 2 < hand) ? reneg / 2 : hand;
}

PendingAuth& Server::auth_begin(Instance& in)
{
    in.auth.emplace();
    in.auth->key_start = loop_.now();
    return *in.auth;
}

// make_auth_control: 2.6's key_state_gen_auth_control_files: the three files
// (mode 0600, unpredictable names in --tmp-dir) and their env variables.
bool Server::make_auth_control(Instance& in, std::optional<AuthControl>& slot, script::Env& env)
{
    slot.reset();
    const std::string dir = o_.tmp_dir.value_or(script::default_tmp_dir());
    auto acf = script::TempFile::create(dir, "acf");
    auto apf = script::TempFile::create(dir, "apf");
    auto afr = script::TempFile::create(dir, "afr");
    if (!acf || !apf || !afr) {
        log_.logf(kV1, "%s TLS Auth Error: could not create deferred auth control file", in.prefix().c_str());
        return false;
    }
    slot.emplace();
    slot->control = std::move(*acf);
    slot->pending = std::move(*apf);
    slot->reason = std::move(*afr);
    env.set("auth_control_file", slot->control->path());
    env.set("auth_pending_file", slot->pending->path());
    env.set("auth_failed_reason_file", slot->reason->path());
    return true;
}

// read_reason: what the checker wrote into its auth_failed_reason_file
// becomes AUTH_FAILED's reason (2.6's check_for_client_reason).
void Server::read_reason(Instance& in, const AuthControl& ac)
{
    if (!ac.reason)
        return;
    auto text = ac.reason->read_back();
    if (text && !text->empty())
        in.auth_reason = *text;
}

// auth_control_result: a plugin's or script's status with its files: a
// deferral keeps them (after the auth_pending_file was handled), anything
// else removes them.
int Server::auth_control_result(Instance& in, std::optional<AuthControl>& slot, int status)
{
    if (!slot)
        return status;
    if (status == OPENVPN_PLUGIN_FUNC_DEFERRED && !check_pending_file(in, *slot))
        status = OPENVPN_PLUGIN_FUNC_ERROR;
    if (status == OPENVPN_PLUGIN_FUNC_DEFERRED) {
        slot->deferred = true;
        return status;
    }
    if (status != OPENVPN_PLUGIN_FUNC_SUCCESS)
        read_reason(in, *slot);
    slot.reset();
    return status;
}

// check_pending_file: 2.6's key_state_check_auth_pending_file: three lines
// (timeout, the pending method the client must list in IV_SSO, the
// INFO_PRE text) send AUTH_PENDING; the file goes either way. false: a bad
// file or a method the client lacks.
bool Server::check_pending_file(Instance& in, AuthControl& ac)
{
    auto text = ac.pending ? ac.pending->read_back() : Result<std::string>(std::string());
    ac.pending.reset();
    if (!text || text->empty())
        return true;
    const auto lines = lines_of(*text);
    if (lines.size() < 3) {
        log_.logf(kV1, "%s auth pending control file is not at least three lines long.", in.prefix().c_str());
        return false;
    }
    const long timeout = std::strtol(lines[0].c_str(), nullptr, 10);
    if (timeout == 0) {
        log_.logf(kV1, "%s could not parse auth pending file timeout", in.prefix().c_str());
        return false;
    }
    if (!peer_supports(in.peer_info, lines[1])) {
        in.auth_reason =
            "Authentication failed, required pending auth method '" + lines[1] + "' not supported";
        log_.logf(Verb::Info, "%s Client does not supported auth pending method '%s'", in.prefix().c_str(),
                  lines[1].c_str());
        return false;
    }
    return send_auth_pending(in, lines[2], static_cast<unsigned>(timeout));
}

// send_auth_pending: 2.6's send_auth_pending_messages: AUTH_PENDING (with
// its timeout for a client announcing IV_PROTO_AUTH_PENDING_KW), INFO_PRE,
// and the key's deadline moves to the timeout, at most what is left of
// max(reneg-sec/2, hand-window).
bool Server::send_auth_pending(Instance& in, std::string_view extra, unsigned timeout)
{
    if (!in.auth)
        return false;
    const long waited =
        std::chrono::duration_cast<std::chrono::seconds>(loop_.now() - in.auth->key_start).count();
    const long max_timeout = std::max(reneg_secs(o_) / 2, o_.hand_window.value_or(60)) - waited;
    const auto t = static_cast<unsigned>(std::max(0L, std::min<long>(max_timeout, timeout)));
    const bool kw = (iv_proto(in.peer_info) & (1U << 4)) != 0;
    const std::string pending =
        kw ? "AUTH_PENDING,timeout " + std::to_string(t) : std::string("AUTH_PENDING");
    (void)in.cc->send_message(pending);
    log_.logf(Verb::Info, "%s SENT CONTROL [%s]: '%s' (status=1)", in.addr_str.c_str(), in.cn.c_str(),
              pending.c_str());
    constexpr std::size_t kPushBundle = 1024 * 8;
    if (extra.size() + 1 + 10 > kPushBundle)
        return false;
    (void)in.cc->send_message("INFO_PRE," + std::string(extra));
    in.auth->deadline = loop_.now() + seconds(t);
    flush(in);
    return true;
}

// auth_wait: after a key's checks passed: wait when a source is still to
// answer (true), else forget the pending state (false: decided now).
bool Server::auth_wait(Instance& in, std::uint8_t key_id, bool reneg)
{
    if (!in.auth)
        return false;
    PendingAuth& a = *in.auth;
    const bool files = (a.plugin && a.plugin->deferred) || (a.script && a.script->deferred);
    if (!a.mgmt && !files) {
        in.auth.reset();
        return false;
    }
    a.key_id = key_id;
    a.reneg = reneg;
    if (!a.deadline)
        a.deadline = a.key_start + seconds(auth_window());
    touch(in);
    arm_dirty();
    return true;
}

// poll_control: the first byte of the auth_control_file, when there is one.
void Server::poll_control(AuthControl& ac)
{
    if (ac.state != AuthControl::State::Pending || !ac.control)
        return;
    auto text = ac.control->read_back();
    if (!text || text->empty())
        return;
    if ((*text)[0] == '1')
        ac.state = AuthControl::State::Accepted;
    else if ((*text)[0] == '0')
        ac.state = AuthControl::State::Refused;
}

// auth_tick: read the deferred checkers' answers, then decide.
void Server::auth_tick(Instance& in, TimePoint now)
{
    if (!in.auth)
        return;
    for (auto* slot : {&in.auth->plugin, &in.auth->script})
        if (*slot)
            poll_control(**slot);
    auth_settle(in, now);
}

// auth_settle: the decision once every source answered, a refusal, or the
// deadline; the files go with the PendingAuth. The caller reaps.
void Server::auth_settle(Instance& in, TimePoint now)
{
    if (!in.auth)
        return;
    PendingAuth& a = *in.auth;
    bool pending = a.mgmt;
    bool refused = false;
    for (auto* slot : {&a.plugin, &a.script}) {
        if (!*slot)
            continue;
        if ((*slot)->state == AuthControl::State::Refused) {
            read_reason(in, **slot);
            refused = true;
        }
        pending = pending || (*slot)->state == AuthControl::State::Pending;
    }
    if (refused || (pending && a.deadline && now >= *a.deadline)) { // 2.6 logs only the AUTH_FAILED
        in.auth.reset();
        fail_auth(in, "");
        return;
    }
    if (pending)
        return;
    const std::uint8_t key_id = a.key_id;
    const bool reneg = a.reneg;
    in.auth.reset();
    if (!reneg) {
        admit_verified(in, in.cc->peer_km2(key_id));
    } else if (in.up) {
        if (auto s = install_key(in, key_id, false); !s)
            log_.logf(kV1, "%s ERROR: installing the renegotiated key failed: %s", in.prefix().c_str(),
                      s.error().c_str());
    }
    flush(in);
}

// on_cr_response: the client's CR_RESPONSE,<response> (2.6's
// receive_cr_response): >CLIENT:CR_RESPONSE, the CLIENT_CRRESPONSE plugins
// (response in env "crresponse"), then --client-crresponse with the
// response in a file; the script's failure refuses the client. Both see
// the pending key's auth_control_file, so either may answer in it.
void Server::on_cr_response(Instance& in, const std::string& response)
{
    if (mgmt_ != nullptr) {
        in.env.set("common_name", in.cn);
        mgmt_->engine().client_cr_response(in.mctx, in.mgmt_kid, in.env.strings(), response);
    }
    script::Env env = base_env();
    add_cert_vars(env, in);
    env.set("common_name", in.cn);
    if (in.username != "UNDEF")
        env.set("username", in.username);
    set_peer_env(env, "untrusted", in.addr);
    if (in.auth)
        for (const auto* slot : {&in.auth->plugin, &in.auth->script})
            if (*slot && (*slot)->control) {
                env.set("auth_control_file", (*slot)->control->path());
                if ((*slot)->reason)
                    env.set("auth_failed_reason_file", (*slot)->reason->path());
            }
    if (plugin::wants(plugins_, OPENVPN_PLUGIN_CLIENT_CRRESPONSE)) {
        script::Env penv = env;
        penv.set("crresponse", response);
        (void)plugins_->call({OPENVPN_PLUGIN_CLIENT_CRRESPONSE, {}}, penv, plugin_client(in));
    }
    if (o_.client_crresponse && !run_crresponse_script(in, response, env)) {
        in.auth.reset();
        fail_auth(in, "");
    }
    log_.logf(Verb::Info, "%s CR response was sent by client ('%s')", in.prefix().c_str(), response.c_str());
}

// run_crresponse_script: 2.6's verify_crresponse_script; the response may
// be a secret, so it goes in a file (removed afterwards), not the env.
bool Server::run_crresponse_script(Instance& in, const std::string& response, const script::Env& env)
{
    auto file = script::TempFile::create(o_.tmp_dir.value_or(script::default_tmp_dir()), "cr");
    if (!file || !file->write(as_bytes(response))) {
        log_.logf(kV1, "%s TLS CR Response Error: could not write crtext challenge response to file: %s",
                  in.prefix().c_str(), file ? file->path().c_str() : "creating file failed");
        return false;
    }
    script::ScriptRunner runner(log_, o_.script_security.value_or(1));
    return runner.run("client-crresponse", *o_.client_crresponse, {file->path()}, env).ok();
}

} // namespace ovpn::server
