// process/lifecycle.cpp: see lifecycle.hpp.
#include "openvpn/process/lifecycle.hpp"

#include "openvpn/options/options.hpp"

namespace ovpn::process {

Status<> after_init(const options::Options& o, Logger& log, bool keep_net_admin)
{
    (void)o;
    (void)log;
    (void)keep_net_admin;
    return Ok{};
}

void notify_status(const std::string& text)
{
    (void)text;
}

void notify_stopping()
{
}

} // namespace ovpn::process
