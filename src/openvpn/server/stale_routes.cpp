// server/stale_routes.cpp: --stale-routes-check n [t], 2.6's
// check_stale_routes: every t seconds (default n) the routes no packet used
// for n seconds leave the routing table, each with a verb-7 line and
// --learn-address "delete".
//
// The data plane keeps the last-use times (data::RouteTable, MacTable:
// stamped with a coarse per-batch clock) and drops the stale entries; this
// file runs the timer and brings the server's own view (status file,
// learn-address on disconnect) in line. What comes back:
//   - a learned MAC (--dev tap): the next frame from that host learns it
//     again, as in 2.6;
//   - an iroute or the client's own address (--dev tun): nothing learns it
//     again in 2.6 either; packets to it and from it are dropped until the
//     client reconnects.
// One difference from 2.6: an iroute network counts as used when a packet
// to or from an address in it is routed. 2.6 stamps only the host routes it
// caches for such addresses, so it drops the network itself n seconds after
// the client connected however busy it is (OpenVPN issue #1063).
// Under DCO the kernel routes and says nothing about use: nothing is aged
// (2.6 ages only its own copy then; the kernel keeps routing).
#include <cstdio>
#include <cstdlib>

#include "openvpn/server/instance.hpp"
#include "openvpn/server/iroute.hpp"
#include "openvpn/server/server.hpp"

namespace ovpn::server {

namespace {

constexpr Verb kMultiDebug = Verb::Debug; // 2.6's D_MULTI_DEBUG (verb 7)

// route_text: the address as 2.6's mroute_addr_print shows it.
std::string route_text(const data::StaleRoute& r)
{
    if (r.is_mac) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", r.mac[0], r.mac[1], r.mac[2],
                      r.mac[3], r.mac[4], r.mac[5]);
        return std::string(buf) + "@" + std::to_string(r.vid); // 2.6 prints "@0" too
    }
    if (r.host) {
        const std::string net = iroute_string(r.route);
        return net.substr(0, net.find('/'));
    }
    return iroute_string(r.route);
}

bool same_route(const data::IRoute& a, const data::IRoute& b)
{
    return a.family == b.family && a.prefix_len == b.prefix_len && a.addr == b.addr;
}

} // namespace

void Server::start_stale_routes()
{
    next_stale_check_.reset();
    const options::Directive* d = o_.last("stale-routes-check");
    if (d == nullptr || d->args.empty())
        return;
    stale_age_ = std::atoi(d->args[0].c_str());
    stale_every_ = d->args.size() > 1 ? std::atoi(d->args[1].c_str()) : stale_age_;
    if (stale_age_ < 1 || stale_every_ < 1)
        return; // the option's check refused it
    log_.logf(kV1,
              "Initializing stale route check timer to run every %i seconds and to removing routes with "
              "activity timeout older than %i seconds",
              stale_every_, stale_age_);
    if (offloaded())
        log_.write(kV1, mute::None, Severity::Warning,
                   "Note: --stale-routes-check does not age the routes of the data channel offload: the "
                   "kernel routes and keeps them while the client is connected");
    next_stale_check_ = loop_.now() + seconds(stale_every_);
}

void Server::check_stale_routes(TimePoint now)
{
    next_stale_check_ = now + seconds(stale_every_);
    if (!dp_)
        return;
    log_.write(kMultiDebug, "MULTI: Checking stale routes");
    for (const data::StaleRoute& r : dp_->expire_routes(seconds(stale_age_))) {
        const std::string text = route_text(r);
        log_.logf(kMultiDebug, "MULTI: Deleting stale route for address '%s'", text.c_str());
        auto it = instances_.find(r.id);
        if (it == instances_.end() || it->second->dead)
            continue;
        forget_stale_route(*it->second, r);
        (void)learn_one(*it->second, "delete", text);
    }
}

// forget_stale_route: the instance's view of its routes loses `r` (the
// status file's ROUTING TABLE, learn-address at disconnect).
void Server::forget_stale_route(Instance& in, const data::StaleRoute& r)
{
    if (r.is_mac) {
        in.macs.erase(route_text(r));
        return;
    }
    if (r.host) {
        (r.route.family == AF_INET ? in.v4_stale : in.v6_stale) = true;
        return;
    }
    std::erase_if(in.iroutes, [&](const data::IRoute& x) { return same_route(x, r.route); });
}

} // namespace ovpn::server
