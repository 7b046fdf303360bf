// core/secure_file.hpp: a file that holds key material or a password read
// straight into SecureBytes, so no copy of it (a stream buffer, a string
// that grew) is left unwiped in freed memory (issue 15, finding 5).
#pragma once

#include <string>
#include <string_view>

#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn {

// read_secret_file: the whole file. The error is the system's reason only
// (callers name the file and option as they log it).
Result<SecureBytes> read_secret_file(const std::string& path);

// secret_text: the bytes as text for a parser; no copy.
inline std::string_view secret_text(const SecureBytes& b) noexcept
{
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

} // namespace ovpn
