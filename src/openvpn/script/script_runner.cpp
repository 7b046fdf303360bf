// script/script_runner.cpp: argv splitting, 2.6's argument lists, and
// fork/execve/waitpid with only our environment.
#include "openvpn/script/script_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace ovpn::script {

void Env::unset_prefix(const std::string& p)
{
    for (auto it = vars_.lower_bound(p); it != vars_.end() && it->first.compare(0, p.size(), p) == 0;)
        it = vars_.erase(it);
}

std::optional<std::string> Env::get(const std::string& name) const
{
    auto it = vars_.find(name);
    if (it == vars_.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> Env::to_strings() const
{
    std::vector<std::string> out;
    out.reserve(vars_.size());
    for (const auto& [k, v] : vars_)
        out.push_back(k + "=" + v);
    return out;
}

Result<std::vector<std::string>> split_command(const std::string& cmd)
{
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < cmd.size(); ++i) {
        char c = cmd[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < cmd.size())
                cur += cmd[++i];
            else
                cur += c;
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < cmd.size()) {
            cur += cmd[++i];
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word)
                out.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quote)
        return Err{strfmt("unterminated quote in command: %s", cmd.c_str())};
    if (in_word)
        out.push_back(std::move(cur));
    if (out.empty())
        return Err{std::string("empty command")};
    return out;
}

void add_process_env(Env& env, const ProcessFacts& f)
{
    for (const auto& [k, v] : f.setenv)
        env.set(k, v);
    if (!f.config.empty())
        env.set("config", f.config);
    env.set_int("daemon", f.daemon ? 1 : 0);
    env.set_int("daemon_log_redirect", f.log_redirect ? 1 : 0);
    env.set_int("daemon_pid", f.daemon_pid);
    env.set_int("daemon_start_time", f.start_time);
    env.set_int("verb", f.verb);
    env.set_int("time_unix", f.now_unix);
    if (!f.now_ascii.empty())
        env.set("time_ascii", f.now_ascii);
}

std::string format_time_ascii(long long unix_time)
{
    std::time_t t = static_cast<std::time_t>(unix_time);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::vector<std::string> up_down_args(const std::string& dev, unsigned tun_mtu, const std::string& local,
                                      const std::string& remote_or_mask, bool restart)
{
    return {dev, std::to_string(tun_mtu), "0", local, remote_or_mask, restart ? "restart" : "init"};
}

std::vector<std::string> ipchange_args(const std::string& addr_with_family, unsigned port)
{
    return {addr_with_family, std::to_string(port)};
}

ScriptResult ScriptRunner::run(const std::string& type, const std::string& command,
                               const std::vector<std::string>& extra_args, const Env& env)
{
    ScriptResult res;
    if (security_ < 2) {
        log_.write(Verb::Error, "WARNING: External program may not be called unless '--script-security 2' or "
                                "higher is enabled. See --help text or man page for detailed info.");
        return res;
    }
    auto argv_words = split_command(command);
    if (!argv_words) {
        log_.logf(Verb::Error, "WARNING: Failed running command (--%s): %s", type.c_str(),
                  argv_words.error().c_str());
        return res;
    }
    std::vector<std::string> args = std::move(*argv_words);
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    Env full = env;
    full.set("script_type", type);
    std::vector<std::string> envs = full.to_strings();
    std::vector<char*> argv, envp;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) {
        log_.logf(Verb::Error, "WARNING: Failed running command (--%s): fork: %s", type.c_str(),
                  std::strerror(errno));
        return res;
    }
    if (pid == 0) {
        // Child: the daemon blocks its signals for signalfd; the script
        // must start with a clean mask.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    res.ran = true;
    res.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (res.exit_status == 127) {
        log_.logf(Verb::Error, "WARNING: Failed running command (--%s): could not execute external program",
                  type.c_str());
        res.ran = false;
    } else if (res.exit_status != 0 && !exit_code_answers_) {
        log_.logf(Verb::Error,
                  "WARNING: Failed running command (--%s): external program exited with error "
                  "status: %d",
                  type.c_str(), res.exit_status);
    }
    return res;
}

} // namespace ovpn::script
