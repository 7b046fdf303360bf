// plugin/module.hpp: one loaded plugin module (internal to the layer): its
// dlopen handle, the entry points it exports and, once opened, its handle
// and type mask.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "openvpn-plugin.h"
#include "openvpn/core/result.hpp"

namespace ovpn::plugin {

struct Entry {
    openvpn_plugin_open_v1_fn open1 = nullptr;
    openvpn_plugin_open_v2_fn open2 = nullptr;
    openvpn_plugin_open_v3_fn open3 = nullptr;
    openvpn_plugin_func_v1_fn func1 = nullptr;
    openvpn_plugin_func_v2_fn func2 = nullptr;
    openvpn_plugin_func_v3_fn func3 = nullptr;
    openvpn_plugin_close_v1_fn close = nullptr;
    openvpn_plugin_abort_v1_fn abort = nullptr;
    openvpn_plugin_client_constructor_v1_fn ctor = nullptr;
    openvpn_plugin_client_destructor_v1_fn dtor = nullptr;
    openvpn_plugin_min_version_required_v1_fn min_version = nullptr;
};

class Module {
public:
    ~Module(); // close_v1 (if opened) and dlclose
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    // load: dlopen + dlsym; errors carry 2.6's wording.
    static Result<std::unique_ptr<Module>> load(const std::string& name, const std::string& file);
    // open: the plugin's open (v3, v2 or v1) with argv and envp. The argv
    // strings stay alive with the module: plugins keep pointers into them
    // (down-root's command line does), as 2.6's option strings live on.
    Status<> open(const std::vector<std::string>& argv, const char** envp, openvpn_plugin_string_list** ret);
    // call: the plugin's func (v3, v2 or v1); returns its status.
    int call(int type, const char** argv, const char** envp, void* client_ctx, openvpn_x509_cert_t* cert,
             int depth, openvpn_plugin_string_list** ret);
    void abort() noexcept;
    void* new_client() const;
    void delete_client(void* ctx) const noexcept;
    void close() noexcept;

    const std::string& name() const noexcept { return name_; }
    unsigned mask() const noexcept { return mask_; }
    bool wants(int type) const noexcept { return handle_ != nullptr && (mask_ & (1u << type)) != 0; }

private:
    Module() = default;
    std::string name_; // as configured (2.6 logs this)
    std::vector<std::string> argv_;
    std::vector<const char*> argv_ptrs_;
    void* dl_ = nullptr;
    Entry e_;
    openvpn_plugin_handle_t handle_ = nullptr;
    unsigned mask_ = (1u << OPENVPN_PLUGIN_N) - 1;
};

// type_name / mask_string: 2.6's names in its log lines ("PLUGIN_UP|...").
const char* type_name(int type) noexcept;
std::string mask_string(unsigned mask);

} // namespace ovpn::plugin
