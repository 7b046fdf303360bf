#include "openvpn/daemon/daemon.hpp"

namespace ovpn::daemon {

int run(const options::Options& /*opts*/, Logger& log)
{
    log.write(Verb::Fatal, "Tunnel operation is not implemented yet in this build "
                           "(use --check-config to validate a configuration)");
    return 1;
}

} // namespace ovpn::daemon
