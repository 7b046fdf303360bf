// session/management.hpp: the management interface (src/openvpn/mgmt) wired
// into the daemon. One Management lives for the whole process (2.6 opens it
// once and keeps it across SIGUSR1 and SIGHUP restarts): it owns the
// sans-I/O Engine and the socket Shell, is the Engine's mgmt::Host for what
// belongs to the process (log, signals, verb, mute, auth-retry, pid, byte
// totals) and hands the rest to the ManagementMode the client or server
// installs while it runs (status, passwords, client-auth, kill, ...).
//
// The daemon's event loop is made anew for each run; bind() moves the
// sockets onto the run's loop and unbind() takes them off before the loop
// goes. src/openvpn/mgmt/README.md says which engine call belongs where.
//
// Threading: event-loop thread only.
#pragma once

#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/mgmt/engine.hpp"
#include "openvpn/mgmt/shell.hpp"
#include "openvpn/options/management_options.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::session {

// ManagementMode: the running client (p2p) or server's side of the
// management interface. The defaults answer as a mode without the feature.
class ManagementMode {
public:
    virtual ~ManagementMode() = default;

    // mgmt_signal: a signal from the management interface (`signal`,
    // --management-signal, --management-client ending): handle it as the
    // real signal `s`; `reason` is 2.6's soft-signal text ("" for `signal`).
    virtual void mgmt_signal(io::Signal s, std::string_view reason) = 0;

    // Answers to what the mode asked through Management (hold, query_*).
    virtual void hold_released() {}
    virtual void user_pass(const mgmt::UserPassAnswer&) {}
    virtual void pk_sig(std::optional<std::string>) {}
    virtual void certificate(std::optional<std::string>) {}
    virtual void remote_answer(const mgmt::RemoteAnswer&) {}
    virtual bool proxy_answer(const mgmt::ProxyAnswer&) { return true; }
    virtual void forget_passwords() {}

    // status: `status N` (the --status text, lines ending in '\n' with END).
    virtual std::string status(int version) = 0;
    // live_bytes: link bytes of the running session not yet handed to
    // Management::add_link_bytes (added to load-stats and >BYTECOUNT:).
    virtual mgmt::ByteCounts live_bytes() { return {}; }

    // client mode
    virtual bool send_cc_message(std::string_view, std::string_view) { return false; }
    virtual std::vector<std::string> remote_entries() { return {}; }

    // server mode
    virtual int n_clients() { return 0; }
    virtual int kill_by_cn(std::string_view) { return 0; }
    virtual int kill_by_addr(std::uint32_t, int) { return 0; }
    virtual bool kill_by_cid(std::uint64_t, std::optional<std::string_view>) { return false; }
    virtual bool client_auth(const mgmt::ClientDecision&) { return false; }
    virtual bool client_pending_auth(std::uint64_t, unsigned, std::string_view, unsigned) { return false; }
    virtual std::optional<std::string> peer_info(std::uint64_t) { return std::nullopt; }
};

// LogBuffer: the daemon's log lines from process start until Management
// exists (2.6 keeps every line from its start in the management log
// history), at most `limit` (2.6's initial history size, 100).
class LogBuffer {
public:
    explicit LogBuffer(std::size_t limit = 100) : limit_(limit) {}
    void add(const LogLine& l);
    struct Entry {
        std::time_t time;
        unsigned flags;
        std::string text;
    };
    std::deque<Entry> take() { return std::move(lines_); }

private:
    std::size_t limit_;
    std::deque<Entry> lines_;
};

// EnvList: a script environment kept as 2.6's env_set keeps it, for the
// >CLIENT:ENV and >UPDOWN:ENV blocks: setting a variable puts it first
// (replacing the old one), and an instance's list starts as a copy of its
// parent's made by walking the parent's list from its first entry (so in the
// reverse order).
class EnvList {
public:
    void set(std::string_view name, std::string_view value);
    void unset(std::string_view name);
    // inherit: 2.6's env_set_inherit from `parent`.
    void inherit(const EnvList& parent);
    // strings: "name=value", most recently set first.
    const std::vector<std::string>& strings() const noexcept { return items_; }

private:
    std::vector<std::string> items_; // newest first
};

// log_flags: 2.6's >LOG: flags for a logged line (mgmt::LogFlag bits).
unsigned log_flags(const LogLine& l) noexcept;

class Management final : private mgmt::Host {
public:
    // create: from the first run's options (2.6 keeps the first settings
    // across SIGHUP): reads the password file, looks up the client
    // user/group; the error is 2.6's fatal line. The log tap moves to the
    // engine (with the lines `early` kept so far). nullptr without
    // --management.
    static Result<std::unique_ptr<Management>> create(const options::Options& o, Logger& log,
                                                      std::string title, LogBuffer* early);
    ~Management() override;
    Management(const Management&) = delete;
    Management& operator=(const Management&) = delete;

    // bind: serve on this run's loop; the first time also opens the socket
    // (an error is fatal, 2.6's line) and sets the CONNECTING state.
    // unbind: before the loop goes.
    Status<> bind(io::EventLoop& loop);
    void unbind();

    // startup_hold: 2.6's hold in open_management (each start, also after
    // SIGHUP): with --management-hold, serve the loop until `hold release`
    // (true) or a signal (false: 2.6 logs "Signal received from management
    // interface, exiting" and ends).
    bool startup_hold(io::EventLoop& loop);

