// options/handlers.cpp: the non-template helpers of handlers.hpp.
#include "openvpn/options/handlers.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdlib>

#include <netdb.h>
#include <netinet/in.h>

namespace ovpn::options::h {

Result<int> parse_int(const std::string& s, long lo, long hi)
{
    if (s.empty())
        return Err{std::string("empty number")};
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (errno != 0 || end == s.c_str() || *end != '\0')
        return Err{strfmt("'%s' is not a number", s.c_str())};
    if (v < lo || v > hi)
        return Err{strfmt("%ld is out of range %ld..%ld", v, lo, hi)};
    return static_cast<int>(v);
}

Result<std::string> port_number(const std::string& s)
{
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
        auto v = parse_int(s, 0, 65535);
        if (v)
            return std::to_string(*v);
    } else if (const servent* se = s.empty() ? nullptr : ::getservbyname(s.c_str(), nullptr)) {
        return std::to_string(ntohs(static_cast<std::uint16_t>(se->s_port)));
    }
    return Err{strfmt("bad port '%s' (must be 0..65535 or a service name)", s.c_str())};
}

Err<std::string> fail(const char* fmt, ...)
{
    std::va_list ap;
    va_start(ap, fmt);
    std::string s = vstrfmt(fmt, ap);
    va_end(ap);
    return Err{std::move(s)};
}

void warn(Ctx& c, const char* fmt, ...)
{
    std::va_list ap;
    va_start(ap, fmt);
    std::string s = vstrfmt(fmt, ap);
    va_end(ap);
    c.log.write(Verb::Error, s);
}

FileRef file_ref(Ctx& c, Args a, std::string_view option)
{
    FileRef f;
    f.is_inline = c.is_inline;
    (c.is_inline ? f.content : f.path) = a[0];
    f.origin = c.at;
    f.option = std::string(option.empty() ? c.name : option);
    return f;
}

Status<> one_of(const std::string& v, std::initializer_list<const char*> words, const char* option)
{
    std::string all;
    for (const char* w : words) {
        if (v == w)
            return Ok{};
        all += all.empty() ? "" : "|";
        all += w;
    }
    return Err{strfmt("--%s must be %s, not '%s'", option, all.c_str(), v.c_str())};
}

} // namespace ovpn::options::h
