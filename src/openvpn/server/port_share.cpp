// server/port_share.cpp: --port-share host port [dir] (2.6: ps.c and the
// stream check in socket.c). A new TCP connection is an instance, as in
// 2.6, but its first bytes are only looked at (peeked) until 2 or more
// are there; an OpenVPN client's hard reset goes on as usual, anything else
// is handed to io::PortShare, which proxies it to host:port on this loop,
// and the instance ends with 2.6's lines. The proxy is made once, after
// "Initialization Sequence Completed" as 2.6 starts its proxy process, and
// kept across SIGUSR1 (this Server lives on); a SIGHUP makes a new Server,
// so the proxied connections end there (2.6's process lives on).
#include <array>

#include "openvpn/io/port_share.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/wire/stream_probe.hpp"

namespace ovpn::server {

Status<> Server::open_port_share()
{
    if (!o_.port_share || port_share_ || !tcp_mode_)
        return Ok{};
    const std::vector<std::string>& a = *o_.port_share;
    auto target = io::resolve_port_share(a[0], a[1]);
    if (!target)
        return Err(target.error());
    std::optional<std::string> dir;
    if (a.size() > 2)
        dir = a[2];
    port_share_ = std::make_unique<io::PortShare>(loop_, log_, *target, dir);
    return Ok{};
}

// probe_port_share: true when the connection goes on as OpenVPN (or ended:
// the link reports it); false while fewer than 2 bytes came, and when it was
// handed to the proxy.
bool Server::probe_port_share(Instance& in)
{
    std::array<std::uint8_t, 3> head{};
    const io::HeadPeek p = io::peek_head(in.tcp->fd(), head, 2);
    if (p.kind == io::HeadPeek::Kind::WouldBlock)
        return false;
    in.ps_probe = false;
    if (p.kind == io::HeadPeek::Kind::Closed ||
        wire::classify_stream_head(std::span(head.data(), p.len)) != wire::StreamHead::Foreign)
        return true;
    log_.write(kV1, mute::StreamErrors, Severity::NonFatal,
               in.prefix() + " Non-OpenVPN client protocol detected");
    port_share_->redirect(in.tcp->fd());
    close_instance(in, "SIGTERM[soft,port-share-redirect] received, client-instance exiting");
    return false;
}

} // namespace ovpn::server
