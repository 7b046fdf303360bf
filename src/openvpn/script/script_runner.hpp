// script/script_runner.hpp: run the user's scripts the way 2.6 does
// (features.md §4). The command line of --up etc. is split like a shell word
// list (quotes and backslashes, no expansion), 2.6's arguments are appended
// (§4.1), and the environment holds exactly the variables the daemon has set
// (§4.2) plus script_type. Like 2.6 (execve with its own env set), the
// program does not inherit the daemon's process environment.
//
// --script-security: 0 = run nothing but built-ins; 1 = built-ins only
// (ip/route) -> user scripts refused; 2 = user scripts allowed; 3 = also
// passwords in the environment (via-env). A refused script is logged once
// with 2.6's wording and reported as failure.
//
// run() is blocking (fork + execve + waitpid), as 2.6's openvpn_execve is;
// it is called from the event-loop thread at state changes, never per packet.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/string_class.hpp"

namespace ovpn::script {

// Env: the script environment (name -> value), ordered for stable output.
class Env {
public:
    // set: as 2.6's setenv_str, control characters in the value are dropped.
    void set(const std::string& name, const std::string& value) { vars_[name] = printable_only(value); }
    void set_int(const std::string& name, long long v) { vars_[name] = std::to_string(v); }
    void unset(const std::string& name) { vars_.erase(name); }
    // unset_prefix: drop every name starting with p (e.g. "route_").
    void unset_prefix(const std::string& p);
    std::optional<std::string> get(const std::string& name) const;
    const std::map<std::string, std::string>& vars() const noexcept { return vars_; }
    // to_envp: "NAME=value" strings for execve (the caller keeps them alive).
    std::vector<std::string> to_strings() const;

private:
    std::map<std::string, std::string> vars_;
};

// split_command: 2.6's argv parsing of a script option ("'/x y/up.sh' arg").
Result<std::vector<std::string>> split_command(const std::string& cmd);

// Arguments 2.6 appends to up/down/route-pre-down (tun): dev tun_mtu 0
// ifconfig_local ifconfig_remote|netmask init|restart.
std::vector<std::string> up_down_args(const std::string& dev, unsigned tun_mtu, const std::string& local,
                                      const std::string& remote_or_mask, bool restart);
// ipchange: "[AF_INET]1.2.3.4 1194".
std::vector<std::string> ipchange_args(const std::string& addr_with_family, unsigned port);

// ProcessFacts: what 2.6 puts into every script's environment from the
// process itself (its env set, whatever the mode): --setenv, config,
// daemon, daemon_log_redirect, daemon_pid, daemon_start_time, verb,
// time_unix, time_ascii.
struct ProcessFacts {
    std::string config; // --config file ("" if none)
    bool daemon = false, log_redirect = false;
    long long daemon_pid = 0, start_time = 0;
    int verb = 1;
    std::vector<std::pair<std::string, std::string>> setenv;
    long long now_unix = 0;
    std::string now_ascii; // "YYYY-MM-DD HH:MM:SS"
};
void add_process_env(Env& env, const ProcessFacts& f);

// format_time_ascii: 2.6's time_ascii for a unix time (local time).
std::string format_time_ascii(long long unix_time);

struct ScriptResult {
    bool ran = false;     // false: refused by script-security or exec failed
    int exit_status = -1; // the program's exit code, or -1 when killed
    bool ok() const noexcept { return ran && exit_status == 0; }
};

class ScriptRunner {
public:
    // ScriptRunner: `log` must outlive it.
    ScriptRunner(Logger& log, int script_security) : log_(log), security_(script_security) {}

    void set_script_security(int level) noexcept { security_ = level; }
    int script_security() const noexcept { return security_; }
    // set_exit_code_answers: the exit code is the script's answer (2.6's
    // S_EXITCODE, --auth-user-pass-verify): a non-zero one is not logged.
    void set_exit_code_answers(bool on) noexcept { exit_code_answers_ = on; }

    // run: execute `command` + `extra_args` with `env` plus
    // script_type=<type> ("up", "down", "route-up", "ipchange",
    // "route-pre-down", "user-pass-verify", ...). Logs failures as 2.6 does
    // ("WARNING: Failed running command (--up/--down): ...").
    ScriptResult run(const std::string& type, const std::string& command,
                     const std::vector<std::string>& extra_args, const Env& env);

private:
    Logger& log_;
    int security_;
    bool exit_code_answers_ = false;
};

} // namespace ovpn::script
