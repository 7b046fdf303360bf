// app/app.cpp: see app.hpp.
#include "openvpn/app/app.hpp"

#include <algorithm>

#include "openvpn/app/host_probe.hpp"
#include "openvpn/daemon/daemon.hpp"
#include "openvpn/options/dco.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/validate.hpp"

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
    std::fprintf(stderr, "%s\nUse --help for more information.\n", msg.c_str());
    return 1;
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
    if (o.genkey)
        return run_genkey(o, log);
    log.write(Verb::Fatal, "This action (--show-*, --mktun, --rmtun, --test-crypto) is not supported yet by "
                           "this build");
    return 1;
}

// start: the normal run: validate, report the DCO verdict as 2.6 does (the
// first blocker, at verb 3), then the daemon.
int start(const options::Options& o, Logger& log)
{
    const auto errors = options::validate(o, log);
    if (!errors.empty())
        return usage_error(errors.front());
    const auto verdict = options::dco_verdict(o, probe_host());
    if (!verdict.enabled())
        log.write(Verb::Info, verdict.blockers.front().message);
    return daemon::run(o, log);
}

} // namespace

int run(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    const bool check = take_flag(args, "--check-config");
    Logger log(stderr);
    auto parsed = options::parse_config(args, log);
    if (!parsed)
        return usage_error(parsed.error());
    const options::Options& o = *parsed;
    log.set_verb(o.verb);
    log.set_timestamps(!o.suppress_timestamps);
    if (options::is_one_shot(o))
        return one_shot(o, log);
    if (check)
        return check_config(o, log, stdout);
    return start(o, log);
}

} // namespace ovpn::app
