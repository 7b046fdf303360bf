#include "openvpn/session/reneg.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

namespace ovpn::session {

int reneg_seconds(int max, std::optional<int> min, bool server, std::uint32_t random) noexcept
{
    if (max <= 0)
        return max;
    long span = 0;
    if (min)
        span = std::max<long>(static_cast<long>(max) - *min, 1);
    else if (server)
        span = std::max(max / 10, 1);
    else
        return max;
    return max - static_cast<int>(random % static_cast<std::uint32_t>(span));
}

namespace {

std::optional<int> number(const std::string& s)
{
    if (s.empty())
        return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || v < 0 || v > INT_MAX)
        return std::nullopt;
    return static_cast<int>(v);
}

} // namespace

std::optional<int> reneg_seconds_of(const std::optional<std::vector<std::string>>& args, bool server,
                                    std::uint32_t random)
{
    int max = 3600;
    std::optional<int> min;
    if (args && !args->empty()) {
        auto m = number(args->front());
        if (!m)
            return std::nullopt;
        max = *m;
        if (args->size() > 1) {
            min = number((*args)[1]);
            if (!min)
                return std::nullopt;
        }
    }
    return reneg_seconds(max, min, server, random);
}

} // namespace ovpn::session
