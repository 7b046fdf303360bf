// mgmt/engine.hpp: the management interface of OpenVPN 2.6 ("Management
// Version: 5") as a sans-I/O engine: bytes from the management client go in
// (on_input), bytes for it come out (pending_output), and the daemon reports
// what happens (set_state, log, echo, client events) and asks (hold,
// query_user_pass, ...). No sockets, no clocks: every call that needs the
// time takes `now` (wall-clock seconds, as 2.6 prints them). The socket side
// is mgmt/shell.hpp; src/openvpn/mgmt/README.md is the wiring guide.
//
// Design
//  - One client at a time (the shell never accepts a second one while one is
//    connected, as 2.6). Per-connection state (password check, real-time
//    switches, bytecount interval, multi-line input) resets on connect;
//    history buffers, hold flag, client version and env-filter level persist.
//  - Lines go out only to a connected client that passed the password (2.6's
//    M_CLIENT rule): notifications raised while nobody listens are lost,
//    except the pending prompt (>HOLD:, >PASSWORD:Need ..., >NEED-OK:,
//    >PK_SIGN:, >REMOTE:, >PROXY: ...), which the greeting repeats.
//  - 2.6 blocks in a private loop while it waits for `hold release`, a
//    password or a signature. Here those waits are states: hold() and the
//    query_*() calls return at once, the answer arrives later through Host
//    (hold_released, user_pass, pk_sig, ...), and cancel_query() ends a wait
//    that a signal interrupted.
//  - Output is bounded (Config::max_output). 2.6 grows its output list
//    without limit in its main loop and blocks the whole daemon on a client
//    that does not read while it waits in hold or for a password. Here a
//    client whose unread output would pass the bound is disconnected (with
//    the same consequences as a client that hangs up: --management-signal,
//    --management-forget-disconnect, --management-client exit).
//  - Unlike 2.6, output still unsent when a command line arrives is kept
//    (2.6 drops it), and `exit` lets the replies before it go out.
//
// Threading: event-loop thread only. Host methods may call back into the
// engine (log lines); nothing else re-enters.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/mgmt/history.hpp"
#include "openvpn/mgmt/host.hpp"
#include "openvpn/mgmt/line.hpp"

namespace ovpn::mgmt {

inline constexpr int kManagementVersion = 5;
inline constexpr int kPasswordTries = 3; // 2.6 MANAGEMENT_N_PASSWORD_RETRIES

// Config: the --management* options, as the engine needs them.
struct Config {
    // title: 2.6's title_string, shown by `help` and `version`, e.g.
    // "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] ...".
    std::string title;
    // password: first line of the --management pw-file; unset = no password.
    std::optional<std::string> password;
    bool server = false;               // --mode server (2.6 MF_SERVER)
    bool hold = false;                 // --management-hold (`hold on|off` changes it)
    bool signal_on_disconnect = false; // --management-signal
    bool forget_on_disconnect = false; // --management-forget-disconnect
    bool connect_as_client = false;    // --management-client
    bool up_down = false;              // --management-up-down
    int log_cache = 250;               // --management-log-cache
    int echo_cache = 100;              // 2.6 MANAGEMENT_ECHO_BUFFER_SIZE
    int state_cache = 100;             // 2.6 MANAGEMENT_STATE_BUFFER_SIZE
    std::optional<Signal> remap_usr1;  // --remap-usr1 SIGHUP|SIGTERM
    // max_output: unread output allowed before the client is dropped.
    std::size_t max_output = std::size_t{16} << 20;
};

// Which of 2.6's callback sets the daemon has installed (Engine::attach).
enum class Mode : std::uint8_t { None, Client, Server };

// A state change (2.6's management_set_state arguments). Pointers may be
// null; addresses that are null or all-zero print as empty fields.
struct StateChange {
    StateChange(State s = State::Initial, std::string_view why = {}) : state(s), detail(why) {}
    State state;
    std::string_view detail;          // reason ("SIGUSR1", "SUCCESS", ...)
    const in_addr* tun_ip4 = nullptr; // tunnel IPv4 (ASSIGN_IP, CONNECTED)
    const in6_addr* tun_ip6 = nullptr;
    const sockaddr* local = nullptr;  // link local address (CONNECTED)
    const sockaddr* remote = nullptr; // link remote address (CONNECTED)
};

// What query_user_pass asks for (2.6's GET_USER_PASS_* flags).
enum class QueryKind : std::uint8_t { UserPass, PasswordOnly, NeedOk, NeedStr };

struct UserPassQuery {
    UserPassQuery(std::string t, QueryKind k = QueryKind::UserPass, std::string msg = {})
        : type(std::move(t)), kind(k), message(std::move(msg))
    {
    }
    std::string type; // "Auth", "Private Key", "HTTP Proxy", "token-insertion-request", ...
    QueryKind kind;
    std::string message; // NeedOk / NeedStr: the text after " MSG:"
    // static_challenge: UserPass only; " SC:<echo>,<text>".
    std::optional<std::string> static_challenge;
    bool challenge_echo = false;
};

// ClientContext: one per server-side client instance (2.6's
// man_def_auth_context). The daemon owns it and assigns `cid` (0, 1, 2, ...
// in creation order); the engine keeps `flags`.
struct ClientContext {
    std::uint64_t cid = 0;
    unsigned flags = 0;
    std::time_t bytecount_last_update = 0;
    static constexpr unsigned kEstablished = 1u << 0;
    static constexpr unsigned kClosed = 1u << 1;
    static constexpr unsigned kInitialAuth = 1u << 2;
};

// Env: "name=value" strings in the order 2.6 prints them (its env_set list:
// the most recently set variable first).
using Env = std::span<const std::string>;

class Engine {
public:
    Engine(Host& host, Config cfg);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const Config& config() const noexcept { return cfg_; }

