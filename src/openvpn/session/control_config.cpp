// session/control_config.cpp: see control_config.hpp.
#include "openvpn/session/control_config.hpp"

#include <openssl/rand.h>

#include "openvpn/session/data_options.hpp"
#include "openvpn/session/reneg.hpp"

namespace ovpn::session {

namespace {

std::uint32_t fresh_random()
{
    std::uint32_t r = 0;
    (void)RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
    return r;
}

} // namespace

Result<control::ControlConfig> make_control_config(const options::Options& o, ControlSetup s)
{
    const bool mode_server = o.is_server();
    const bool tls_server = o.tls_server || mode_server;
    control::ControlConfig cc;
    cc.is_server = tls_server;
    cc.tls = std::move(s.tls);
    cc.wrap = std::move(s.wrap);
    if (o.tls_timeout)
        cc.tls_timeout = seconds(*o.tls_timeout);
    if (o.hand_window)
        cc.hand_window = seconds(*o.hand_window);
    if (o.tran_window)
        cc.tran_window = seconds(*o.tran_window);
    auto reneg = reneg_seconds_of(o.reneg_sec, mode_server, s.random ? *s.random : fresh_random());
    if (!reneg)
        return Err(std::string("--reneg-sec: not a number"));
    cc.reneg_sec = seconds(*reneg);
    if (o.reneg_bytes)
        cc.reneg_bytes = *o.reneg_bytes;
    if (o.reneg_pkts)
        cc.reneg_packets = *o.reneg_pkts;
    const char* proto = !s.tcp ? "UDPv4" : mode_server ? "TCPv4_SERVER" : "TCPv4_CLIENT";
    cc.options_string = occ_options_string(o, proto, !tls_server);
    cc.peer_info = std::move(s.peer_info);
    return cc;
}

} // namespace ovpn::session
