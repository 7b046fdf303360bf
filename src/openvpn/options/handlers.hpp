// options/handlers.hpp: the building blocks the table files (table_*.cpp) use
// to store a directive into Options. Internal to options/.
//
// Generic handlers are templates over a pointer to member, so a table row
// reads like `{"verb", 1, 1, P_MESSAGES, ..., num<&Options::verb, 0, 11>, ...}`.
// The ce_* variants write into the current ConnectionEntry (top level or the
// <connection> block being read).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "openvpn/options/table.hpp"

namespace ovpn::options::h {

// parse_int: a whole decimal number within [lo, hi].
Result<int> parse_int(const std::string& s, long lo, long hi);
// port_number: a port as 2.6 takes it (it hands the text to getaddrinfo):
// a number 0..65535 or a service name of the services database ("openvpn"),
// returned as the number's text ("1194"). 2.6 wraps numbers above 65535
// silently and retries names it cannot resolve forever; we reject both.
// Port 0 is kept: it means "any" for the local side (--lport 0); the remote
// side refuses it in validate.cpp.
Result<std::string> port_number(const std::string& s);
// fail: an error for the current directive.
Err<std::string> fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// warn: a warning line at verb 1, as 2.6's M_WARN.
void warn(Ctx& c, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

FileRef file_ref(Ctx& c, Args a, std::string_view option);

// keep: no typed field; the directive stays in Options::directives.
inline Status<> keep(Ctx&, Args)
{
    return Ok{};
}

template <auto M> Status<> flag(Ctx& c, Args)
{
    c.o.*M = true;
    return Ok{};
}
template <auto M> Status<> ce_flag(Ctx& c, Args)
{
    c.ce.*M = true;
    return Ok{};
}
template <auto M> Status<> str(Ctx& c, Args a)
{
    c.o.*M = a[0];
    return Ok{};
}
template <auto M> Status<> ce_str(Ctx& c, Args a)
{
    c.ce.*M = a[0];
    return Ok{};
}
// opt_str: a string that may be omitted ("" when given bare).
template <auto M> Status<> opt_str(Ctx& c, Args a)
{
    c.o.*M = a.empty() ? std::string() : a[0];
    return Ok{};
}
template <auto M, long Lo, long Hi> Status<> num(Ctx& c, Args a)
{
    auto v = parse_int(a[0], Lo, Hi);
    if (!v)
        return Err{v.error()};
    c.o.*M = *v;
    return Ok{};
}
template <auto M, long Lo, long Hi> Status<> ce_num(Ctx& c, Args a)
{
    auto v = parse_int(a[0], Lo, Hi);
    if (!v)
        return Err{v.error()};
    c.ce.*M = *v;
    return Ok{};
}
// list: all parameters as one vector (optional<vector<string>> field).
template <auto M> Status<> list(Ctx& c, Args a)
{
    c.o.*M = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}
// append: one more parameter vector (vector<vector<string>> field).
template <auto M> Status<> append(Ctx& c, Args a)
{
    (c.o.*M).emplace_back(a.begin(), a.end());
    return Ok{};
}
template <auto M> Status<> file(Ctx& c, Args a)
{
    c.o.*M = file_ref(c, a, "");
    return Ok{};
}
// one_of: the single parameter must be one of the listed words.
Status<> one_of(const std::string& v, std::initializer_list<const char*> words, const char* option);

} // namespace ovpn::options::h