    // ==== the connection (called by the shell) ============================

    // on_listening: the socket listens (or connects out) again; a wait that
    // starts now logs "Need ... from management interface, waiting...".
    void on_listening();
    // on_client_connected: a client is there; `description` ends 2.6's line
    // "MANAGEMENT: <description>" ("Client connected from [AF_INET]1.2.3.4:5").
    // Sends "ENTER PASSWORD:" or the greeting (and the pending prompt).
    void on_client_connected(std::string_view description, std::time_t now);
    // on_input: bytes the client sent. Runs every complete line.
    void on_input(std::span<const char> bytes, std::time_t now);
    // on_client_closed: the socket is gone (hang-up, error, or close_requested
    // honoured). Logs "MANAGEMENT: Client disconnected" and applies
    // --management-forget-disconnect / --management-signal, or, with
    // --management-client, raises SIGTERM "management-exit".
    void on_client_closed();
    // on_connect_failed: --management-client could not connect (2.6 logs the
    // line and raises SIGTERM "management-connect-failed").
    void on_connect_failed(std::string_view log_line);
    // note: log one of the shell's own lines through Host::log.
    void note(LogLevel level, std::string_view text) { host_.log(level, text); }

    // shutdown: the management interface closes with the daemon (2.6's
    // management_close): the client is dropped without the disconnect rules.
    void shutdown();

    bool client_connected() const noexcept { return conn_ == Conn::Connected; }
    bool listening() const noexcept { return conn_ == Conn::Listening; }
    // pending_output: bytes for the client, in order; consume_output(n)
    // after sending n of them.
    std::string_view pending_output() const noexcept { return out_; }
    void consume_output(std::size_t n);
    // close_requested: the shell should send what it can of pending_output,
    // close the client socket and call on_client_closed (after exit/quit,
    // three wrong passwords, >FATAL:, or an output overflow).
    bool close_requested() const noexcept { return close_ != Close::None; }
    // set_waker: called whenever output becomes pending or a close is
    // requested (the shell arms its write watch; it must not re-enter).
    void set_waker(std::function<void()> waker) { waker_ = std::move(waker); }

    // ==== the daemon's side =================================================

    // attach: the daemon installed its callbacks for client (p2p) or server
    // mode (2.6: init_management_callback_p2p at the start of each client
    // instance, before its restart hold; init_management_callback_multi once
    // the server's top instance runs). detach: uninit_management_callback
    // (before a client instance is torn down, after the server loop ends, or
    // when a signal interrupts initialisation); it also forgets a `hold
    // release` given earlier.
    // attach also wakes the shell: a client's >BYTECOUNT: that fell due
    // while it was detached goes out now, as 2.6's main loop sends it at the
    // start of each connection attempt.
    void attach(Mode mode)
    {
        mode_ = mode;
        wake();
    }
    void detach() noexcept;
    Mode mode() const noexcept { return mode_; }

