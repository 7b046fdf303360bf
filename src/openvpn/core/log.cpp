#include "openvpn/core/log.hpp"

#include <ctime>
#include <vector>

namespace ovpn {

std::string vstrfmt(const char* fmt, std::va_list ap)
{
    std::va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    if (n <= 0)
        return {};
    std::string out(static_cast<std::size_t>(n), '\0');
    std::vsnprintf(out.data(), out.size() + 1, fmt, ap);
    return out;
}

std::string strfmt(const char* fmt, ...)
{
    std::va_list ap;
    va_start(ap, fmt);
    std::string out = vstrfmt(fmt, ap);
    va_end(ap);
    return out;
}

void Logger::logf(Verb v, const char* fmt, ...)
{
    if (!enabled(v))
        return;
    std::va_list ap;
    va_start(ap, fmt);
    std::string line = vstrfmt(fmt, ap);
    va_end(ap);
    write(v, line);
}

void Logger::write(Verb v, std::string_view line)
{
    if (!enabled(v) || out_ == nullptr)
        return;
    char stamp[32] = "";
    if (timestamps_) {
        const std::time_t t = std::time(nullptr);
        std::tm tm{};
        localtime_r(&t, &tm);
        std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S ", &tm);
    }
    std::lock_guard lock(mu_);
    std::fprintf(out_, "%s%.*s\n", stamp, static_cast<int>(line.size()), line.data());
    std::fflush(out_);
}

} // namespace ovpn
