// core/string_class.hpp: 2.6's character classes for strings a peer chose
// (buffer.c string_mod with CC_PRINT), applied before they reach logs,
// scripts and file names: a newline in a username must not forge a log line
// or a line of a via-file credentials file.
#pragma once

#include <algorithm>
#include <string>

namespace ovpn {

// is_cc_print: 2.6's CC_PRINT: not a control character (below 32, or 127);
// bytes of UTF-8 sequences are printable.
constexpr bool is_cc_print(char c) noexcept
{
    const auto u = static_cast<unsigned char>(c);
    return u >= 32 && u != 127;
}

// remap_name: 2.6's string_mod_remap_name (usernames, passwords, common
// names, subjects): every non-CC_PRINT byte becomes '_'.
inline std::string remap_name(std::string s)
{
    std::replace_if(
        s.begin(), s.end(), [](char c) { return !is_cc_print(c); }, '_');
    return s;
}

// printable_only: 2.6's setenv_str value rule: non-CC_PRINT bytes are
// dropped.
inline std::string printable_only(std::string s)
{
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return !is_cc_print(c); }), s.end());
    return s;
}

} // namespace ovpn
