// plugin/host.cpp: see host.hpp.
#include "openvpn/plugin/host.hpp"

#include <unistd.h>

#include <ctime>

namespace ovpn::plugin {

const char* failure_message(int type) noexcept
{
    switch (type) {
    case OPENVPN_PLUGIN_UP:
    case OPENVPN_PLUGIN_DOWN:
    case OPENVPN_PLUGIN_ROUTE_PREDOWN: // 2.6 runs it through run_up_down too
        return "ERROR: up/down plugin call failed";
    case OPENVPN_PLUGIN_ROUTE_UP:
        return "WARNING: route-up plugin call failed";
    case OPENVPN_PLUGIN_IPCHANGE:
        return "WARNING: ipchange plugin call failed";
    case OPENVPN_PLUGIN_LEARN_ADDRESS:
        return "WARNING: learn-address plugin call failed";
    case OPENVPN_PLUGIN_CLIENT_DISCONNECT:
        return "WARNING: client-disconnect plugin call failed";
    default:
        return "WARNING: plugin call failed";
    }
}

Status<> open_plugins(PluginList& pl, const options::Options& o)
{
    if (o.plugins.empty())
        return Ok{};
    script::ProcessFacts f;
    f.config = o.config.value_or("");
    f.daemon = o.daemon;
    f.log_redirect = o.log.has_value() || o.log_append.has_value();
    f.daemon_pid = static_cast<long long>(::getpid());
    f.now_unix = static_cast<long long>(std::time(nullptr));
    f.start_time = f.now_unix;
    f.now_ascii = script::format_time_ascii(f.now_unix);
    f.verb = o.verb;
    f.setenv = o.setenv;
    script::Env env;
    script::add_process_env(env, f);
    return pl.open(o.plugins, env);
}

} // namespace ovpn::plugin