    // set_mode: the client or server that runs now (nullptr when it goes).
    void set_mode(ManagementMode* m) noexcept { mode_ = m; }
    // release: the client or server that ran goes: the engine leaves its
    // mode and nothing calls back into it.
    void release()
    {
        engine().detach();
        mode_ = nullptr;
    }
    mgmt::Engine& engine() noexcept { return *engine_; }
    const options::ManagementOptions& options() const noexcept { return opts_; }

    // state: engine.set_state with the wall clock.
    void state(const mgmt::StateChange& c);
    // add_link_bytes: link bytes of a session that ended (2.6 counts every
    // link read/write of the process; client: also >BYTECOUNT: totals).
    void add_link_bytes(std::uint64_t in, std::uint64_t out);
    // auth_retry: the current --auth-retry (the `auth-retry` command changes
    // it); starts as the options say.
    mgmt::AuthRetry auth_retry_mode() const noexcept { return auth_retry_; }
    // close: shut down (flushes, removes the unix socket); before exiting.
    void close();

    // ask_pk_sig / ask_certificate: 2.6's management_query_pk_sig and
    // management_query_cert, for client and server alike: send the query
    // (>PK_SIGN: / >NEED-CERTIFICATE:) and wait, serving only the
    // management socket (nothing else of the daemon runs meanwhile, as in
    // 2.6), until the client answers with `pk-sig`/`certificate` ... END.
    // Nothing when no client can be asked or a signal (real, or from the
    // management interface) ends the wait; the signal then acts as usual
    // once the caller has returned. No timeout, as 2.6.
    std::optional<std::string> ask_pk_sig(std::string_view b64, std::string_view algorithm);
    std::optional<std::string> ask_certificate(std::string_view hint);
    // ask_user_pass: the same wait for a password, needok or needstr answer
    // (2.6's get_user_pass through the management interface, e.g. a token
    // PIN: ">PASSWORD:Need '<label> token' password"); the answer's
    // password field ("ok"/"cancel" for needok). Nothing without
    // --management-query-passwords (2.6 then asks on the console).
    std::optional<std::string> ask_user_pass(const mgmt::UserPassQuery& q);

private:
    Management(Logger& log, options::ManagementOptions m, mgmt::Config ec, mgmt::ShellConfig sc,
               mgmt::AuthRetry ar);
    void tap(const LogLine& l);

    // mgmt::Host
    void log(mgmt::LogLevel level, std::string_view text) override;
    void signal(mgmt::Signal sig, std::string_view reason) override;
    long pid() override;
    int verb() override;
    void set_verb(int level) override;
    int mute() override { return mute_; }
    void set_mute(int cutoff) override;
    mgmt::AuthRetry auth_retry() override { return auth_retry_; }
    void set_auth_retry(mgmt::AuthRetry r) override { auth_retry_ = r; }
    void forget_passwords() override;
    mgmt::ByteCounts link_bytes() override;
    mgmt::ByteCounts dco_client_bytes() override;
    int pkcs11_id_count() override;
    std::optional<mgmt::Pkcs11Id> pkcs11_id_get(int index) override;
    void hold_released() override;
    void user_pass(const mgmt::UserPassAnswer& a) override;
    void pk_sig(std::optional<std::string> b64) override;
    void certificate(std::optional<std::string> pem) override;
    void remote_answer(const mgmt::RemoteAnswer& a) override;
    bool proxy_answer(const mgmt::ProxyAnswer& a) override;
    std::string status(int version) override;
    bool send_cc_message(std::string_view cmd, std::string_view param) override;
    std::vector<std::string> remote_entries() override;
    int n_clients() override;
    int kill_by_cn(std::string_view cn) override;
    int kill_by_addr(std::uint32_t ipv4, int port) override;
    bool kill_by_cid(std::uint64_t cid, std::optional<std::string_view> msg) override;
    bool client_auth(const mgmt::ClientDecision& d) override;
    bool client_pending_auth(std::uint64_t cid, unsigned kid, std::string_view extra,
                             unsigned timeout) override;
    std::optional<std::string> peer_info(std::uint64_t cid) override;

    Logger& log_;
    options::ManagementOptions opts_;
    mgmt::ShellConfig shell_cfg_;
    std::unique_ptr<mgmt::Engine> engine_;
    std::unique_ptr<mgmt::Shell> shell_;
    ManagementMode* mode_ = nullptr;
    io::EventLoop* loop_ = nullptr; // this run's loop (bind .. unbind)
    mgmt::AuthRetry auth_retry_;
    int mute_ = 0;
    std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
    bool in_tap_ = false;
    std::vector<std::pair<LogLine, std::string>> tap_queue_;
    // the start-up hold's outcome (startup_hold)
    bool hold_done_ = false, hold_signal_ = false;
    // a pk-sig / certificate wait in progress (ask_*) and its outcome
    enum class Ask : std::uint8_t { None, PkSig, Cert, UserPass };
    Ask ask_ = Ask::None;
    bool ask_done_ = false;
    std::optional<std::string> ask_answer_;
    std::optional<std::string> wait_answer(Ask kind);
};

} // namespace ovpn::session