    // log: one line the daemon's logger printed (it passed --verb and
    // --mute), `flags` from LogFlag, `text` without time stamp but with 2.6's
    // per-client prefix. Kept for `log`, sent as >LOG: under `log on`; a
    // kLogFatal line is also sent as ">FATAL:text" and closes the client.
    void log(std::time_t now, unsigned flags, std::string_view text);
    // echo: an --echo / pushed echo directive (its words joined by spaces);
    // kept for `echo`, sent as >ECHO: under `echo on`.
    void echo(std::time_t now, std::string_view text, bool pull);
    // set_state: a state change (see README for who calls it when).
    void set_state(const StateChange& change, std::time_t now);

    // hold: 2.6's management_hold(holdtime): when the hold flag is set and
    // no `hold release` came since attach, send ">HOLD:Waiting for hold
    // release:<holdtime>" (once a client is there) and return true: the
    // daemon waits for Host::hold_released or calls cancel_query.
    bool hold(int holdtime);
    // would_hold: hold() would wait (2.6's management_would_hold).
    bool would_hold() const noexcept;
    // query_user_pass: ">PASSWORD:Need 'type' username/password" (or
    // password, NEED-OK, NEED-STR); the answer comes through Host::user_pass.
    // False when no management socket exists (2.6 then fails the query).
    bool query_user_pass(const UserPassQuery& q);
    // query_pk_sig: ">PK_SIGN:<b64>[,<algorithm>]" (">RSA_SIGN:<b64>" for a
    // client that never sent `version 2` or more); the answer comes through
    // Host::pk_sig once the client sent `pk-sig`, its lines and END.
    bool query_pk_sig(std::string_view b64, std::string_view algorithm);
    // query_certificate: ">NEED-CERTIFICATE:<hint>", answered by
    // `certificate` ... END through Host::certificate.
    bool query_certificate(std::string_view hint);
    // query_remote: ">REMOTE:host,port,proto" (--management-query-remote,
    // before each connection entry is tried); Host::remote_answer.
    void query_remote(std::string_view host, std::string_view port, std::string_view proto);
    // query_proxy: ">PROXY:<index>,UDP|TCP,host" (--management-query-proxy;
    // index counts from 1); Host::proxy_answer.
    void query_proxy(int index, std::string_view proto, std::string_view host);
    // cancel_query: a signal ended the wait (hold, password, signature,
    // remote, proxy) without an answer.
    void cancel_query();
    bool waiting() const noexcept { return wait_ != Wait::None; }

    // auth_failure: ">PASSWORD:Verification Failed: 'type' ['reason']".
    void auth_failure(std::string_view type, std::optional<std::string_view> reason);
    // auth_token: ">PASSWORD:Auth-Token:<token>".
    void auth_token(std::string_view token);
    // notify: ">NOTIFY:severity,type,text" (server-pushed RESTART/HALT, EEN).
    void notify(std::string_view severity, std::string_view type, std::string_view text);
    // notify_line: one real-time line as is (">INFOMSG:...").
    void notify_line(std::string_view line);
    // up_down: ">UPDOWN:UP|DOWN" + ENV block, under --management-up-down.
    void up_down(std::string_view what, Env env);

    // ---- server: client events (--management-client-auth) ----------------
    // client_connect: >CLIENT:CONNECT (or REAUTH once established),cid,kid
    // with the ENV block; the client waits for client-auth/client-deny.
    void client_connect(ClientContext& c, unsigned kid, Env env);
    void client_cr_response(const ClientContext& c, unsigned kid, Env env, std::string_view response);
    void client_established(ClientContext& c, Env env);
    void client_disconnect(ClientContext& c, Env env);
    // client_address: ">CLIENT:ADDRESS,cid,addr,primary" (addr as 2.6's
    // mroute printing: "10.8.0.6", "10.1.0.0/24", "fd00::2").
    void client_address(const ClientContext& c, std::string_view addr, bool primary);

    // ---- byte counts --------------------------------------------------------
    // add_client_bytes: link bytes read/written by a client (2.6 counts
    // every link read and write), kept across restarts for >BYTECOUNT:.
    void add_client_bytes(std::uint64_t in, std::uint64_t out) noexcept;
    // client_bytecount: server mode, whenever a client's counters move:
    // ">BYTECOUNT_CLI:cid,in,out" when `bytecount n` is on, n seconds passed
    // since its last line and the client is established.
    void client_bytecount(ClientContext& c, std::uint64_t in, std::uint64_t out, std::time_t now);
    // next_timeout / on_timeout: the client-mode >BYTECOUNT: timer.
    std::optional<std::time_t> next_timeout() const noexcept;
    void on_timeout(std::time_t now);

