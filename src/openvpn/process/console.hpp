// process/console.hpp: reading secrets (private key passphrases,
// --auth-user-pass username/password) from the operator, as 2.6 does.
#pragma once

#include <string>

#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::process {

// read_console: print `prompt` on /dev/tty and read one line from it, echo
// off when !echo (the terminal settings are restored on every path). The
// line end is not part of the result. Err, worded like 2.6, when there is no
// terminal (e.g. under --daemon or systemd without a console).
Result<SecureBytes> read_console(const std::string& prompt, bool echo);

// read_console_fd: the same over an already open terminal fd (tests use a
// pty from openpty); `out_fd` receives the prompt.
Result<SecureBytes> read_console_fd(int in_fd, int out_fd, const std::string& prompt, bool echo);

// read_askpass_file: --askpass <file>: the first line of the file (2.6 reads
// only that line; a trailing "\r\n" or "\n" is removed). Err when the file
// cannot be read or is empty.
Result<SecureBytes> read_askpass_file(const std::string& path);

} // namespace ovpn::process
