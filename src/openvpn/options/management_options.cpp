// options/management_options.cpp: gathering and checking the --management*
// options (2.6's add_option cases and management_flags).
#include "openvpn/options/management_options.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "openvpn/options/handlers.hpp"

namespace ovpn::options {

namespace {

// c_atoi: atoi() as 2.6 uses it ("10x" is 10, "x" is 0), without its
// undefined overflow.
long c_atoi(const std::string& s)
{
    errno = 0;
    const long v = std::strtol(s.c_str(), nullptr, 10);
    return errno == ERANGE ? (v < 0 ? INT_MIN : INT_MAX) : v;
}

// external_key_flag: set the flag `name` names; false for another word.
bool external_key_flag(ExternalKeyFlags& f, const std::string& name)
{
    if (name == "nopadding")
        f.nopadding = true;
    else if (name == "pkcs1")
        f.pkcs1 = true;
    else if (name == "pss")
        f.pss = true;
    else if (name == "digest")
        f.digest = true;
    else
        return false;
    return true;
}

ExternalKeyFlags external_key_flags(const Options& o)
{
    ExternalKeyFlags f;
    for (const auto& d : o.directives)
        if (d.name == "management-external-key")
            for (const auto& a : d.args)
                external_key_flag(f, a);
    if (!f.nopadding && !f.pkcs1)
        f.pkcs1 = true;
    return f;
}

} // namespace

std::optional<ManagementOptions> management_options(const Options& o)
{
    if (!o.management || o.management->size() < 2)
        return std::nullopt;
    ManagementOptions m;
    const auto& args = *o.management;
    m.address = args[0];
    m.port = args[1];
    m.unix_socket = args[1] == "unix";
    if (args.size() > 2)
        m.password_file = args[2];
    m.connect_as_client = o.given("management-client");
    m.over_tunnel = !m.unix_socket && !m.connect_as_client && m.address == "tunnel";
    m.query_passwords = o.management_query_passwords;
    m.query_remote = o.given("management-query-remote");
    m.query_proxy = o.management_query_proxy;
    m.hold = o.management_hold;
    m.signal_on_disconnect = o.given("management-signal");
    m.forget_on_disconnect = o.given("management-forget-disconnect");
    m.up_down = o.given("management-up-down");
    m.client_auth = o.management_client_auth;
    if (o.management_external_key)
        m.external_key = external_key_flags(o);
    m.external_cert = o.management_external_cert;
    m.client_user = o.management_client_user;
    m.client_group = o.management_client_group;
    if (const Directive* d = o.last("management-log-cache"))
        m.log_cache = static_cast<int>(c_atoi(d->args[0]));
    return m;
}

namespace h {

Status<> management_log_cache(Ctx&, Args a)
{
    if (c_atoi(a[0]) < 1)
        return fail("--management-log-cache parameter is out of range");
    return Ok{};
}

Status<> management_external_key(Ctx& c, Args a)
{
    ExternalKeyFlags f;
    for (const auto& flag : a)
        if (!external_key_flag(f, flag))
            return fail("Unknown management-external-key flag: %s", flag.c_str());
    c.o.management_external_key = true;
    return Ok{};
}

} // namespace h

} // namespace ovpn::options
