// session/management.cpp: see management.hpp.
#include "openvpn/session/management.hpp"

#include <unistd.h>

#include <csignal>

#include <cstring>

#include "openvpn/mgmt/setup.hpp"
#include "openvpn/session/external_key.hpp"
#include "openvpn/session/pkcs11.hpp"

namespace ovpn::session {

namespace {

io::Signal to_io(mgmt::Signal s)
{
    switch (s) {
    case mgmt::Signal::Int:
        return io::Signal::Int;
    case mgmt::Signal::Term:
        return io::Signal::Term;
    case mgmt::Signal::Hup:
        return io::Signal::Hup;
    case mgmt::Signal::Usr1:
        return io::Signal::Usr1;
    case mgmt::Signal::Usr2:
        break;
    }
    return io::Signal::Usr2;
}

int to_signo(io::Signal s)
{
    switch (s) {
    case io::Signal::Usr1:
        return SIGUSR1;
    case io::Signal::Hup:
        return SIGHUP;
    case io::Signal::Term:
        return SIGTERM;
    case io::Signal::Int:
        return SIGINT;
    case io::Signal::Usr2:
        break;
    }
    return SIGUSR2;
}

mgmt::AuthRetry auth_retry_of(const options::Options& o)
{
    const std::string r = o.auth_retry.value_or("none");
    if (r == "interact")
        return mgmt::AuthRetry::Interact;
    if (r == "nointeract")
        return mgmt::AuthRetry::NoInteract;
    return mgmt::AuthRetry::None;
}

} // namespace

unsigned log_flags(const LogLine& l) noexcept
{
    switch (l.severity) {
    case Severity::Fatal:
        return mgmt::kLogFatal;
    case Severity::NonFatal:
        return mgmt::kLogNonFatal;
    case Severity::Warning:
        return mgmt::kLogWarn;
    case Severity::Normal:
        break;
    }
    // 2.6 prints I only for a line that is exactly M_INFO (level 1, no
    // mute class, no other flag); D for its debug classes.
    if (l.mute_category == mute::Debug || static_cast<int>(l.verb) >= static_cast<int>(Verb::Detail) + 1)
        return mgmt::kLogDebug;
    if (l.verb == Verb::Error && l.mute_category == mute::None)
        return mgmt::kLogInfo;
    return 0;
}

void EnvList::unset(std::string_view name)
{
    for (auto it = items_.begin(); it != items_.end(); ++it) {
        const std::string& s = *it;
        if (s.size() > name.size() && s.compare(0, name.size(), name) == 0 && s[name.size()] == '=') {
            std::fill(it->begin(), it->end(), '\0'); // it may be a password
            items_.erase(it);
            return;
        }
    }
}

void EnvList::set(std::string_view name, std::string_view value)
{
    unset(name);
    std::string s;
    s.reserve(name.size() + value.size() + 1);
    s.append(name).append("=").append(value);
    items_.insert(items_.begin(), std::move(s));
}

void EnvList::inherit(const EnvList& parent)
{
    for (const std::string& s : parent.items_) {
        const auto eq = s.find('=');
        set(std::string_view(s).substr(0, eq), std::string_view(s).substr(eq + 1));
    }
}

void LogBuffer::add(const LogLine& l)
{
    if (limit_ == 0)
        return;
    if (lines_.size() >= limit_)
        lines_.pop_front();
    lines_.push_back({l.time, log_flags(l), std::string(l.text)});
}

Management::Management(Logger& log, options::ManagementOptions m, mgmt::Config ec, mgmt::ShellConfig sc,
                       mgmt::AuthRetry ar)
    : log_(log), opts_(std::move(m)), shell_cfg_(std::move(sc)), auth_retry_(ar)
{
    mgmt::Host& host = *this;
    engine_ = std::make_unique<mgmt::Engine>(host, std::move(ec));
}

Result<std::unique_ptr<Management>> Management::create(const options::Options& o, Logger& log,
                                                       std::string title, LogBuffer* early)
{
    auto m = options::management_options(o);
    if (!m)
        return std::unique_ptr<Management>{};
    mgmt::SetupContext ctx;
    ctx.server = o.is_server();
    ctx.title = std::move(title);
    if (m->password_file)
        ctx.password_path = *m->password_file;
    auto s = mgmt::setup(*m, std::move(ctx));
    if (!s)
        return Err{s.error()};
    std::unique_ptr<Management> mg(
        new Management(log, *m, std::move(s->engine), std::move(s->shell), auth_retry_of(o)));
    mg->mute_ = o.mute.value_or(0);
    if (early != nullptr)
        for (auto& e : early->take())
            mg->engine_->log(e.time, e.flags, e.text);
    log.set_tap([raw = mg.get()](const LogLine& l) { raw->tap(l); });
    for (const auto& line : s->log)
        log.write(Verb::Info, mute::Management, Severity::Normal, line);
    return mg;
}

Management::~Management()
{
    close();
    log_.set_tap(nullptr);
}

void Management::tap(const LogLine& l)
{
    // A line logged while the engine handles one (the shell reporting a
    // socket error, say) waits until that one is done.
    if (in_tap_) {
        tap_queue_.emplace_back(l, std::string(l.text));
        return;
    }
    in_tap_ = true;
    engine_->log(l.time, log_flags(l), l.text);
    while (!tap_queue_.empty()) {
        auto q = std::move(tap_queue_.front());
        tap_queue_.erase(tap_queue_.begin());
        engine_->log(q.first.time, log_flags(q.first), q.second);
    }
    in_tap_ = false;
}

Status<> Management::bind(io::EventLoop& loop)
{
    loop_ = &loop;
    if (shell_) {
        shell_->attach_loop(loop);
        return Ok{};
    }
    auto sh = mgmt::Shell::open(loop, *engine_, shell_cfg_);
    if (!sh)
        return Err{sh.error()};
    shell_ = std::move(*sh);
    state(mgmt::StateChange(mgmt::State::Connecting));
    return Ok{};
}

void Management::unbind()
{
    loop_ = nullptr;
    if (shell_)
        shell_->detach_loop();
}

// A ManagementMode for the start-up hold: no client or server runs yet.
namespace {
class HoldMode final : public ManagementMode {
public:
    HoldMode(bool& done, bool& signalled) : done_(done), signalled_(signalled) {}
    void mgmt_signal(io::Signal, std::string_view) override { signalled_ = done_ = true; }
    void hold_released() override { done_ = true; }
    std::string status(int) override { return {}; }

private:
    bool& done_;
    bool& signalled_;
};
} // namespace

bool Management::startup_hold(io::EventLoop& loop)
{
    if (!engine_->hold(0))
        return true;
    hold_done_ = hold_signal_ = false;
    HoldMode hm(hold_done_, hold_signal_);
    ManagementMode* saved = mode_;
    mode_ = &hm;
    (void)loop.watch_signals([this](io::Signal s) {
        if (s == io::Signal::Usr2)
            return;
        hold_signal_ = hold_done_ = true;
    });
    while (!hold_done_) {
        if (auto r = loop.run_once(); !r)
            break;
    }
    mode_ = saved;
    if (hold_signal_) {
        engine_->cancel_query();
        log_.write(Verb::Error, mute::None, Severity::Warning,
                   "Signal received from management interface, exiting");
        return false;
    }
    return true;
}

std::optional<std::string> Management::ask_pk_sig(std::string_view b64, std::string_view algorithm)
{
    if (ask_ != Ask::None || !engine_->query_pk_sig(b64, algorithm))
        return std::nullopt;
    return wait_answer(Ask::PkSig);
}

std::optional<std::string> Management::ask_certificate(std::string_view hint)
{
    if (ask_ != Ask::None || !engine_->query_certificate(hint))
        return std::nullopt;
    return wait_answer(Ask::Cert);
}

std::optional<std::string> Management::ask_user_pass(const mgmt::UserPassQuery& q)
{
    if (!opts_.query_passwords || ask_ != Ask::None || !engine_->query_user_pass(q))
        return std::nullopt;
    return wait_answer(Ask::UserPass);
}

// wait_answer: the shell moves to a private loop for the wait, so no other
// socket or timer of the daemon runs inside the TLS handshake that asked.
// Signals that arrive meanwhile end the wait and are raised again for the
// daemon's own loop.
std::optional<std::string> Management::wait_answer(Ask kind)
{
    if (loop_ == nullptr || !shell_) {
        engine_->cancel_query();
        return std::nullopt;
    }
    ask_ = kind;
    ask_done_ = false;
    ask_answer_.reset();
    std::vector<int> signals;
    {
        io::EventLoop inner(loop_->clock());
        (void)inner.watch_signals([&](io::Signal s) {
            signals.push_back(to_signo(s));
            if (s != io::Signal::Usr2)
                ask_done_ = true;
        });
        shell_->detach_loop();
        shell_->attach_loop(inner);
        while (!ask_done_) {
            if (auto r = inner.run_once(); !r)
                break;
        }
        shell_->detach_loop();
    }
    shell_->attach_loop(*loop_);
    if (engine_->waiting())
        engine_->cancel_query();
    ask_ = Ask::None;
    for (int s : signals)
        (void)::raise(s);
    auto answer = std::move(ask_answer_);
    ask_answer_.reset();
    return answer;
}

void Management::state(const mgmt::StateChange& c)
{
    engine_->set_state(c, std::time(nullptr));
}

void Management::add_link_bytes(std::uint64_t in, std::uint64_t out)
{
    bytes_in_ += in;
    bytes_out_ += out;
    if (!engine_->config().server)
        engine_->add_client_bytes(in, out);
}

void Management::close()
{
    if (shell_)
        shell_->close();
}

// ---- mgmt::Host ---------------------------------------------------------------

void Management::log(mgmt::LogLevel level, std::string_view text)
{
    switch (level) {
    case mgmt::LogLevel::Management:
        log_.write(Verb::Info, mute::Management, Severity::Normal, text);
        break;
    case mgmt::LogLevel::Debug:
        log_.write(Verb::Info, mute::Debug, Severity::Normal, text);
        break;
    case mgmt::LogLevel::Warn:
        log_.write(Verb::Error, mute::None, Severity::Warning, text);
        break;
    case mgmt::LogLevel::LinkError:
        log_.write(Verb::Error, mute::LinkErrors, Severity::NonFatal, text);
        break;
    }
}

void Management::signal(mgmt::Signal sig, std::string_view reason)
{
    // 2.6 only raises the signal flag here; the daemon acts on it once the
    // command has been answered (and a pk-sig/certificate wait has ended).
    if (ask_ != Ask::None)
        ask_done_ = true;
    if (loop_ == nullptr)
        return;
    loop_->add_timer(loop_->now(), [this, s = to_io(sig), r = std::string(reason)] {
        if (mode_ != nullptr)
            mode_->mgmt_signal(s, r);
    });
}

long Management::pid()
{
    return static_cast<long>(::getpid());
}

int Management::verb()
{
    return log_.verb();
}

void Management::set_verb(int level)
{
    log_.set_verb(level);
}

void Management::set_mute(int cutoff)
{
    mute_ = cutoff;
    log_.set_mute(cutoff);
}

void Management::forget_passwords()
{
    if (mode_ != nullptr)
        mode_->forget_passwords();
}

mgmt::ByteCounts Management::link_bytes()
{
    mgmt::ByteCounts b{bytes_in_, bytes_out_};
    if (mode_ != nullptr) {
        const auto live = mode_->live_bytes();
        b.in += live.in;
        b.out += live.out;
    }
    return b;
}

mgmt::ByteCounts Management::dco_client_bytes()
{
    return mode_ != nullptr ? mode_->live_bytes() : mgmt::ByteCounts{};
}

int Management::pkcs11_id_count()
{
    return pkcs11_count_ids();
}

std::optional<mgmt::Pkcs11Id> Management::pkcs11_id_get(int index)
{
    auto e = pkcs11_get_id(index);
    if (!e)
        return std::nullopt;
    return mgmt::Pkcs11Id{std::move(e->id), base64(e->der)};
}

void Management::hold_released()
{
    if (mode_ != nullptr)
        mode_->hold_released();
}

void Management::user_pass(const mgmt::UserPassAnswer& a)
{
    if (ask_ == Ask::UserPass) {
        ask_answer_ = a.password;
        ask_done_ = true;
        return;
    }
    if (mode_ != nullptr)
        mode_->user_pass(a);
}

void Management::pk_sig(std::optional<std::string> b64)
{
    if (ask_ == Ask::PkSig) {
        ask_answer_ = std::move(b64);
        ask_done_ = true;
        return;
    }
    if (mode_ != nullptr)
        mode_->pk_sig(std::move(b64));
}

void Management::certificate(std::optional<std::string> pem)
{
    if (ask_ == Ask::Cert) {
        ask_answer_ = std::move(pem);
        ask_done_ = true;
        return;
    }
    if (mode_ != nullptr)
        mode_->certificate(std::move(pem));
}

void Management::remote_answer(const mgmt::RemoteAnswer& a)
{
    if (mode_ != nullptr)
        mode_->remote_answer(a);
}

bool Management::proxy_answer(const mgmt::ProxyAnswer& a)
{
    return mode_ != nullptr ? mode_->proxy_answer(a) : true;
}

std::string Management::status(int version)
{
    return mode_ != nullptr ? mode_->status(version) : std::string("END\n");
}

bool Management::send_cc_message(std::string_view cmd, std::string_view param)
{
    return mode_ != nullptr && mode_->send_cc_message(cmd, param);
}

std::vector<std::string> Management::remote_entries()
{
    return mode_ != nullptr ? mode_->remote_entries() : std::vector<std::string>{};
}

int Management::n_clients()
{
    return mode_ != nullptr ? mode_->n_clients() : 0;
}

int Management::kill_by_cn(std::string_view cn)
{
    return mode_ != nullptr ? mode_->kill_by_cn(cn) : 0;
}

int Management::kill_by_addr(std::uint32_t ipv4, int port)
{
    return mode_ != nullptr ? mode_->kill_by_addr(ipv4, port) : 0;
}

bool Management::kill_by_cid(std::uint64_t cid, std::optional<std::string_view> msg)
{
    return mode_ != nullptr && mode_->kill_by_cid(cid, msg);
}

bool Management::client_auth(const mgmt::ClientDecision& d)
{
    return mode_ != nullptr && mode_->client_auth(d);
}

bool Management::client_pending_auth(std::uint64_t cid, unsigned kid, std::string_view extra,
                                     unsigned timeout)
{
    return mode_ != nullptr && mode_->client_pending_auth(cid, kid, extra, timeout);
}

std::optional<std::string> Management::peer_info(std::uint64_t cid)
{
    return mode_ != nullptr ? mode_->peer_info(cid) : std::nullopt;
}

} // namespace ovpn::session
