// client/pull.cpp: the control channel's events: the handshake (p2p
// negotiates from the key exchange), the pull (PUSH_REQUEST until the
// PUSH_REPLY is complete), the server's messages (AUTH_FAILED, RESTART,
// HALT, ...), and the data keys of each new key state.
#include "openvpn/client/client.hpp"

#include "openvpn/client/challenge.hpp"
#include "openvpn/client/internal.hpp"
#include "openvpn/mgmt/engine.hpp"
#include "openvpn/mgmt/host.hpp"
#include "openvpn/options/push_options.hpp"
#include "openvpn/session/auth_token.hpp"
#include "openvpn/session/management.hpp"
#include "openvpn/wire/push_message.hpp"

namespace ovpn::client {

namespace {

// pushes_timers: the push has one of 2.6's timer options (OPT_P_TIMER),
// after which 2.6 starts its timers (--inactive too) again.
bool pushes_timers(const std::vector<std::string>& parts)
{
    for (const auto& p : parts) {
        const std::string name = p.substr(0, p.find(' '));
        for (const char* t :
             {"inactive", "session-timeout", "ping", "ping-exit", "ping-restart", "ping-timer-rem"})
            if (name == t)
                return true;
    }
    return false;
}

// wipe_pushed_tokens: the auth-token items of a push, once the token is taken.
void wipe_pushed_tokens(std::vector<std::string>& parts)
{
    for (auto& p : parts)
        if (p.rfind("auth-token ", 0) == 0)
            OPENSSL_cleanse(p.data(), p.size());
}

} // namespace

// take_auth_token: a pushed auth-token stands in for the password from now
// on (2.6's ssl_set_auth_token), and the management client hears of it.
void Client::take_auth_token(std::string& token)
{
    if (mgmt_ != nullptr)
        mgmt_->engine().auth_token(token);
    auth_token_.set(token);
    cc_->update_credentials(login_user(), auth_token_.bytes());
}

// take_token_user: a pushed auth-token-user (base64) is the user name of the
// token's logins from now on (2.6's ssl_set_auth_token_user).
void Client::take_token_user(const std::string& b64)
{
    auto u = decode_token_user(b64);
    if (!u) {
        log_.logf(Verb::Info, "%s", u.error().c_str());
        return;
    }
    auth_token_.set_user(std::move(*u));
    if (auth_token_.has())
        cc_->update_credentials(login_user(), auth_token_.bytes());
}

const std::string& Client::login_user() const
{
    return auth_token_.has() && !auth_token_.user().empty() ? auth_token_.user() : username_;
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
    schedule_restart("tls-error");
}

void Client::on_lame_duck_expired(std::uint8_t key_id)
{
    if (dp_ && dp_peer_added_)
        keys_.lame_duck_expired(*dp_, data::kP2pPeerId, key_id);
}

void Client::on_key_active(std::uint8_t key_id, bool renegotiated)
{
    if (!tls_final(key_id)) { // the plugin's veto: 2.6 leaves the key unauthenticated
        log_.write(kV1, "TLS Error: key_state not authenticated");
        on_tls_failed();
        return;
    }
    const control::TlsSession* tls = cc_->tls_session(key_id);
    // 2.6 prints the Control Channel line after every handshake, the
    // renegotiations included; tools count these lines.
    if (tls != nullptr)
        log_.logf(kV1, "Control Channel: %s, peer certificate: %s", tls->description().c_str(),
                  tls->peer_subject().c_str());
    if (renegotiated) {
        if (phase_ == Phase::Up)
            if (auto s = install_key(key_id, false); !s)
                log_.logf(kV1, "ERROR: installing the renegotiated key failed: %s", s.error().c_str());
        return;
    }
    if (tls != nullptr)
        peer_initiated(*tls);
    if (base_.pull) {
        start_pull();
        return;
    }
    negotiate_with_peer(key_id);
}

// peer_initiated: the first handshake of the session is done.
void Client::peer_initiated(const control::TlsSession& tls)
{
    if (base_.auth_nocache && have_credentials_) {
        // --auth-nocache: our copy goes once the server has it; a restart
        // reads the file (or asks) again, as 2.6 does.
        password_.wipe();
        have_credentials_ = false;
    }
    peer_cn_ = tls.peer_common_name();
    peer_subject_ = tls.peer_subject();
    peer_cert_vars_ = control::cert_env(tls.peer_chain());
    log_.logf(kV1, "[%s] Peer Connection Initiated with %s%s", peer_cn_.c_str(), remote_.to_string().c_str(),
              local_.via_string().c_str());
    run_ipchange();
}

// start_pull: PUSH_REQUEST until the PUSH_REPLY arrives. IV_PROTO_REQUEST_PUSH:
// a 2.6 server pushes on its own; ask anyway after a moment, as 2.6 does
// once per second until the reply.
void Client::start_pull()
{
    phase_ = Phase::Pulling;
    next_push_request_ = loop_.now() + seconds(1);
    pull_started_ = loop_.now();
    push_deadline_ = loop_.now() + (base_.hand_window ? seconds(*base_.hand_window) : seconds(60));
    arm_tick();
}

// negotiate_with_peer: TLS p2p: the data channel from the peer's key
// exchange (the peer id from the TLS exporter when both use EKM).
void Client::negotiate_with_peer(std::uint8_t key_id)
{
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
    log_.logf(Verb::Info, "PUSH: Received control message: '%s'",
              session::redact_control_message(text).c_str());
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
        mgmt_message("RESTART", m.arg);
        if (!r.preserve_credentials && mgmt_ != nullptr) {
            // 2.6's ssl_purge_auth(true): ask again for the password; the
            // auth-token stays (2.6 drops it on AUTH_FAILED and
            // forget-passwords only), so a restarted server that knows its
            // secret takes the client back through it
            auto token = std::move(auth_token_);
            forget_passwords();
            auth_token_ = std::move(token);
        }
        if (r.advance_remote)
            attempts_.advance(); // [N]: the next server
        schedule_restart("server-pushed-connection-reset");
        break;
    }
    case wire::ControlMessageKind::Halt:
        mgmt_message("HALT", m.arg);
        exit_now(kExitOk, "SIGTERM[soft,server-pushed-halt] received, process exiting");
        break;
    case wire::ControlMessageKind::Exit:
        mgmt_message("EXIT", m.arg);
        schedule_restart("remote-exit");
        break;
    case wire::ControlMessageKind::Info:
    case wire::ControlMessageKind::InfoPre:
        log_.logf(kV1, "INFO: %s", m.arg.c_str());
        mgmt_message("INFO", m.arg);
        break;
    case wire::ControlMessageKind::AuthPending:
        mgmt_message("AUTH_PENDING", m.arg);
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
    mgmt_auth_failed(arg);
    react_to_auth_failed(af);
    // 2.6 keeps a dynamic challenge whatever it did: the next login that
    // asks for credentials answers it (after auth-retry interact dropped them)
    if (af.kind == wire::AuthFailed::Kind::Crv1)
        crv1_ = arg;
}

