// plugin/module.cpp: see module.hpp.
#include "openvpn/plugin/module.hpp"

#include <dlfcn.h>

#include <memory>

#include "openvpn/core/log.hpp"
#include "openvpn/plugin/callbacks.hpp"

namespace ovpn::plugin {
namespace {

constexpr unsigned kSupported = (1u << OPENVPN_PLUGIN_N) - 1;

template <typename F> void sym(void* dl, F& out, const char* name)
{
    out = reinterpret_cast<F>(::dlsym(dl, name));
}

std::string dl_error()
{
    const char* e = ::dlerror();
    return e != nullptr ? e : "unknown error";
}

} // namespace

const char* type_name(int type) noexcept
{
    static const char* const names[OPENVPN_PLUGIN_N] = {"PLUGIN_UP",
                                                        "PLUGIN_DOWN",
                                                        "PLUGIN_ROUTE_UP",
                                                        "PLUGIN_IPCHANGE",
                                                        "PLUGIN_TLS_VERIFY",
                                                        "PLUGIN_AUTH_USER_PASS_VERIFY",
                                                        "PLUGIN_CLIENT_CONNECT",
                                                        "PLUGIN_CLIENT_DISCONNECT",
                                                        "PLUGIN_LEARN_ADDRESS",
                                                        "PLUGIN_CLIENT_CONNECT_V2",
                                                        "PLUGIN_TLS_FINAL",
                                                        "PLUGIN_???",
                                                        "PLUGIN_ROUTE_PREDOWN",
                                                        "PLUGIN_CLIENT_CONNECT_DEFER",
                                                        "PLUGIN_CLIENT_CONNECT_DEFER_V2",
                                                        "PLUGIN_CRRESPONSE"};
    return type >= 0 && type < OPENVPN_PLUGIN_N ? names[type] : "PLUGIN_???";
}

std::string mask_string(unsigned mask)
{
    std::string s;
    for (int i = 0; i < OPENVPN_PLUGIN_N; ++i) {
        if ((mask & (1u << i)) == 0)
            continue;
        if (!s.empty())
            s += '|';
        s += type_name(i);
    }
    return s;
}

Result<std::unique_ptr<Module>> Module::load(const std::string& name, const std::string& file)
{
    std::unique_ptr<Module> m(new Module);
    m->name_ = name;
    m->dl_ = ::dlopen(file.c_str(), RTLD_NOW);
    if (m->dl_ == nullptr)
        return Err(strfmt("PLUGIN_INIT: could not load plugin shared object %s: %s", name.c_str(),
                          dl_error().c_str()));
    Entry& e = m->e_;
    sym(m->dl_, e.open1, "openvpn_plugin_open_v1");
    sym(m->dl_, e.open2, "openvpn_plugin_open_v2");
    sym(m->dl_, e.open3, "openvpn_plugin_open_v3");
    sym(m->dl_, e.func1, "openvpn_plugin_func_v1");
    sym(m->dl_, e.func2, "openvpn_plugin_func_v2");
    sym(m->dl_, e.func3, "openvpn_plugin_func_v3");
    sym(m->dl_, e.close, "openvpn_plugin_close_v1");
    sym(m->dl_, e.abort, "openvpn_plugin_abort_v1");
    sym(m->dl_, e.ctor, "openvpn_plugin_client_constructor_v1");
    sym(m->dl_, e.dtor, "openvpn_plugin_client_destructor_v1");
    sym(m->dl_, e.min_version, "openvpn_plugin_min_version_required_v1");
    if (e.close == nullptr)
        return Err(strfmt(
            "PLUGIN: could not find required symbol 'openvpn_plugin_close_v1' in plugin shared object %s",
            name.c_str()));
    if (!e.open1 && !e.open2 && !e.open3)
        return Err(strfmt("PLUGIN: symbol openvpn_plugin_open_vX is undefined in plugin: %s", name.c_str()));
    if (!e.func1 && !e.func2 && !e.func3)
        return Err(strfmt("PLUGIN: symbol openvpn_plugin_func_vX is undefined in plugin: %s", name.c_str()));
    if (e.min_version != nullptr && e.min_version() > OPENVPN_PLUGIN_VERSION)
        return Err(strfmt(
            "PLUGIN_INIT: plugin needs interface version %d, but this version of OpenVPN only supports "
            "version %d: %s",
            e.min_version(), OPENVPN_PLUGIN_VERSION, name.c_str()));
    return m;
}

Status<> Module::open(const std::vector<std::string>& args, const char** envp,
                      openvpn_plugin_string_list** ret)
{
    argv_ = args;
    argv_ptrs_.clear();
    for (const std::string& a : argv_)
        argv_ptrs_.push_back(a.c_str());
    argv_ptrs_.push_back(nullptr);
    const char** argv = argv_ptrs_.data();
    if (e_.open3 != nullptr) {
        openvpn_plugin_args_open_in in = {static_cast<int>(mask_),
                                          argv,
                                          envp,
                                          callbacks(),
                                          SSLAPI_OPENSSL,
                                          "2.6.14",
                                          OPENVPN_VERSION_MAJOR,
                                          OPENVPN_VERSION_MINOR,
                                          OPENVPN_VERSION_PATCH};
        openvpn_plugin_args_open_return out = {0, nullptr, ret};
        if (e_.open3(OPENVPN_PLUGINv3_STRUCTVER, &in, &out) == OPENVPN_PLUGIN_FUNC_SUCCESS) {
            mask_ = static_cast<unsigned>(out.type_mask);
            handle_ = out.handle;
        }
    } else if (e_.open2 != nullptr) {
        handle_ = e_.open2(&mask_, argv, envp, ret);
    } else {
        handle_ = e_.open1(&mask_, argv, envp);
    }
    if ((mask_ | kSupported) != kSupported)
        return Err(
            strfmt("PLUGIN_INIT: plugin %s expressed interest in unsupported plugin types: [want=0x%08x, "
                   "have=0x%08x]",
                   name_.c_str(), mask_, kSupported));
    if (handle_ == nullptr)
        return Err(strfmt("PLUGIN_INIT: plugin initialization function failed: %s", name_.c_str()));
    return Ok{};
}

int Module::call(int type, const char** argv, const char** envp, void* client_ctx, openvpn_x509_cert_t* cert,
                 int depth, openvpn_plugin_string_list** ret)
{
    if (e_.func3 != nullptr) {
        openvpn_plugin_args_func_in in = {type, argv, envp, handle_, client_ctx, cert != nullptr ? depth : -1,
                                          cert};
        openvpn_plugin_args_func_return out = {ret};
        return e_.func3(OPENVPN_PLUGINv3_STRUCTVER, &in, &out);
    }
    if (e_.func2 != nullptr)
        return e_.func2(handle_, type, argv, envp, client_ctx, ret);
    return e_.func1(handle_, type, argv, envp);
}

void Module::abort() noexcept
{
    if (e_.abort != nullptr && handle_ != nullptr)
        e_.abort(handle_);
}

void* Module::new_client() const
{
    return handle_ != nullptr && e_.ctor != nullptr ? e_.ctor(handle_) : nullptr;
}

void Module::delete_client(void* ctx) const noexcept
{
    if (ctx != nullptr && e_.dtor != nullptr)
        e_.dtor(handle_, ctx);
}

void Module::close() noexcept
{
    if (handle_ != nullptr)
        e_.close(handle_);
    handle_ = nullptr;
}

Module::~Module()
{
    close();
    if (dl_ != nullptr)
        ::dlclose(dl_);
}

} // namespace ovpn::plugin
