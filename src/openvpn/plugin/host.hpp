// plugin/host.hpp: what the daemon, client and server need around a
// PluginList: opening the --plugin list with 2.6's start-up environment, and
// calling a hook where no plugin may be configured (pl == nullptr).
#pragma once

#include "openvpn/options/options.hpp"
#include "openvpn/plugin/plugin.hpp"

namespace ovpn::plugin {

// open_plugins: every --plugin of `o`, in order, with the env set 2.6 has
// when it opens them (--setenv, config, daemon, daemon_log_redirect,
// daemon_pid, daemon_start_time, verb, time). Nothing to do without --plugin.
Status<> open_plugins(PluginList& pl, const options::Options& o);

// failure_message: 2.6's line when a hook's plugins failed ("ERROR: up/down
// plugin call failed", "WARNING: route-up plugin call failed", ...).
const char* failure_message(int type) noexcept;

// wants: pl is set and some plugin intercepts `type`.
inline bool wants(const PluginList* pl, int type)
{
    return pl != nullptr && pl->defined(type);
}

// call: the hook in pl's plugins; success when pl is null or none wants it.
inline CallResult call(PluginList* pl, const Hook& h, const script::Env& env,
                       const ClientContexts* c = nullptr)
{
    return pl != nullptr ? pl->call(h, env, c) : CallResult{};
}

} // namespace ovpn::plugin