void Client::react_to_auth_failed(const wire::AuthFailed& af)
{
    attempts_.stay(); // 2.6: the same server again, unless TEMP says otherwise
    if (af.kind == wire::AuthFailed::Kind::Temp) {
        if (af.advance_remote || af.advance_addr)
            attempts_.advance();
        server_backoff_ = static_cast<int>(af.backoff_secs);
        schedule_restart("auth-temp-failure (server temporary reject)");
        return;
    }
    if (auth_token_.clear()) { // 2.6's ssl_clean_auth_token: wiped, then the password again
        schedule_restart("auth-failure (auth-token)");
        return;
    }
    const std::string retry = auth_retry_now();
    if (retry == "none") {
        exit_now(kExitError, "SIGTERM[soft,auth-failure] received, process exiting");
        return;
    }
    if (retry == "interact") // 2.6's ssl_purge_auth: ask again
        forget_passwords();
    schedule_restart("auth-failure");
}

void Client::handle_push_reply(const std::string& text)
{
    if (phase_ != Phase::Pulling) {
        // A later PUSH_REPLY (e.g. a renewed auth-token) only updates the token.
        auto pr = wire::parse_push_reply(text);
        if (!pr)
            return;
        for (auto& o : pr->options) {
            if (o.rfind("auth-token ", 0) == 0) {
                std::string token = o.substr(11);
                OPENSSL_cleanse(o.data(), o.size());
                take_auth_token(token);
            } else if (o.rfind("auth-token-user ", 0) == 0) {
                take_token_user(o.substr(16));
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
    mgmt_echo(pr->options);
    if (pr->more_follow())
        return;
    auto applied = options::apply_pushed_options(pushed_, push_parts_, log_);
    if (!applied) {
        exit_now(kExitError, "ERROR: Failed to apply push options: " + applied.error());
        return;
    }
    if (pushes_timers(push_parts_)) {
        inactivity_.start(pushed_.inactive.value_or(0), pushed_.inactive_bytes, loop_.now());
        start_session_timer(pushed_.session_timeout);
    }
    if (pushed_.auth_token) {
        take_auth_token(*pushed_.auth_token);
        wipe_pushed_tokens(push_parts_);
    }
    if (pushed_.auth_token_user)
        take_token_user(*pushed_.auth_token_user);
    // DCO: 2.6 checks the push again (compression, peer-id); a refusal
    // fails the push and restarts, as in 2.6 (no fallback to userspace).
    if (!session::pushed_options_allow(pushed_, pushed_.peer_id.has_value(), dco_, dp_.get(), log_)) {
        log_.write(kV1, "ERROR: Failed to apply push options");
        log_.write(kV1, "Failed to open tun/tap interface");
        schedule_restart("process-push-msg-failed");
        return;
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

Status<> Client::bring_up()
{
    log_.logf(kV1, "Data Channel: cipher '%s'%s, peer-id: %d", neg_->cipher.c_str(),
              neg_->use_ekm ? ", key derivation: tls-ekm" : "",
              neg_->peer_id ? static_cast<int>(*neg_->peer_id) : -1);
    if (auto s = open_data_plane(); !s)
        return s;
    if (auto s = install_key(*cc_->primary_key_id(), true); !s)
        return Err("ERROR: installing the data channel key failed: " + s.error());
    if (cc_->dynamic_tls_crypt())
        session::log_dynamic_tls_crypt(log_, "");
    phase_ = Phase::Up;
    auto done = initialization_completed();
    if (done)
        mgmt_connected();
    return done;
}

Status<> Client::install_key(std::uint8_t key_id, bool first)
{
    const session::DataCipher dc{neg_->cipher, neg_->auth, neg_->use_ekm, neg_->dyn_tls_crypt};
    return keys_.install(*dp_, data::kP2pPeerId, *cc_, dc, key_id, first);
}

} // namespace ovpn::client
