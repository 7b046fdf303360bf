// session/transport.cpp: see transport.hpp.
#include "openvpn/session/transport.hpp"

#include "openvpn/io/socket_setup.hpp"

namespace ovpn::session {

io::Family proto_family(const std::string& proto)
{
    if (proto.find('4') != std::string::npos)
        return io::Family::V4;
    if (proto.find('6') != std::string::npos)
        return io::Family::V6;
    return io::Family::Any;
}

Result<io::SockAddr> local_address(const options::ConnectionEntry& ce, io::Family fam, bool tcp,
                                   bool any_is_v6)
{
    const std::string port_text = ce.lport.value_or(ce.port);
    const auto port = static_cast<std::uint16_t>(std::stoi(port_text));
    if (ce.local) {
        auto addrs =
            io::resolve(*ce.local, port, fam, tcp ? io::SockType::Stream : io::SockType::Datagram, true);
        if (!addrs || addrs->empty())
            return Err("RESOLVE: Cannot resolve host address: " + *ce.local + ":" + port_text +
                       (addrs ? std::string() : " (" + addrs.error() + ")"));
        return addrs->front();
    }
    const bool v6 = fam == io::Family::V6 || (fam == io::Family::Any && any_is_v6);
    auto any = io::SockAddr::parse_numeric(v6 ? "::" : "0.0.0.0", port);
    if (!any)
        return Err("Options error: bad --lport " + port_text);
    return *any;
}

std::optional<int> mtu_discover(const options::ConnectionEntry& ce)
{
    if (!ce.mtu_disc)
        return std::nullopt;
    return io::mtu_discover_type(*ce.mtu_disc);
}

} // namespace ovpn::session
