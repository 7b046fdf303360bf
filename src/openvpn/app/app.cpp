// app/app.cpp: see app.hpp.
#include "openvpn/app/app.hpp"
#include "openvpn/app/show_pkcs11.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/provider.h>

#include "openvpn/app/admission.hpp"
#include "openvpn/app/host_probe.hpp"
#include "openvpn/daemon/daemon.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/startup_warnings.hpp"
#include "openvpn/options/validate.hpp"
#include "openvpn/process/daemonize.hpp"
#include "openvpn/process/lifecycle.hpp"
#include "openvpn/process/logging.hpp"
#include "openvpn/session/management.hpp"

namespace ovpn::app {
namespace {

// take_flag: remove our own --check-config from argv (2.6 has no such option).
bool take_flag(std::vector<std::string>& args, const std::string& flag)
{
    auto it = std::find(args.begin(), args.end(), flag);
    if (it == args.end())
        return false;
    args.erase(it);
    return true;
}

int usage_error(const std::string& msg)
{
    std::fflush(stdout); // the log lines before it come first
    std::fprintf(stderr, "%s\nUse --help for more information.\n", msg.c_str());
    return 1;
}

// load_providers: --providers, as 2.6 does it before anything else reads
// the options: each named OpenSSL provider into the default library context
// (naming any, "default" included, replaces the implicit default one).
// Loaded once per process; false, logged, when one cannot be loaded.
bool load_providers(const options::Options& o, Logger& log)
{
    const options::Directive* d = o.last("providers");
    if (!d)
        return true;
    for (const auto& name : d->args) {
        if (OSSL_PROVIDER_load(nullptr, name.c_str()))
            continue;
        const char* data = nullptr;
        int flags = 0;
        while (unsigned long e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
            char buf[256];
            ERR_error_string_n(e, buf, sizeof buf);
            log.logf(Verb::Fatal, "OpenSSL: %s:%s", buf, (flags & ERR_TXT_STRING) && data ? data : "");
        }
        log.logf(Verb::Fatal, "failed to load provider '%s'", name.c_str());
        log.write(Verb::Fatal, "Exiting due to fatal error");
        return false;
    }
    return true;
}

// show_lists: the --show-* lists 2.6 prints, all that were asked for, in
// 2.6's order; the exit code.
int show_lists(const options::Options& o, Logger& log)
{
    if (o.show_ciphers)
        show_ciphers(stdout);
    if (o.show_digests)
        show_digests(stdout);
    if (o.show_engines)
        show_engines(stdout);
    if (o.show_tls && !show_tls(stdout, o, log)) {
        log.write(Verb::Fatal, "Exiting due to fatal error");
        return 1;
    }
    if (o.show_curves)
        show_curves(stdout);
    std::fflush(stdout);
    return 0;
}

// test_crypto: --test-crypto after 2.6's option checks (not the runtime
// gaps: the test runs none of the options this build lacks).
int test_crypto(const options::Options& o, Logger& log)
{
    if (o.secret) // 2.6 says this while parsing
        log.write(Verb::Error, "DEPRECATED OPTION: The option --secret is deprecated.");
    const auto errors = options::validate(o, log);
    if (!errors.empty())
        return usage_error(errors.front());
    return run_test_crypto(o, log);
}

int one_shot(const options::Options& o, Logger& log)
{
    if (o.show_version) {
        print_version(stdout);
        return 0;
    }
    if (o.show_help) {
        print_help(stdout);
        return 1; // as 2.6 (usage exit status)
    }
    if (o.show_ciphers || o.show_digests || o.show_engines || o.show_tls || o.show_curves)
        return show_lists(o, log);
    if (o.genkey)
        return run_genkey(o, log);
    if (o.mktun || o.rmtun) // 2.6: after --genkey, before everything else
        return persist_tun(o, log);
    if (o.test_crypto)
        return test_crypto(o, log);
    if (o.given("show-gateway"))
        return show_gateway(o, log);
    return show_pkcs11_ids(o, log);
}

// set_nice: --nice n, with 2.6's log lines.
void set_nice(const options::Options& o, Logger& log)
{
    if (!o.nice || *o.nice == 0)
        return;
    errno = 0;
    if (::nice(*o.nice) < 0 && errno != 0)
        log.write(Verb::Error, mute::None, Severity::Warning,
                  strfmt("WARNING: nice %d failed: %s (errno=%d)", *o.nice, std::strerror(errno), errno));
    else
        log.logf(Verb::Error, "nice %d succeeded", *o.nice);
}

// lock_memory: --mlock, as 2.6 does it: raise RLIMIT_MEMLOCK to 100 MB when
// lower, then mlockall(current and future pages).
bool lock_memory(const options::Options& o, Logger& log)
{
    if (!o.mlock)
        return true;
    constexpr rlim_t kMin = 100ull * 1024 * 1024;
    rlimit rl{};
    if (::getrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
        log.write(
            Verb::Error, mute::None, Severity::Warning,
            strfmt("WARNING: getrlimit(RLIMIT_MEMLOCK) failed: %s (errno=%d)", std::strerror(errno), errno));
    } else {
        log.logf(Verb::Error, "mlock: MEMLOCK limit: soft=%ld KB, hard=%ld KB",
                 static_cast<long>(rl.rlim_cur) / 1024, static_cast<long>(rl.rlim_max) / 1024);
        if (rl.rlim_cur < kMin) {
            log.logf(Verb::Error, "mlock: RLIMIT_MEMLOCK < %d MB, increase limit", 100);
            rl.rlim_cur = kMin;
            if (rl.rlim_max < rl.rlim_cur)
                rl.rlim_max = rl.rlim_cur;
            if (::setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
                log.write(Verb::Fatal,
                          strfmt("ERROR: setrlimit() failed: %s (errno=%d)", std::strerror(errno), errno));
                return false;
            }
        }
    }
    if (::mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
        log.write(Verb::Error, mute::None, Severity::Warning,
                  strfmt("WARNING: mlockall call failed: %s (errno=%d)", std::strerror(errno), errno));
    else
        log.write(Verb::Error, "mlockall call succeeded");
    return true;
}

// read_options: the command line and the config files it names, the logger
// then following their --verb and --suppress-timestamps.
Result<options::Options> read_options(const std::vector<std::string>& args, Logger& log)
{
    auto parsed = options::parse_config(args, log);
    if (parsed) {
        log.set_verb(parsed->verb);
        log.set_timestamps(!parsed->suppress_timestamps);
    }
    return parsed;
}

// enter_cd: --cd (2.6 changes directory while parsing, before any file is
// read); false, logged, when it fails.
bool enter_cd(const options::Options& o, Logger& log)
{
    if (!o.cd)
        return true;
    if (auto s = process::change_directory(*o.cd); !s) {
        log.write(Verb::Fatal, s.error());
        return false;
    }
    return true;
}

// admit: the checks every start makes, the first and each one after a
// SIGHUP (admission.hpp decides; --check-config asks the same), 2.6's
// start-up warnings (options/startup_warnings.hpp) and the DCO verdict (the
// first blocker, at verb 3), in 2.6's order, stored in `dco` for
// daemon::run, which chooses the data plane from it. Returns the exit code
// when the options cannot run.
std::optional<int> admit(const options::Options& o, Logger& log, options::DcoVerdict& dco)
{
    const Admission a = admission(o, log, probe_host());
    // 2.6 prints these in options_postprocess_mutate, before its checks refuse.
    const auto warnings = options::startup_warnings(o, options::stat_mode);
    for (auto p : {options::Phase::Parse, options::Phase::Mutate})
        for (const auto& w : options::in_phase(warnings, p))
            log.write(Verb::Error, w);
    if (!a.dco.enabled())
        log.write(Verb::Info, a.dco.blockers.front().message);
    if (!a.errors.empty())
        return usage_error(a.errors.front());
    if (!a.gaps.empty()) {
        for (std::size_t i = 1; i < a.gaps.size(); ++i)
            std::fprintf(stderr, "%s\n", options::format_unsupported(a.gaps[i]).c_str());
        return usage_error(options::format_unsupported(a.gaps.front()));
    }
    for (const auto& w : options::in_phase(warnings, options::Phase::Files))
        log.write(Verb::Error, w);
    dco = a.dco;
    return std::nullopt;
}

// Reload: what a SIGHUP needs to read the configuration again as the first
// start did: the arguments and the directory they were relative to.
struct Reload {
    std::vector<std::string> args;
    std::string start_dir; // "" when getcwd failed
};

// run_until_exit: daemon::run, and again with freshly read options after
// each SIGHUP (2.6's hard restart). Process set-up (--daemon, --writepid,
// logging and --mute, privileges) happens once; verb and timestamps follow
// the new options. A configuration that no longer parses or validates ends the
// process, as in 2.6.
int run_until_exit(const options::Options& first, const options::DcoVerdict& first_dco, Logger& log,
                   const Reload& reload, session::Management* mgmt)
{
    int code = daemon::run(first, first_dco, log, mgmt);
    while (code == daemon::kReloadConfig) {
        // Relative --config and --cd paths mean what they meant at start,
        // unless a --chroot has made that directory unreachable.
        if (!reload.start_dir.empty() && ::chdir(reload.start_dir.c_str()) != 0)
            log.logf(Verb::Info, "Note: cannot return to %s to re-read the configuration: %s",
                     reload.start_dir.c_str(), std::strerror(errno));
        auto parsed = read_options(reload.args, log);
        if (!parsed) {
            log.write(Verb::Fatal, parsed.error());
            log.write(Verb::Fatal, "Exiting due to fatal error");
            return 1;
        }
        const options::Options& o = *parsed;
        if (!enter_cd(o, log))
            return 1;
        options::DcoVerdict dco;
        if (auto refused = admit(o, log, dco))
            return *refused;
        code = daemon::run(o, dco, log, mgmt);
    }
    return code;
}

// start: the normal run, in 2.6's order: the checks of admit(), then
// --daemon and --writepid, tell systemd the process is set up, --nice, and
// hand over to the daemon. The pid file goes away again when the daemon
// returns (2.6 leaves it under --chroot).
int start(const options::Options& o, Logger& log, const Reload& reload, session::LogBuffer& early)
{
    options::DcoVerdict dco;
    if (auto refused = admit(o, log, dco))
        return *refused;
    auto daemonized = process::become_daemon(o, log);
    if (!daemonized) {
        log.write(Verb::Fatal, daemonized.error());
        return 1;
    }
    process::PidFile pid_file;
    if (o.writepid) {
        if (auto s = pid_file.write(*o.writepid, !o.chroot); !s) {
            log.write(Verb::Fatal, s.error());
            log.write(Verb::Fatal, "Exiting due to fatal error");
            return 1;
        }
    }
    process::notify_ready();
    process::privilege_warnings(o, log);
    set_nice(o, log);
    if (!lock_memory(o, log))
        return 1;
    // 2.6's open_management comes after --daemon and --writepid; the
    // interface then lives until the process ends (SIGHUP included).
    auto mgmt = session::Management::create(o, log, version_title(), &early);
    if (!mgmt) {
        log.write(Verb::Fatal, mgmt.error());
        log.write(Verb::Fatal, "Exiting due to fatal error");
        return 1;
    }
    if (!*mgmt)
        log.set_tap(nullptr); // no management interface: nobody keeps the lines
    const int code = run_until_exit(o, dco, log, reload, mgmt->get());
    process::notify_stopping();
    mgmt->reset();
    return code;
}

} // namespace

int run(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    const bool check = take_flag(args, "--check-config");
    Reload reload{args, {}};
    if (char* cwd = ::getcwd(nullptr, 0)) {
        reload.start_dir = cwd;
        std::free(cwd);
    }
    // 2.6 writes its messages to stdout (fatal ones to stderr only under
    // --errors-to-stderr).
    Logger log(stdout);
    // 2.6 keeps every line from its start for the management interface's
    // `log` history; the lines wait here until it exists (start()).
    session::LogBuffer early;
    log.set_tap([&early](const LogLine& l) { early.add(l); });
    auto parsed = read_options(args, log);
    if (!parsed)
        return usage_error(parsed.error());
    const options::Options& o = *parsed;
    // --version and --help end the parse in 2.6, before any provider loads.
    if (!o.show_version && !o.show_help && !load_providers(o, log))
        return 1;
    if (options::is_one_shot(o))
        return one_shot(o, log);
    if (check)
        return check_config(o, log, stdout);
    if (!enter_cd(o, log))
        return 1;
    if (auto s = process::configure_logging(log, o); !s)
        log.write(Verb::Error, mute::None, Severity::Warning, s.error()); // 2.6 keeps logging to stdout
    return start(o, log, reload, early);
}

} // namespace ovpn::app
