// options/handlers.cpp: the non-template helpers of handlers.hpp.
#include "openvpn/options/handlers.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdlib>

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

Status<> check_port(const std::string& s)
{
    auto v = parse_int(s, 1, 65535);
    if (!v)
        return Err{strfmt("bad port '%s' (must be 1..65535)", s.c_str())};
    return Ok{};
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
