// session/privileges.cpp: see privileges.hpp.
#include "openvpn/session/privileges.hpp"

#include "openvpn/process/lifecycle.hpp"

namespace ovpn::session {

Status<> drop_privileges(const options::Options& o, const data::DataPlane& dp, Logger& log)
{
    return process::drop_privileges(o, log, dp.needs_net_admin());
}

Status<> initialization_completed(const options::Options& o, const data::DataPlane& dp, Logger& log)
{
    return process::initialization_sequence_completed(o, log, dp.needs_net_admin());
}

} // namespace ovpn::session
