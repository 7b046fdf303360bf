// client/mgmt_host.cpp: the client's side of the management interface
// (session/management.hpp): what 2.6 tells it at its call sites (states,
// echo, auth failures, INFO messages), the hold before each restart,
// --auth-user-pass asked through it, and the commands it serves in client
// mode (status, signals, forget-passwords, cr-response, remote entries).
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>
#include <ctime>
#include <regex>

#include "openvpn/client/client.hpp"
#include "openvpn/client/internal.hpp"
#include "openvpn/mgmt/engine.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/options/lexer.hpp"
#include "openvpn/session/management.hpp"
#include "openvpn/session/tls_config.hpp"

namespace ovpn::client {

namespace {

// signal_text: 2.6's signal_text of a "SIGTERM[soft,auth-failure] received"
// line: the reason, or the signal's name for a hard signal; empty when the
// line names no signal (a fatal error).
std::string signal_text(const std::string& why)
{
    static const std::regex rx(R"((SIG[A-Z0-9]+)\[(hard|soft),([^\]]*)\])");
    std::smatch m;
    if (!std::regex_search(why, m, rx))
        return {};
    return m[3].length() > 0 ? m[3].str() : m[1].str();
}

} // namespace

class Client::MgmtMode final : public session::ManagementMode {
public:
    explicit MgmtMode(Client& c) : c_(c) {}
    void mgmt_signal(io::Signal s, std::string_view reason) override { c_.on_mgmt_signal(s, reason); }
    void hold_released() override { c_.on_hold_released(); }
    void user_pass(const mgmt::UserPassAnswer& a) override { c_.on_user_pass(a); }
    void remote_answer(const mgmt::RemoteAnswer& a) override { c_.on_remote_answer(a); }
    bool proxy_answer(const mgmt::ProxyAnswer& a) override { return c_.on_proxy_answer(a); }
    void forget_passwords() override { c_.forget_passwords(); }
    std::string status(int) override
    {
        // 2.6's block only: the file's extra rows (dco_enabled,
        // userspace_data_packets) are not in 2.6's `status` answer
        process::TrafficCounters t = c_.traffic();
        t.dco_enabled.reset();
        t.userspace_data_packets.reset();
        return process::format_client_status(t, std::time(nullptr));
    }
    mgmt::ByteCounts live_bytes() override
    {
        mgmt::ByteCounts b{c_.link_rx_other_, c_.link_tx_other_};
        if (c_.dp_ && c_.dp_peer_added_)
            if (auto st = c_.dp_->stats(data::kP2pPeerId)) {
                b.in += st->link_rx_bytes;
                b.out += st->link_tx_bytes;
            }
        b.in -= std::min(b.in, c_.mgmt_base_in_);
        b.out -= std::min(b.out, c_.mgmt_base_out_);
        return b;
    }
    bool send_cc_message(std::string_view cmd, std::string_view param) override
    {
        if (!c_.cc_)
            return true; // 2.6: no TLS session yet, and the command "succeeded"
        if (!c_.cc_->primary_active())
            return false;
        const bool ok = c_.cc_->send_message(std::string(cmd) + "," + std::string(param));
        c_.flush_control();
        return ok;
    }
    std::vector<std::string> remote_entries() override
    {
        std::vector<std::string> out;
        const auto& list = c_.base_.connections;
        if (list.empty()) {
            const Remote r = remote_of(c_.base_.ce);
            out.push_back(r.host + "," + r.port + "," + r.proto + ",enabled");
            return out;
        }
        for (const auto& ce : list) {
            const Remote r = remote_of(ce);
            out.push_back(r.host + "," + r.port + "," + r.proto + ",enabled");
        }
        return out;
    }

private:
    Client& c_;
};

void Client::set_management(session::Management* m)
{
    if (mgmt_ != nullptr && m == nullptr)
        mgmt_->release();
    mgmt_ = m;
    if (m == nullptr)
        return;
    mgmt_mode_ = std::make_shared<MgmtMode>(*this);
    m->set_mode(mgmt_mode_.get());
    // 2.6's init_management_callback_p2p at the start of the instance.
    m->engine().attach(mgmt::Mode::Client);
}

void Client::mgmt_state(mgmt::State s, std::string_view detail)
{
    if (mgmt_ != nullptr)
        mgmt_->state(mgmt::StateChange(s, detail));
}

// mgmt_connected: CONNECTED with the tunnel address and the link's ends
// (2.6: the socket's own address as getsockname says for a bound or
// connected TCP socket; a UDP client's socket is unconnected in 2.6, so its
// address is the wildcard).
void Client::mgmt_connected()
{
    if (mgmt_ == nullptr)
        return;
    mgmt::StateChange c(mgmt::State::Connected, "SUCCESS");
    in_addr tun4{};
    in6_addr tun6{};
    if (pushed_.ifconfig && dp_ && dp_->device().name != "null")
        (void)::inet_pton(AF_INET, pushed_.ifconfig->first.c_str(), &tun4);
    if (pushed_.ifconfig_ipv6 && dp_ && dp_->device().name != "null") {
        const std::string& a = pushed_.ifconfig_ipv6->first;
        (void)::inet_pton(AF_INET6, a.substr(0, a.find('/')).c_str(), &tun6);
    }
    c.tun_ip4 = &tun4;
    c.tun_ip6 = &tun6;
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    if (link_ && ::getsockname(link_->fd(), reinterpret_cast<sockaddr*>(&local), &len) == 0) {
        const bool explicit_local = current_ce().local.has_value();
        if (tcp_ == nullptr && !explicit_local) {
            if (local.ss_family == AF_INET)
                reinterpret_cast<sockaddr_in*>(&local)->sin_addr.s_addr = 0;
            else if (local.ss_family == AF_INET6)
                reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr = in6addr_any;
        }
        c.local = reinterpret_cast<const sockaddr*>(&local);
    }
    if (!remote_.empty())
        c.remote = remote_.sa();
    mgmt_->state(c);
}

// mgmt_assign_ip: ASSIGN_IP with the device's addresses (2.6's do_ifconfig).
void Client::mgmt_assign_ip(const tun::NetPlan& plan)
{
    if (mgmt_ == nullptr)
        return;
    mgmt::StateChange c(mgmt::State::AssignIp);
    in_addr tun4{};
    in6_addr tun6{};
    if (plan.ifconfig)
        (void)::inet_pton(AF_INET, plan.ifconfig->local.to_string().c_str(), &tun4);
    if (plan.ifconfig_ipv6)
        (void)::inet_pton(AF_INET6, plan.ifconfig_ipv6->local.to_string().c_str(), &tun6);
    c.tun_ip4 = &tun4;
    c.tun_ip6 = &tun6;
    mgmt_->state(c);
}

// mgmt_end_session: 2.6's persist_client_stats + uninit_management_callback
// at the end of an instance.
void Client::mgmt_end_session()
{
    if (mgmt_ == nullptr)
        return;
    const auto live = mgmt_mode_->live_bytes();
    mgmt_->add_link_bytes(live.in, live.out);
    mgmt_base_in_ += live.in;
    mgmt_base_out_ += live.out;
    mgmt_->engine().detach();
}

void Client::mgmt_note_exit(const std::string& why)
{
    if (signal_override_.empty())
        signal_override_ = signal_text(why);
}

bool Client::mgmt_restarting(const std::string& reason, int pause)
{
    if (mgmt_ == nullptr)
        return false;
    mgmt_state(mgmt::State::Reconnecting, reason);
    mgmt_->engine().attach(mgmt::Mode::Client);
    return mgmt_hold(pause);
}

bool Client::mgmt_hold(int pause)
{
    if (mgmt_ == nullptr || !mgmt_->engine().hold(pause))
        return false;
    mgmt_wait_ = MgmtWait::Hold;
    restart_at_.reset();
    return true;
}

void Client::on_hold_released()
{
    if (mgmt_wait_ != MgmtWait::Hold)
        return;
    mgmt_wait_ = MgmtWait::None;
    restart_at_ = loop_.now();
    arm_tick();
}

bool Client::mgmt_ask_credentials()
{
    if (mgmt_ == nullptr || !mgmt_->options().query_passwords || !base_.auth_user_pass || have_credentials_)
        return false;
    if (mgmt_wait_ == MgmtWait::Credentials)
        return true;
    const auto& up = *base_.auth_user_pass;
    if (up.is_inline || (!up.path.empty() && up.path != "stdin")) {
        // a file with the password is read as without management
        auto text = session::read_file_ref(up);
        if (!text)
            return false;
        const auto nl = text->find('\n');
        const bool has_pass = nl != std::string::npos && nl + 1 < text->size() && (*text)[nl + 1] != '\n' &&
                              (*text)[nl + 1] != '\r';
        std::fill(text->begin(), text->end(), '\0');
        if (has_pass || up.is_inline)
            return false;
        log_.logf(Verb::Detail, "No password found in Auth authfile '%s'. Querying the management interface",
                  up.path.c_str());
    }
    mgmt::UserPassQuery q("Auth");
    if (const auto sc = static_challenge(base_); sc && !crv1_) { // " SC:<echo>,<text>"
        q.static_challenge = sc->text;
        q.challenge_echo = sc->echo;
    }
    if (!mgmt_->engine().query_user_pass(q))
        return false;
    mgmt_wait_ = MgmtWait::Credentials;
    restart_at_.reset();
    return true;
}

void Client::on_user_pass(const mgmt::UserPassAnswer& a)
{
    if (mgmt_wait_ != MgmtWait::Credentials || a.type != "Auth")
        return;
    mgmt_wait_ = MgmtWait::None;
    username_ = a.username;
    password_ = SecureBytes(as_bytes(a.password));
    have_credentials_ = true;
    resume_at_ = loop_.now();
    arm_tick();
}

bool Client::mgmt_query_entry()
{
    if (mgmt_ == nullptr || (!mgmt_->options().query_remote && !mgmt_->options().query_proxy))
        return false;
    if (mgmt_wait_ == MgmtWait::Remote || mgmt_wait_ == MgmtWait::Proxy)
        return true;
    if (mgmt_ce_ready_) {
        mgmt_ce_ready_ = false;
        return false;
    }
    mgmt_ce_.reset();
    mgmt_ce_ = current_ce();
    const Remote r = remote_of(*mgmt_ce_);
    if (mgmt_->options().query_remote) {
        mgmt_->engine().query_remote(r.host, r.port, r.proto);
        mgmt_wait_ = MgmtWait::Remote;
    } else {
        const auto& list = base_.connections;
        const int index = list.empty() ? 1 : static_cast<int>(attempts_.index() % list.size()) + 1;
        mgmt_->engine().query_proxy(index, options::proto_is_tcp(r.proto) ? "TCP" : "UDP", r.host);
        mgmt_wait_ = MgmtWait::Proxy;
    }
    restart_at_.reset();
    return true;
}

// mgmt_resume: the management interface answered; start the attempt.
void Client::mgmt_resume()
{
    mgmt_wait_ = MgmtWait::None;
    resume_at_ = loop_.now();
    arm_tick();
}

void Client::on_remote_answer(const mgmt::RemoteAnswer& a)
{
    if (mgmt_wait_ != MgmtWait::Remote || !mgmt_ce_)
        return;
    switch (a.kind) {
    case mgmt::RemoteAnswer::Kind::Accept:
        mgmt_ce_ready_ = true;
        break;
    case mgmt::RemoteAnswer::Kind::Skip:
        attempts_.skip(a.skip > 0 ? a.skip : 1);
        mgmt_ce_.reset(); // ask about the next entry
        break;
    case mgmt::RemoteAnswer::Kind::Mod:
        if (mgmt_ce_->remotes.empty())
            mgmt_ce_->remotes.emplace_back();
        mgmt_ce_->remotes.front().host = a.host;
        mgmt_ce_->remotes.front().port = a.port;
        mgmt_ce_ready_ = true;
        break;
    }
    mgmt_resume();
}

bool Client::on_proxy_answer(const mgmt::ProxyAnswer& a)
{
    options::ConnectionEntry* ce = mgmt_ce_ ? &*mgmt_ce_ : nullptr;
    bool ok = false;
    switch (a.kind) {
    case mgmt::ProxyAnswer::Kind::None:
        ok = true;
        break;
    case mgmt::ProxyAnswer::Kind::Http:
        if (!options::proto_is_tcp(remote_of(current_ce()).proto)) {
            log_.write(Verb::Error, mute::None, Severity::Warning,
                       "HTTP proxy support only works for TCP based connections");
            return false;
        }
        if (ce != nullptr)
            ce->http_proxy = options::ProxySpec{a.host, a.port, {}};
        ok = true;
        break;
    case mgmt::ProxyAnswer::Kind::Socks:
        if (ce != nullptr)
            ce->socks_proxy = options::ProxySpec{a.host, a.port, {}};
        ok = true;
        break;
    case mgmt::ProxyAnswer::Kind::Bad:
    case mgmt::ProxyAnswer::Kind::Unknown:
        break;
    }
    if (mgmt_wait_ == MgmtWait::Proxy) {
        mgmt_ce_ready_ = true;
        mgmt_resume();
    }
    return ok;
}

void Client::forget_passwords()
{
    password_.wipe();
    have_credentials_ = false;
    auth_token_.clear();
    crv1_.reset(); // 2.6's ssl_purge_auth drops the dynamic challenge too
}

std::string Client::auth_retry_now() const
{
    if (mgmt_ == nullptr)
        return base_.auth_retry.value_or("none");
    switch (mgmt_->auth_retry_mode()) {
    case mgmt::AuthRetry::Interact:
        return "interact";
    case mgmt::AuthRetry::NoInteract:
        return "nointeract";
    case mgmt::AuthRetry::None:
        break;
    }
    return "none";
}

// mgmt_on_signal: a signal while the client waits for the management
// interface. During a hold the wait ends and the signal acts as 2.6's
// signal during init_instance; during a password query 2.6 gives up.
// true when it handled the signal.
bool Client::mgmt_on_signal(io::Signal s)
{
    if (mgmt_wait_ == MgmtWait::None || s == io::Signal::Usr2)
        return false;
    const MgmtWait w = mgmt_wait_;
    mgmt_wait_ = MgmtWait::None;
    mgmt_->engine().cancel_query();
    if (w == MgmtWait::Credentials) {
        log_.write(Verb::Fatal,
                   "ERROR: could not read Auth username/password/ok/string from management interface");
        exit_now(kExitError, "");
        return true;
    }
    signal_override_ = "init_instance";
    return false;
}

void Client::on_mgmt_signal(io::Signal s, std::string_view reason)
{
    if (reason.empty()) { // `signal X`: as the real signal
        on_signal(s);
        return;
    }
    if (mgmt_on_signal(s))
        return;
    const std::string r(reason);
    if (s == io::Signal::Term || s == io::Signal::Int) {
        begin_exit(std::string(s == io::Signal::Term ? "SIGTERM" : "SIGINT") + "[soft," + r +
                   "] received, process exiting");
        return;
    }
    if (s == io::Signal::Hup) {
        log_.logf(kV1, "SIGHUP[soft,%s] received, process restarting", r.c_str());
        reload_config();
        return;
    }
    schedule_restart(r);
}

void Client::mgmt_exiting(const std::string& why)
{
    if (mgmt_ == nullptr)
        return;
    std::string text = signal_override_.empty() ? signal_text(why) : signal_override_;
    signal_override_.clear();
    if (text.empty())
        return;
    if (restart_at_)
        text = "init_instance"; // 2.6: a signal during the Restart pause ends init_instance
    mgmt_end_session();
    mgmt_state(mgmt::State::Exiting, text);
}

void Client::mgmt_auth_failed(const std::string& arg)
{
    if (mgmt_ == nullptr)
        return;
    if (arg.empty())
        mgmt_->engine().auth_failure("Auth", std::nullopt);
    else
        mgmt_->engine().auth_failure("Auth", arg);
}

// mgmt_echo: the pushed --echo directives, their words joined by spaces.
void Client::mgmt_echo(const std::vector<std::string>& pushed)
{
    if (mgmt_ == nullptr)
        return;
    for (const std::string& o : pushed) {
        if (o != "echo" && o.rfind("echo ", 0) != 0)
            continue;
        auto words = options::tokenize(o, options::Origin{});
        if (!words || words->empty())
            continue;
        std::string text;
        for (std::size_t i = 1; i < words->size(); ++i)
            text += (i > 1 ? " " : "") + (*words)[i];
        mgmt_->engine().echo(std::time(nullptr), text, true);
    }
}

// mgmt_message: the server's messages 2.6 reports (INFO, INFO_PRE,
// RESTART, HALT, AUTH_PENDING).
void Client::mgmt_message(const std::string& kind, const std::string& arg)
{
    if (mgmt_ == nullptr)
        return;
    if (kind == "INFO") {
        const std::string line = ">INFOMSG:" + arg;
        if (line.size() < 256)
            mgmt_->engine().notify_line(line);
        else
            log_.write(Verb::Info,
                       "WARNING: Received INFO command is too long, won't notify management client.");
    } else if (kind == "RESTART") {
        mgmt_->engine().notify("info", "server-pushed-connection-reset", arg);
    } else if (kind == "HALT") {
        mgmt_->engine().notify("info", "server-pushed-halt", arg);
    } else if (kind == "AUTH_PENDING") {
        mgmt_state(mgmt::State::AuthPending, arg);
    } else if (kind == "EXIT") {
        mgmt_->engine().notify("info", "remote-exit", "EXIT");
    }
}

} // namespace ovpn::client