    // ---- flags the daemon asks about ---------------------------------------
    int client_version() const noexcept { return client_version_; }

private:
    enum class Conn : std::uint8_t { Closed, Listening, Connected };
    enum class Close : std::uint8_t { None, Normal, Exiting };
    enum class Wait : std::uint8_t { None, Hold, UserPass, PkSig, Cert, Remote, Proxy };
    enum class Extra : std::uint8_t { None, ClientAuth, PkSig, Cert };
    enum class KeyState : std::uint8_t { Undef, Solicit, Input, Ready };

    struct Command;
    using Args = std::span<const std::string>;
    static const Command kCommands[];
    static const Command* find_command(std::string_view name);

    // engine.cpp: connection, output, prompts
    bool authed() const noexcept;
    void out_line(std::string_view line);
    void out_bytes(std::string_view bytes);
    void request_close(Close kind);
    void wake();
    void welcome();
    void prompt_password();
    void check_password(const std::string& line);
    void run_line(Line& line, std::time_t now);
    void run_command(const std::string& line, std::time_t now);
    void begin_wait(Wait w, std::string prompt, const char* waiting_log);
    void end_wait();
    void reset_connection();
    // mod_signal: --remap-usr1, then 2.6's "SIGUSR1/SIGHUP ignored in hold".
    std::optional<Signal> mod_signal(Signal s) const noexcept;

    // commands.cpp, commands_server.cpp: the dispatcher
    void dispatch(Args a, std::time_t now);
    bool need(Args a, std::size_t n, bool at_least);
    void unsupported(std::string_view name);
    bool attached(Mode m) const noexcept { return mode_ == m; }
    void cmd_signal(std::string_view name);
    void cmd_history(std::string_view parm, std::string_view type, History& h, bool& realtime);
    void cmd_hold(const std::string* parm);
    void cmd_query_answer(Args a, QueryKind kind);
    void cmd_bytecount(int seconds, std::time_t now);
    void cmd_kill(std::string_view victim);
    void cmd_client_auth(Args a, bool multiline);
    void cmd_client_deny(Args a);
    void cmd_client_pending_auth(Args a);
    void cmd_client_kill(Args a);
    void cmd_remote(Args a);
    void cmd_proxy(Args a);
    void cmd_pk_sig(std::string_view name);
    void cmd_certificate();
    void cmd_remote_entry_get(Args a);
    void cmd_verb(Args a);
    void cmd_mute(Args a);
    void cmd_auth_retry(Args a);
    bool parse_cid(const std::string& s, std::uint64_t& cid);
    bool parse_uint(const std::string& s, const char* what, unsigned& v);
    void finish_client_auth(std::vector<std::string>& lines, bool overflow);

    // multiline.cpp: lines up to END
    void begin_extra(Extra kind);
    void drop_extra();
    void extra_line(std::string line);
    void extra_end();

    // notify.cpp: ENV blocks
    void env_block(std::string_view prefix, Env env, bool tail, int filter);
    void extra_env();
    void peer_info_env(std::uint64_t cid);

    Host& host_;
    Config cfg_;
    Mode mode_ = Mode::None;

    Conn conn_ = Conn::Closed;
    Close close_ = Close::None;
    bool password_ok_ = false;
    int password_tries_ = 0;
    bool state_rt_ = false, log_rt_ = false, echo_rt_ = false;
    int bytecount_secs_ = 0;
    std::time_t bytecount_last_ = 0;
    LineReader reader_;
    std::string out_;
    std::function<void()> waker_;

    // persistent across connections, as in 2.6
    bool hold_flag_ = false;
    bool hold_release_ = false;
    bool ignore_usr1_hup_ = false; // while holding
    int client_version_ = 1;
    int env_filter_ = 0;
    std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
    History log_, echo_, state_;

    // the pending wait and its prompt (2.6's special_state_msg)
    Wait wait_ = Wait::None;
    std::optional<std::string> prompt_;
    bool prompt_sent_ = false;
    QueryKind up_kind_ = QueryKind::UserPass;
    std::string up_type_, up_user_, up_pass_;
    KeyState key_state_ = KeyState::Undef, cert_state_ = KeyState::Undef;
    std::string key_desc_ = "pk-sign"; // or "rsa-sign" (2.6's reply names)

    // a multi-line command (client-auth, pk-sig, certificate) being read
    Extra extra_ = Extra::None;
    std::uint64_t extra_cid_ = 0;
    unsigned extra_kid_ = 0;
    std::vector<std::string> extra_lines_;
    std::size_t extra_size_ = 0;
    bool extra_overflow_ = false;
};

} // namespace ovpn::mgmt
