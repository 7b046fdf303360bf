// mgmt/host.hpp: what the management engine needs from the daemon (Host) and
// the value types both sides exchange. The engine (engine.hpp) parses and
// answers every command itself; it calls Host only for facts it does not own
// (status text, counters, verbosity) and to hand over the management
// client's decisions (signals, passwords, client-auth, ...).
//
// Which calls the engine makes depends on what the daemon attached
// (Engine::attach): 2.6 installs one set of callbacks for client/p2p mode and
// another for server mode, and answers "ERROR: The 'X' command is not
// supported by the current daemon mode" for the rest. The table says which
// Host method serves which command, and in which mode:
//
//   command                      mode      Host call
//   status [n]                   both      status(n)
//   net                          both      (none: 2.6 on Linux says "only on Windows")
//   load-stats                   any       link_bytes(), n_clients() if server
//   signal S                     any       signal(S, "")
//   verb / mute / auth-retry     any       verb()/set_verb(), mute()/set_mute(),
//   auth_retry()/set_auth_retry() forget-passwords             any       forget_passwords() pid any pid()
//   pkcs11-id-count / -get       any       pkcs11_id_count(), pkcs11_id_get(i)
//   hold release                 any       hold_released()      (only while Engine::hold waits)
//   username/password/needok/str any       user_pass(answer)    (only while a query waits)
//   pk-sig, rsa-sig, certificate any       pk_sig(b64), certificate(text) (while asked)
//   remote ACCEPT|SKIP|MOD       client    remote_answer(a)     (only while query_remote waits)
//   proxy NONE|HTTP|SOCKS        client    proxy_answer(a)
//   cr-response R                client    send_cc_message("CR_RESPONSE", R)
//   remote-entry-count / -get    client    remote_entries()
//   nclients                     server    n_clients()
//   kill CN | kill IP:port       server    kill_by_cn(cn), kill_by_addr(ip, port)
//   client-kill CID [M]          server    kill_by_cid(cid, M)
//   client-auth[-nt], -deny      server    client_auth(decision)
//   client-pending-auth          server    client_pending_auth(...)
//   >CLIENT:... with env-filter  server    peer_info(cid), n_clients()
//
// Every method is called from the event-loop thread, from inside an Engine
// call; a Host method may call back into the Engine (log lines, state).
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ovpn::mgmt {

// OpenVPN's states as 2.6 numbers and names them (manage.h). The client-only
// ones (from Wait on) are not recorded in server mode.
enum class State : int {
    Initial = 0,
    Connecting = 1,
    AssignIp = 2,
    AddRoutes = 3,
    Connected = 4,
    Reconnecting = 5,
    Exiting = 6,
    Wait = 7,
    Auth = 8,
    GetConfig = 9,
    Resolve = 10,
    TcpConnect = 11,
    AuthPending = 12,
};

// state_name: "CONNECTING", "ASSIGN_IP", ..., "?" for an unknown value.
const char* state_name(State s) noexcept;

// The signals `signal` accepts (2.6's parse_signal: upper-case names only).
enum class Signal : std::uint8_t { Int, Term, Hup, Usr1, Usr2 };

// signal_name: "SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2".
const char* signal_name(Signal s) noexcept;

enum class AuthRetry : std::uint8_t { None, NoInteract, Interact };

// Log line classes, as the `>LOG:` flags field shows them. 2.6 prints "I"
// only for plain M_INFO lines (verb 1, no mute class), "F" fatal, "N"
// non-fatal error, "W" warning, "D" debug; most D_* lines have no letter.
enum LogFlag : unsigned {
    kLogInfo = 1u << 0,
    kLogFatal = 1u << 1,
    kLogNonFatal = 1u << 2,
    kLogWarn = 1u << 3,
    kLogDebug = 1u << 4,
};

// The engine's own log lines, as 2.6's classes: Management is D_MANAGEMENT
// (verb 3, mute class 40), Debug is D_MANAGEMENT_DEBUG (verb 3, mute class 70,
// flag D), Warn is M_WARN (verb 1), LinkError is D_LINK_ERRORS (verb 1, mute
// class 1, non-fatal).
enum class LogLevel : std::uint8_t { Management, Debug, Warn, LinkError };

// Byte counters. link_bytes(): 2.6's link_read_bytes_global /
// link_write_bytes_global (every socket read/write of the process, plus DCO's
// counters under DCO).
struct ByteCounts {
    std::uint64_t in = 0;
    std::uint64_t out = 0;
};

// The answer to a query_user_pass, handed over once complete. For Auth
// queries both fields are set; PasswordOnly / NeedOk / NeedStr carry the
// answer in `password` ("ok"/"cancel" for needok). An empty password was
// typed as "" (2.6's "[[BLANK]]" convention is undone here).
struct UserPassAnswer {
    std::string type; // "Auth", "Private Key", "HTTP Proxy", ...
    std::string username;
    std::string password;
};

// `remote` command answers (2.6's init.c management_callback_remote_cmd).
struct RemoteAnswer {
    enum class Kind : std::uint8_t { Accept, Skip, Mod } kind = Kind::Accept;
    int skip = 1;     // Skip: how many entries to advance (atoi of the word)
    std::string host; // Mod: shorter than 80 bytes
    std::string port; // Mod: shorter than 20 bytes
};

// `proxy` command answers (2.6's management_callback_proxy_cmd). `Bad` is a
// command without host and port (2.6 warns "Bad proxy command" and clears the
// query); `Unknown` names another type with host and port (no warning, the
// query is cleared too).
struct ProxyAnswer {
    enum class Kind : std::uint8_t { None, Http, Socks, Bad, Unknown } kind = Kind::None;
    std::string host, port;
    bool http_nct = false; // HTTP ... nct: no clear-text auth (PAR_NCT)
};

// client-auth / client-auth-nt / client-deny, as one decision.
struct ClientDecision {
    std::uint64_t cid = 0;
    unsigned kid = 0;
    bool allow = false;
    std::optional<std::string> reason;        // client-deny: for the log
    std::optional<std::string> client_reason; // client-deny: sent in AUTH_FAILED
    std::vector<std::string> config;          // client-auth: the lines before END
};

struct Pkcs11Id {
    std::string id, blob;
};

class Host {
public:
    virtual ~Host() = default;

    // ---- always available -------------------------------------------------

    // log: write one of the engine's own lines to the daemon's log (which
    // feeds Engine::log back for `log` history when the line passes --verb).
    virtual void log(LogLevel level, std::string_view text) = 0;

    // signal: raise `sig` in the daemon as 2.6's throw_signal (`reason`
    // empty: the `signal` command) or throw_signal_soft(sig, reason) (e.g.
    // "management-disconnect", "management-exit",
    // "management-connect-failed"). Remapping (--remap-usr1) and 2.6's
    // "ignored during hold" rule are already applied.
    virtual void signal(Signal sig, std::string_view reason) = 0;

    virtual long pid() = 0;
    virtual int verb() = 0;
    virtual void set_verb(int level) = 0; // 0..15, checked by the engine
    virtual int mute() = 0;
    virtual void set_mute(int cutoff) = 0; // >= 0, checked by the engine
    virtual AuthRetry auth_retry() = 0;
    virtual void set_auth_retry(AuthRetry r) = 0;

    // forget_passwords: 2.6's ssl_purge_auth(false) + ssl_clean_auth_token():
    // `forget-passwords`, and a client disconnect under
    // --management-forget-disconnect.
    virtual void forget_passwords() = 0;

    // link_bytes: for load-stats (see ByteCounts).
    virtual ByteCounts link_bytes() = 0;

    // dco_client_bytes: added to the client's >BYTECOUNT: totals (2.6 adds
    // the kernel's counters of the current peer under DCO).
    virtual ByteCounts dco_client_bytes() { return {}; }

    // pkcs11: we build without PKCS#11 support, so 0 / nothing by default
    // (where Debian's 2.6.14 without --pkcs11-providers aborts on an assert).
    virtual int pkcs11_id_count() { return 0; }
    virtual std::optional<Pkcs11Id> pkcs11_id_get(int index) { return std::nullopt; }

    // ---- answers to the engine's queries (see Engine::hold / query_*) ----

    virtual void hold_released() = 0;
    virtual void user_pass(const UserPassAnswer& answer) = 0;
    // pk_sig: the base64 signature lines, concatenated (2.6 joins at most
    // 2048 bytes); nullopt when the client sent no line.
    virtual void pk_sig(std::optional<std::string> b64) = 0;
    // certificate: the lines, each followed by '\n' (at most 10000 bytes).
    virtual void certificate(std::optional<std::string> pem) = 0;
    virtual void remote_answer(const RemoteAnswer& a) = 0;
    // proxy_answer: apply it; false for a refused one (2.6: an HTTP proxy on
    // a UDP connection, "HTTP proxy support only works for TCP based
    // connections"). The engine ends a pending query_proxy unless an HTTP
    // answer was refused (2.6 keeps asking then).
    virtual bool proxy_answer(const ProxyAnswer& a) = 0;

    // ---- attached (client or server) -------------------------------------

    // status: the text of `--status` in format `version` (0: the server's
    // --status-version; a client ignores it), lines separated by '\n',
    // including the final "END".
    virtual std::string status(int version) = 0;

    // ---- client mode ------------------------------------------------------

    // send_cc_message: send "CMD,PARAM" on the control channel (2.6 fails
    // when longer than its push bundle).
    virtual bool send_cc_message(std::string_view cmd, std::string_view param) = 0;
    // remote_entries: every connection entry as "host,port,proto,enabled" or
    // ",disabled" (proto as 2.6's proto2ascii: "udp", "tcp-client", ...).
    virtual std::vector<std::string> remote_entries() = 0;

    // ---- server mode ------------------------------------------------------

    virtual int n_clients() = 0;
    // kill_by_cn / kill_by_addr: SIGTERM every live instance with that
    // common name / real address (IPv4, host byte order) and port; the count.
    virtual int kill_by_cn(std::string_view cn) = 0;
    virtual int kill_by_addr(std::uint32_t ipv4, int port) = 0;
    // kill_by_cid: send RESTART (or `msg`, e.g. "HALT") to the client with
    // this CID; false when there is no such live client.
    virtual bool kill_by_cid(std::uint64_t cid, std::optional<std::string_view> msg) = 0;
    // client_auth: apply the decision to key `kid` of client `cid` (2.6's
    // tls_authenticate_key); false for an unknown client or key. 2.6 uses
    // the config lines only while the client is still authenticating.
    virtual bool client_auth(const ClientDecision& d) = 0;
    // client_pending_auth: send INFO_PRE `extra` and AUTH_PENDING with
    // `timeout` to the key; false for unknown client/key or a too long extra.
    virtual bool client_pending_auth(std::uint64_t cid, unsigned kid, std::string_view extra,
                                     unsigned timeout) = 0;
    // peer_info: the client's IV_* peer-info text ("name=value\n" lines).
    virtual std::optional<std::string> peer_info(std::uint64_t cid) = 0;
};

} // namespace ovpn::mgmt
