// plugin/plugin.cpp: see plugin.hpp.
#include "openvpn/plugin/plugin.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "openvpn/plugin/callbacks.hpp"
#include "openvpn/plugin/module.hpp"

namespace ovpn::plugin {
namespace {

// Lists open in this process, for abort_all() on a fatal exit.
std::mutex g_mu;
std::vector<PluginList*> g_lists;

// CStrings: a NULL-terminated char* array over owned strings; the strings
// (which may hold a password) are wiped when it goes.
class CStrings {
public:
    explicit CStrings(std::vector<std::string> s) : s_(std::move(s))
    {
        for (std::string& x : s_)
            p_.push_back(x.c_str());
        p_.push_back(nullptr);
    }
    ~CStrings()
    {
        for (std::string& x : s_)
            secure_memzero(x.data(), x.size());
    }
    CStrings(const CStrings&) = delete;
    CStrings& operator=(const CStrings&) = delete;
    const char** get() noexcept { return p_.data(); }

private:
    std::vector<std::string> s_;
    std::vector<const char*> p_;
};

// envp_of: the env set as 2.6 hands it to plugins (no script_type).
std::vector<std::string> envp_of(const script::Env& env)
{
    std::vector<std::string> out;
    for (const auto& [k, v] : env.vars())
        if (k != "script_type")
            out.push_back(k + "=" + v);
    return out;
}

// take: copy a plugin's return list and free it (values wiped first).
ReturnList take(openvpn_plugin_string_list* l)
{
    ReturnList out;
    while (l != nullptr) {
        openvpn_plugin_string_list* next = l->next;
        out.push_back({l->name ? l->name : "", l->value ? l->value : ""});
        if (l->value != nullptr)
            secure_memzero(l->value, std::char_traits<char>::length(l->value));
        std::free(l->name);
        std::free(l->value);
        std::free(l);
        l = next;
    }
    return out;
}

std::string bracketed(const std::vector<std::string>& v)
{
    std::string s;
    for (const std::string& x : v)
        s += (s.empty() ? "[" : " [") + x + "]";
    return s;
}

} // namespace

std::string default_libdir()
{
    return OVPN_PLUGIN_LIBDIR;
}

std::string resolve_path(const std::string& name, const std::string& libdir)
{
    if (name.empty() || name[0] == '/' || name[0] == '.')
        return name;
    return libdir + "/" + name;
}

std::string CallResult::value(const std::string& name) const
{
    for (const ReturnList& l : returns)
        for (const ReturnItem& i : l)
            if (i.name == name)
                return i.value;
    return {};
}

PluginList::PluginList(Logger& log, std::string libdir) : log_(log), libdir_(std::move(libdir))
{
}

PluginList::~PluginList()
{
    close();
}

Status<> PluginList::open(const std::vector<std::vector<std::string>>& specs, const script::Env& env)
{
    set_callback_logger(&log_);
    {
        std::lock_guard lk(g_mu);
        if (std::find(g_lists.begin(), g_lists.end(), this) == g_lists.end())
            g_lists.push_back(this);
    }
    for (const auto& spec : specs) {
        if (spec.empty())
            continue;
        if (spec[0][0] == '.') // 2.6 warns for these only (bare names come from the plugin directory)
            log_.logf(Verb::Error,
                      "WARNING: plugin '%s' specified by a relative pathname -- using an absolute pathname "
                      "would be more secure",
                      spec[0].c_str());
        auto m = Module::load(spec[0], resolve_path(spec[0], libdir_));
        if (!m)
            return Err(m.error());
        CStrings envp(envp_of(env));
        openvpn_plugin_string_list* ret = nullptr;
        auto st = (*m)->open(spec, envp.get(), &ret);
        (void)take(ret);
        modules_.push_back(std::move(*m)); // closed with the list even when open failed
        if (!st)
            return st;
        log_.logm(Verb::Info, mute::Plugin, "PLUGIN_INIT: POST %s '%s' intercepted=%s", spec[0].c_str(),
                  bracketed(spec).c_str(), mask_string(modules_.back()->mask()).c_str());
    }
    own_ = new_client();
    return Ok{};
}

bool PluginList::defined(int type) const noexcept
{
    return std::any_of(modules_.begin(), modules_.end(), [type](const auto& m) { return m->wants(type); });
}

CallResult PluginList::call(const Hook& hook, const script::Env& env, const ClientContexts* client)
{
    CallResult r;
    if (!defined(hook.type))
        return r;
    bool error = false, deferred = false;
    for (std::size_t i = 0; i < modules_.size(); ++i) {
        Module& m = *modules_[i];
        r.returns.emplace_back();
        if (!m.wants(hook.type))
            continue;
        std::vector<std::string> a = {m.name()};
        a.insert(a.end(), hook.args.begin(), hook.args.end());
        CStrings argv(std::move(a)), envp(envp_of(env));
        openvpn_plugin_string_list* ret = nullptr;
        const int st = m.call(hook.type, argv.get(), envp.get(), (client != nullptr ? client : &own_)->at(i),
                              hook.cert, hook.cert_depth, &ret);
        r.returns.back() = take(ret);
        log_.logm(Verb::Info, mute::Plugin, "PLUGIN_CALL: POST %s/%s status=%d", m.name().c_str(),
                  type_name(hook.type), st);
        if (st == OPENVPN_PLUGIN_FUNC_DEFERRED && !deferred)
            deferred = true;
        else if (st != OPENVPN_PLUGIN_FUNC_SUCCESS)
            error = true; // a second deferral is an error too (one auth_control_file)
        if (st == OPENVPN_PLUGIN_FUNC_ERROR)
            log_.logf(Verb::Error, "PLUGIN_CALL: plugin function %s failed with status %d: %s",
                      type_name(hook.type), st, m.name().c_str());
    }
    r.status = error      ? OPENVPN_PLUGIN_FUNC_ERROR
               : deferred ? OPENVPN_PLUGIN_FUNC_DEFERRED
                          : OPENVPN_PLUGIN_FUNC_SUCCESS;
    return r;
}

ClientContexts PluginList::new_client() const
{
    ClientContexts c;
    c.owner_ = this;
    for (const auto& m : modules_)
        c.ctx_.push_back(m->new_client());
    return c;
}

void PluginList::destroy_client(std::vector<void*>& ctx) const noexcept
{
    for (std::size_t i = 0; i < ctx.size() && i < modules_.size(); ++i)
        modules_[i]->delete_client(ctx[i]);
    ctx.clear();
}

void PluginList::close()
{
    own_ = ClientContexts{};
    for (auto& m : modules_)
        log_.logm(Verb::Info, mute::Plugin, "PLUGIN_CLOSE: %s", m->name().c_str());
    modules_.clear();
    std::lock_guard lk(g_mu);
    g_lists.erase(std::remove(g_lists.begin(), g_lists.end(), this), g_lists.end());
}

void abort_all() noexcept
{
    std::lock_guard lk(g_mu);
    for (PluginList* l : g_lists)
        for (const auto& m : l->modules_)
            m->abort();
    g_lists.clear();
}

ClientContexts::ClientContexts(ClientContexts&& o) noexcept : owner_(o.owner_), ctx_(std::move(o.ctx_))
{
    o.owner_ = nullptr;
    o.ctx_.clear();
}

ClientContexts& ClientContexts::operator=(ClientContexts&& o) noexcept
{
    if (this != &o) {
        release();
        owner_ = o.owner_;
        ctx_ = std::move(o.ctx_);
        o.owner_ = nullptr;
        o.ctx_.clear();
    }
    return *this;
}

ClientContexts::~ClientContexts()
{
    release();
}

void ClientContexts::release() noexcept
{
    if (owner_ != nullptr)
        owner_->destroy_client(ctx_);
    owner_ = nullptr;
}

} // namespace ovpn::plugin
