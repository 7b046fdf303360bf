// session/transport.cpp: see transport.hpp.
#include "openvpn/session/transport.hpp"

#include "openvpn/io/socket_setup.hpp"

#include <cstdlib>
#include <cstring>

#include "openvpn/core/log.hpp"

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

namespace {
int last_int(const options::Options& o, const char* name)
{
    const options::Directive* d = o.last(name);
    return d && !d->args.empty() ? std::atoi(d->args[0].c_str()) : 0;
}
} // namespace

std::string link_fault_line(const io::LinkFault& f, bool v6, int fd)
{
    return strfmt("%s %s [%s]: %s (fd=%d,code=%d)", f.write ? "write" : "read", v6 ? "UDPv6" : "UDPv4",
                  f.detail.c_str(), std::strerror(f.err), fd, f.err);
}

SocketKnobs socket_knobs(const options::Options& o)
{
    return SocketKnobs{last_int(o, "mark"), last_int(o, "sndbuf"), last_int(o, "rcvbuf")};
}

void apply(const SocketKnobs& k, io::UdpConfig& uc)
{
    uc.mark = k.mark;
    uc.sndbuf = k.sndbuf;
    uc.rcvbuf = k.rcvbuf;
}

void apply(const SocketKnobs& k, io::TcpConfig& tc)
{
    tc.mark = k.mark;
    tc.sndbuf = k.sndbuf;
    tc.rcvbuf = k.rcvbuf;
}

std::optional<int> mtu_discover(const options::ConnectionEntry& ce)
{
    if (!ce.mtu_disc)
        return std::nullopt;
    return io::mtu_discover_type(*ce.mtu_disc);
}

} // namespace ovpn::session
