// process/console.cpp: see console.hpp.
#include "openvpn/process/console.hpp"

namespace ovpn::process {

Result<SecureBytes> read_console(const std::string& prompt, bool echo)
{
    (void)prompt;
    (void)echo;
    return Err(std::string("ERROR: could not read from the console: not implemented yet"));
}

Result<SecureBytes> read_console_fd(int in_fd, int out_fd, const std::string& prompt, bool echo)
{
    (void)in_fd;
    (void)out_fd;
    (void)prompt;
    (void)echo;
    return Err(std::string("ERROR: could not read from the console: not implemented yet"));
}

Result<SecureBytes> read_askpass_file(const std::string& path)
{
    (void)path;
    return Err(std::string("--askpass: not implemented yet"));
}

} // namespace ovpn::process
