// mgmt/commands.cpp: the command table (2.6's man_dispatch_command, 41
// keywords on Linux; `network-change` exists only in Android builds) and the
// commands both modes share. Server-side commands are in
// commands_server.cpp, multi-line input in multiline.cpp.
#include <algorithm>

#include "openvpn/mgmt/engine.hpp"
#include "openvpn/mgmt/format.hpp"

namespace ovpn::mgmt {

namespace {

// 2.6's help text, line for line.
constexpr std::string_view kHelp[] = {
    "Commands:",
    "auth-retry t           : Auth failure retry mode (none,interact,nointeract).",
    "bytecount n            : Show bytes in/out, update every n secs (0=off).",
    "echo [on|off] [N|all]  : Like log, but only show messages in echo buffer.",
    "cr-response response   : Send a challenge response answer via CR_RESPONSE to server",
    "exit|quit              : Close management session.",
    "forget-passwords       : Forget passwords entered so far.",
    "help                   : Print this message.",
    "hold [on|off|release]  : Set/show hold flag to on/off state, or",
    "                         release current hold and start tunnel.",
    "kill cn                : Kill the client instance(s) having common name cn.",
    "kill IP:port           : Kill the client instance connecting from IP:port.",
    "load-stats             : Show global server load stats.",
    "log [on|off] [N|all]   : Turn on/off realtime log display",
    "                         + show last N lines or 'all' for entire history.",
    "mute [n]               : Set log mute level to n, or show level if n is absent.",
    "needok type action     : Enter confirmation for NEED-OK request of 'type',",
    "                         where action = 'ok' or 'cancel'.",
    "needstr type action    : Enter confirmation for NEED-STR request of 'type',",
    "                         where action is reply string.",
    "net                    : (Windows only) Show network info and routing table.",
    "password type p        : Enter password p for a queried OpenVPN password.",
    "remote type [host port] : Override remote directive, type=ACCEPT|MOD|SKIP.",
    "remote-entry-count     : Get number of available remote entries.",
    "remote-entry-get  i|all [j]: Get remote entry at index = i to to j-1 or all.",
    "proxy type [host port flags] : Enter dynamic proxy server info.",
    "pid                    : Show process ID of the current OpenVPN process.",
    "pkcs11-id-count        : Get number of available PKCS#11 identities.",
    "pkcs11-id-get index    : Get PKCS#11 identity at index.",
    "client-auth CID KID    : Authenticate client-id/key-id CID/KID (MULTILINE)",
    "client-auth-nt CID KID : Authenticate client-id/key-id CID/KID",
    "client-deny CID KID R [CR] : Deny auth client-id/key-id CID/KID with log reason",
    "                             text R and optional client reason text CR",
    "client-pending-auth CID KID MSG timeout : Instruct OpenVPN to send AUTH_PENDING and INFO_PRE msg",
    "                                      to the client and wait for a final client-auth/client-deny",
    "client-kill CID [M]    : Kill client instance CID with message M (def=RESTART)",
    "env-filter [level]     : Set env-var filter level",
    "rsa-sig                : Enter a signature in response to >RSA_SIGN challenge",
    "                         Enter signature base64 on subsequent lines followed by END",
    "pk-sig                 : Enter a signature in response to >PK_SIGN challenge",
    "                         Enter signature base64 on subsequent lines followed by END",
    "certificate            : Enter a client certificate in response to >NEED-CERT challenge",
    "                         Enter certificate base64 on subsequent lines followed by END",
    "signal s               : Send signal s to daemon,",
    "                         s = SIGHUP|SIGTERM|SIGUSR1|SIGUSR2.",
    "state [on|off] [N|all] : Like log, but show state history.",
    "status [n]             : Show current daemon status info using format #n.",
    "test n                 : Produce n lines of output for testing/debugging.",
    "username type u        : Enter username u for a queried OpenVPN username.",
    "verb [n]               : Set log verbosity level to n, or show if n is absent.",
    "version [n]            : Set client's version to n or show current version of daemon.",
    "END",
};

const std::string* arg(std::span<const std::string> a, std::size_t i)
{
    return i < a.size() ? &a[i] : nullptr;
}

std::optional<Signal> parse_signal(std::string_view name)
{
    static constexpr std::pair<std::string_view, Signal> kNames[] = {
        {"SIGINT", Signal::Int},   {"SIGTERM", Signal::Term}, {"SIGHUP", Signal::Hup},
        {"SIGUSR1", Signal::Usr1}, {"SIGUSR2", Signal::Usr2},
    };
    for (const auto& [n, s] : kNames)
        if (n == name)
            return s;
    return std::nullopt;
}

} // namespace

struct Engine::Command {
    std::string_view name;
    void (*run)(Engine& e, Args a, std::time_t now);
};

void Engine::dispatch(Args a, std::time_t now)
{
    if (const Command* c = find_command(a[0]))
        c->run(*this, a, now);
    else
        out_line("ERROR: unknown command, enter 'help' for more options");
}

bool Engine::need(Args a, std::size_t n, bool at_least)
{
    if (a.size() > n)
        return true;
    out_line("ERROR: the '" + a[0] + "' command requires " + (at_least ? "at least " : "") +
             std::to_string(n) + " parameter" + (n > 1 ? "s" : ""));
    return false;
}

void Engine::unsupported(std::string_view name)
{
    out_line("ERROR: The '" + std::string(name) + "' command is not supported by the current daemon mode");
}

void Engine::cmd_signal(std::string_view name)
{
    const auto sig = parse_signal(name);
    if (!sig) {
        out_line("ERROR: signal '" + std::string(name) + "' is not a known signal type");
        return;
    }
    const auto mod = mod_signal(*sig);
    if (!mod) {
        out_line("ERROR: signal '" + std::string(name) + "' is currently ignored");
        if (prompt_)
            out_line(*prompt_);
        return;
    }
    host_.signal(*mod, "");
    out_line("SUCCESS: signal " + std::string(signal_name(*mod)) + " thrown");
}

void Engine::cmd_history(std::string_view parm, std::string_view type, History& h, bool& realtime)
{
    const std::string t(type);
    int n = 0;
    if (parm == "on" || parm == "off") {
        realtime = parm == "on";
        out_line("SUCCESS: real-time " + t + " notification set to " + (realtime ? "ON" : "OFF"));
    } else if (parm == "all" || (n = c_atoi(parm)) > 0) {
        const std::size_t count = n > 0 ? static_cast<std::size_t>(n) : h.size();
        for (std::size_t i = count; i-- > 0;) {
            const HistoryEntry* e = h.recent(i);
            if (!e)
                continue;
            if (&h == &log_)
                out_line(format_log(*e));
            else if (&h == &echo_)
                out_line(format_echo(*e));
            else
                out_line(format_state(*e));
        }
        out_line("END");
    } else {
        out_line("ERROR: " + t + " parameter must be 'on' or 'off' or some number n or 'all'");
    }
}

void Engine::cmd_hold(const std::string* parm)
{
    if (!parm) {
        out_line(std::string("SUCCESS: hold=") + (hold_flag_ ? "1" : "0"));
    } else if (*parm == "on") {
        hold_flag_ = true;
        out_line("SUCCESS: hold flag set to ON");
    } else if (*parm == "off") {
        hold_flag_ = false;
        out_line("SUCCESS: hold flag set to OFF");
    } else if (*parm == "release") {
        hold_release_ = true;
        out_line("SUCCESS: hold release succeeded");
        if (wait_ == Wait::Hold) {
            end_wait();
            host_.hold_released();
        }
    } else {
        out_line("ERROR: bad hold command parameter");
    }
}

void Engine::cmd_query_answer(Args a, QueryKind which)
{
    // `which`: UserPass = username, PasswordOnly = password, NeedOk, NeedStr.
    const bool waiting = wait_ == Wait::UserPass;
    bool needed = false;
    const char* what = "";
    switch (which) {
    case QueryKind::UserPass:
        needed = waiting && up_kind_ == QueryKind::UserPass;
        what = "username";
        break;
    case QueryKind::PasswordOnly:
        needed = waiting && (up_kind_ == QueryKind::UserPass || up_kind_ == QueryKind::PasswordOnly);
        what = "password";
        break;
    case QueryKind::NeedOk:
        needed = waiting && up_kind_ == QueryKind::NeedOk;
        what = "needok-confirmation";
        break;
    case QueryKind::NeedStr:
        needed = waiting && up_kind_ == QueryKind::NeedStr;
        what = "needstr-string";
        break;
    }
    if (!needed) {
        out_line(std::string("ERROR: no ") + what + " is currently needed at this time");
        return;
    }
    if (a[1] != up_type_) {
        out_line(std::string("ERROR: ") + what + " of type '" + a[1] +
                 "' entered, but we need one of type '" + up_type_ + "'");
        return;
    }
    std::string& dest = which == QueryKind::UserPass ? up_user_ : up_pass_;
    wipe(dest);
    // 2.6 stores an empty password as "[[BLANK]]" so that it counts as given.
    dest = which == QueryKind::PasswordOnly && a[2].empty() ? "[[BLANK]]" : a[2];
    out_line("SUCCESS: '" + a[1] + "' " + what + " entered, but not yet verified");
    const bool complete =
        up_kind_ == QueryKind::UserPass ? !up_user_.empty() && !up_pass_.empty() : !up_pass_.empty();
    if (!complete)
        return;
    UserPassAnswer answer{up_type_, up_user_, up_pass_ == "[[BLANK]]" ? std::string() : up_pass_};
    wipe(up_user_);
    wipe(up_pass_);
    end_wait();
    host_.user_pass(answer);
    wipe(answer.username);
    wipe(answer.password);
}

void Engine::cmd_bytecount(int seconds, std::time_t now)
{
    if (seconds > 0) {
        bytecount_secs_ = seconds;
        bytecount_last_ = now;
    } else {
        bytecount_secs_ = 0;
    }
    out_line("SUCCESS: bytecount interval changed");
    wake(); // the shell re-reads next_timeout()
}

void Engine::cmd_verb(Args a)
{
    if (a.size() < 2) {
        out_line("SUCCESS: verb=" + std::to_string(host_.verb()));
        return;
    }
    const int level = c_atoi(a[1]);
    if (level < 0 || level > 15) {
        out_line("ERROR: verb level is out of range");
        return;
    }
    host_.set_verb(level);
    out_line("SUCCESS: verb level changed");
}

void Engine::cmd_mute(Args a)
{
    if (a.size() < 2) {
        out_line("SUCCESS: mute=" + std::to_string(host_.mute()));
        return;
    }
    const int level = c_atoi(a[1]);
    if (level < 0) {
        out_line("ERROR: mute level is out of range");
        return;
    }
    host_.set_mute(level);
    out_line("SUCCESS: mute level changed");
}

void Engine::cmd_auth_retry(Args a)
{
    static constexpr std::pair<std::string_view, AuthRetry> kModes[] = {
        {"none", AuthRetry::None}, {"nointeract", AuthRetry::NoInteract}, {"interact", AuthRetry::Interact}};
    if (a.size() < 2) {
        const AuthRetry cur = host_.auth_retry();
        for (const auto& [n, m] : kModes)
            if (m == cur)
                out_line("SUCCESS: auth-retry=" + std::string(n));
        return;
    }
    for (const auto& [n, m] : kModes) {
        if (n == a[1]) {
            host_.set_auth_retry(m);
            out_line("SUCCESS: auth-retry parameter changed");
            return;
        }
    }
    out_line("--auth-retry method must be 'interact', 'nointeract', or 'none'");
    out_line("ERROR: bad auth-retry parameter");
}

void Engine::cmd_remote_entry_get(Args a)
{
    if (!attached(Mode::Client)) {
        unsupported("remote-entry-get");
        return;
    }
    const std::vector<std::string> entries = host_.remote_entries();
    const auto count = static_cast<unsigned>(entries.size());
    auto from = static_cast<unsigned>(c_atoi(a[1]));
    unsigned to = a.size() > 2 ? static_cast<unsigned>(c_atoi(a[2])) : from + 1;
    if (a[1] == "all") {
        from = 0;
        to = count;
    }
    for (unsigned i = from; i < std::min(to, count); ++i)
        out_line(std::to_string(i) + "," + entries[i]);
    out_line("END");
}

void Engine::cmd_remote(Args a)
{
    if (!attached(Mode::Client)) {
        unsupported("remote");
        return;
    }
    RemoteAnswer r;
    bool ok = wait_ == Wait::Remote;
    if (ok && a[1] == "ACCEPT") {
        r.kind = RemoteAnswer::Kind::Accept;
    } else if (ok && a[1] == "SKIP") {
        r.kind = RemoteAnswer::Kind::Skip;
        r.skip = a.size() > 2 ? c_atoi(a[2]) : 1;
    } else if (ok && a[1] == "MOD" && a.size() > 3 && a[2].size() < 80 && a[3].size() < 20) {
        r.kind = RemoteAnswer::Kind::Mod;
        r.host = a[2];
        r.port = a[3];
    } else {
        ok = false;
    }
    if (!ok) {
        out_line("ERROR: remote command failed");
        return;
    }
    out_line("SUCCESS: remote command succeeded");
    end_wait();
    host_.remote_answer(r);
}

void Engine::cmd_proxy(Args a)
{
    if (!attached(Mode::Client)) {
        unsupported("proxy");
        return;
    }
    ProxyAnswer p;
    if (a[1] == "NONE") {
        p.kind = ProxyAnswer::Kind::None;
    } else if (a.size() > 3) {
        p.kind = a[1] == "HTTP"    ? ProxyAnswer::Kind::Http
                 : a[1] == "SOCKS" ? ProxyAnswer::Kind::Socks
                                   : ProxyAnswer::Kind::Unknown;
        p.host = a[2];
        p.port = a[3];
        p.http_nct = a.size() > 4 && a[4] == "nct";
    } else {
        p.kind = ProxyAnswer::Kind::Bad;
        host_.log(LogLevel::Warn, "Bad proxy command");
    }
    const bool ok = host_.proxy_answer(p);
    out_line(ok ? "SUCCESS: proxy command succeeded" : "ERROR: proxy command failed");
    if (wait_ == Wait::Proxy && (ok || p.kind != ProxyAnswer::Kind::Http))
        end_wait();
}

// The table lives in the class's scope, so its lambdas reach the engine's
// private members; each row is one of 2.6's keywords.
const Engine::Command Engine::kCommands[] = {
        {"exit", [](Engine& e, Args, std::time_t) { e.request_close(Close::Normal); }},
        {"quit", [](Engine& e, Args, std::time_t) { e.request_close(Close::Normal); }},
        {"help",
         [](Engine& e, Args, std::time_t) {
             e.out_line("Management Interface for " + e.cfg_.title);
             for (auto l : kHelp)
                 e.out_line(l);
         }},
        {"version",
         [](Engine& e, Args a, std::time_t) {
             if (a.size() > 1) {
                 e.client_version_ = c_atoi(a[1]);
                 return;
             }
             e.out_line("OpenVPN Version: " + e.cfg_.title);
             e.out_line("Management Version: " + std::to_string(kManagementVersion));
             e.out_line("END");
         }},
        {"pid", [](Engine& e, Args, std::time_t) { e.out_line("SUCCESS: pid=" + std::to_string(e.host_.pid())); }},
        {"nclients",
         [](Engine& e, Args, std::time_t) {
             if (!e.attached(Mode::Server))
                 return e.unsupported("nclients");
             e.out_line("SUCCESS: nclients=" + std::to_string(e.host_.n_clients()));
         }},
        {"env-filter",
         [](Engine& e, Args a, std::time_t) {
             e.env_filter_ = a.size() > 1 ? c_atoi(a[1]) : 0;
             e.out_line("SUCCESS: env_filter_level=" + std::to_string(e.env_filter_));
         }},
        {"signal",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 1, false))
                 e.cmd_signal(a[1]);
         }},
        {"load-stats",
         [](Engine& e, Args, std::time_t) {
             const int n = e.attached(Mode::Server) ? e.host_.n_clients() : 0;
             const ByteCounts b = e.host_.link_bytes();
             e.out_line("SUCCESS: nclients=" + std::to_string(n) + ",bytesin=" + std::to_string(b.in) +
                        ",bytesout=" + std::to_string(b.out));
         }},
        {"status",
         [](Engine& e, Args a, std::time_t) {
             if (e.mode_ == Mode::None)
                 return e.unsupported("status");
             const std::string text = e.host_.status(a.size() > 1 ? c_atoi(a[1]) : 0);
             std::size_t pos = 0;
             while (pos < text.size()) {
                 const std::size_t nl = std::min(text.find('\n', pos), text.size());
                 e.out_line(std::string_view(text).substr(pos, nl - pos));
                 pos = nl + 1;
             }
         }},
        {"kill",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 1, false))
                 e.cmd_kill(a[1]);
         }},
        {"verb", [](Engine& e, Args a, std::time_t) { e.cmd_verb(a); }},
        {"mute", [](Engine& e, Args a, std::time_t) { e.cmd_mute(a); }},
        {"auth-retry", [](Engine& e, Args a, std::time_t) { e.cmd_auth_retry(a); }},
        {"state",
         [](Engine& e, Args a, std::time_t) {
             if (a.size() < 2)
                 return e.cmd_history("1", "state", e.state_, e.state_rt_);
             for (std::size_t i = 1; i < std::min<std::size_t>(a.size(), 3); ++i)
                 e.cmd_history(a[i], "state", e.state_, e.state_rt_);
         }},
        {"log",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 1, true))
                 for (std::size_t i = 1; i < std::min<std::size_t>(a.size(), 3); ++i)
                     e.cmd_history(a[i], "log", e.log_, e.log_rt_);
         }},
        {"echo",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 1, true))
                 for (std::size_t i = 1; i < std::min<std::size_t>(a.size(), 3); ++i)
                     e.cmd_history(a[i], "echo", e.echo_, e.echo_rt_);
         }},
        {"username",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 2, false))
                 e.cmd_query_answer(a, QueryKind::UserPass);
         }},
        {"password",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 2, false))
                 e.cmd_query_answer(a, QueryKind::PasswordOnly);
         }},
        {"forget-passwords",
         [](Engine& e, Args, std::time_t) {
             e.host_.forget_passwords();
             e.out_line("SUCCESS: Passwords were forgotten");
         }},
        {"needok",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 2, false))
                 e.cmd_query_answer(a, QueryKind::NeedOk);
         }},
        {"needstr",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 2, false))
                 e.cmd_query_answer(a, QueryKind::NeedStr);
         }},
        {"cr-response",
         [](Engine& e, Args a, std::time_t) {
             if (!e.need(a, 1, false))
                 return;
             if (!e.attached(Mode::Client))
                 return e.unsupported("cr-repsonse"); // sic, 2.6's spelling
             const bool ok = e.host_.send_cc_message("CR_RESPONSE", a[1]);
             e.out_line(ok ? "SUCCESS: command succeeded" : "ERROR: command failed");
         }},
        {"net",
         [](Engine& e, Args, std::time_t) {
             if (e.mode_ == Mode::None)
                 return e.unsupported("net");
             e.out_line("ERROR: Sorry, this command is currently only implemented on Windows");
         }},
        {"hold", [](Engine& e, Args a, std::time_t) { e.cmd_hold(arg(a, 1)); }},
        {"bytecount",
         [](Engine& e, Args a, std::time_t now) {
             if (e.need(a, 1, false))
                 e.cmd_bytecount(c_atoi(a[1]), now);
         }},
        {"client-kill", [](Engine& e, Args a, std::time_t) { e.cmd_client_kill(a); }},
        {"client-deny", [](Engine& e, Args a, std::time_t) { e.cmd_client_deny(a); }},
        {"client-auth-nt",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 2, false))
                 e.cmd_client_auth(a, false);
         }},
        {"client-auth",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 2, false))
                 e.cmd_client_auth(a, true);
         }},
        {"client-pending-auth", [](Engine& e, Args a, std::time_t) { e.cmd_client_pending_auth(a); }},
        {"rsa-sig", [](Engine& e, Args, std::time_t) { e.cmd_pk_sig("rsa-sig"); }},
        {"pk-sig", [](Engine& e, Args, std::time_t) { e.cmd_pk_sig("pk-sig"); }},
        {"certificate", [](Engine& e, Args, std::time_t) { e.cmd_certificate(); }},
        {"pkcs11-id-count",
         [](Engine& e, Args, std::time_t) {
             e.out_line(">PKCS11ID-COUNT:" + std::to_string(e.host_.pkcs11_id_count()));
         }},
        {"pkcs11-id-get",
         [](Engine& e, Args a, std::time_t) {
             if (!e.need(a, 1, false))
                 return;
             const int i = c_atoi(a[1]);
             const std::string head = ">PKCS11ID-ENTRY:'" + std::to_string(i) + "'";
             if (auto id = e.host_.pkcs11_id_get(i))
                 e.out_line(head + ", ID:'" + id->id + "', BLOB:'" + id->blob + "'");
             else
                 e.out_line(head);
         }},
        {"remote-entry-count",
         [](Engine& e, Args, std::time_t) {
             if (!e.attached(Mode::Client))
                 return e.unsupported("remote-entry-count");
             e.out_line(std::to_string(e.host_.remote_entries().size()));
             e.out_line("END");
         }},
        {"remote-entry-get",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 1, true))
                 e.cmd_remote_entry_get(a);
         }},
        {"proxy",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 1, true))
                 e.cmd_proxy(a);
         }},
        {"remote",
         [](Engine& e, Args a, std::time_t) {
             if (e.need(a, 1, true))
                 e.cmd_remote(a);
         }},
        {"test",
         [](Engine& e, Args a, std::time_t) {
             if (!e.need(a, 1, false))
                 return;
             const int n = c_atoi(a[1]);
             for (int i = 0; i < n && e.close_ == Close::None; ++i)
                 e.out_line("[" + std::to_string(i) +
                            "] The purpose of this command is to generate large amounts of output.");
         }},
};

const Engine::Command* Engine::find_command(std::string_view name)
{
    for (const Command& c : kCommands)
        if (c.name == name)
            return &c;
    return nullptr;
}

} // namespace ovpn::mgmt
