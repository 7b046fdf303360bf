// plugin/plugin.hpp: the plugin host (features.md §3). A PluginList holds
// the --plugin modules in config order. For each it resolves 2.6's entry
// points with dlsym (open and func: v3, else v2, else v1; close_v1 is
// required), opens it with its argv (the module path first, then the
// --plugin arguments) and the envp of the process's env set, and keeps the
// type mask the plugin asked for. call() runs one hook in every plugin whose
// mask has it, as 2.6's plugin_call_ssl: argv[0] is the module path, then
// the hook's arguments; envp is the Env as "name=value" strings without
// script_type; the results combine to error if any plugin failed, else
// deferred if one deferred, else success.
//
// Per-client contexts (client_constructor/destructor_v1) live in a
// ClientContexts, made by new_client() and destroyed with the client; calls
// without one get the list's own (made at open, as 2.6's top instance has).
//
// abort_all(): on a fatal exit, every open plugin's abort_v1, as 2.6.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "openvpn-plugin.h"
#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/script/script_runner.hpp"

namespace ovpn::plugin {

// ReturnItem: one name/value of a plugin's return_list.
struct ReturnItem {
    std::string name, value;
};
using ReturnList = std::vector<ReturnItem>;

struct CallResult {
    int status = OPENVPN_PLUGIN_FUNC_SUCCESS; // combined over all plugins
    std::vector<ReturnList> returns;          // one per plugin, config order
    bool ok() const noexcept { return status == OPENVPN_PLUGIN_FUNC_SUCCESS; }
    // value: the first plugin's return item of that name ("" if none).
    std::string value(const std::string& name) const;
};

// resolve_path: where 2.6 loads `name` from: as given when absolute or
// starting with '.', else under the plugin directory.
std::string resolve_path(const std::string& name, const std::string& libdir);
std::string default_libdir();

// Hook: the optional per-call inputs of a hook.
struct Hook {
    int type = 0;
    std::vector<std::string> args; // after argv[0]
    openvpn_x509_cert_t* cert = nullptr;
    int cert_depth = -1;
};

class Module;
class PluginList;
void abort_all() noexcept;

// ClientContexts: one client's per-plugin contexts; destroying it calls each
// plugin's client_destructor_v1.
class ClientContexts {
public:
    ClientContexts() = default;
    ClientContexts(ClientContexts&& o) noexcept;
    ClientContexts& operator=(ClientContexts&& o) noexcept;
    ~ClientContexts();
    void* at(std::size_t i) const noexcept { return i < ctx_.size() ? ctx_[i] : nullptr; }

private:
    friend class PluginList;
    void release() noexcept;
    const PluginList* owner_ = nullptr;
    std::vector<void*> ctx_;
};

class PluginList {
public:
    // PluginList: `log` must outlive it (and is where plugins' own lines go).
    explicit PluginList(Logger& log, std::string libdir = default_libdir());
    ~PluginList(); // closes every plugin (close_v1, dlclose)
    PluginList(const PluginList&) = delete;
    PluginList& operator=(const PluginList&) = delete;

    // open: load and open every spec (path, args...) in order. An error
    // (2.6 exits on it) names the module and the reason.
    Status<> open(const std::vector<std::vector<std::string>>& specs, const script::Env& env);
    bool empty() const noexcept { return modules_.empty(); }
    std::size_t size() const noexcept { return modules_.size(); }
    // defined: some plugin wants this hook type.
    bool defined(int type) const noexcept;
    // call: the hook in every plugin that wants it (see the top).
    CallResult call(const Hook& hook, const script::Env& env, const ClientContexts* client = nullptr);
    ClientContexts new_client() const;
    // close: close every plugin now (also done by the destructor).
    void close();

private:
    friend class ClientContexts;
    friend void abort_all() noexcept;
    void destroy_client(std::vector<void*>& ctx) const noexcept;
    Logger& log_;
    std::string libdir_;
    std::vector<std::unique_ptr<Module>> modules_;
    ClientContexts own_; // the process's contexts (2.6: the top instance's), for calls without a client
};

// abort_all: abort_v1 of every plugin of every open PluginList (fatal exit).
void abort_all() noexcept;

} // namespace ovpn::plugin
