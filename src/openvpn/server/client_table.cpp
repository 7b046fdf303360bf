// server/client_table.cpp: the instances (one per client): made when a
// client's first control packet is accepted, found by peer id or address,
// closed (client-disconnect, data plane, pool address) and reaped.
#include "openvpn/crypto/key_files.hpp"

#include <unistd.h>

#include <ctime>

#include "openvpn/mgmt/host.hpp"
#include "openvpn/process/status.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/control_config.hpp"
#include "openvpn/session/engine_note.hpp"
#include "openvpn/session/tls_config.hpp"

namespace ovpn::server {

// ---- instances ----

// make_wrap: a fresh tls-auth / tls-crypt / tls-crypt-v2 (server) / no
// wrap from the key material read at start; nullptr after logging.
std::unique_ptr<control::ControlWrap> Server::make_wrap(std::uint32_t wall_secs)
{
    auto w = session::make_control_wrap(wrap_key_, wall_secs);
    if (!w) {
        log_.logf(kV1, "%s", w.error().c_str());
        return nullptr;
    }
    return std::move(*w);
}

Server::Instance* Server::new_instance(const io::SockAddr& from, std::unique_ptr<io::LinkSocket> tcp,
                                       const std::optional<wire::SessionId>& cookie)
{
    if (exiting_)
        return nullptr;
    auto slot = pool_->acquire();
    if (!slot) {
        log_.logf(kV1, "MULTI: new incoming connection would exceed maximum number of clients (%zu)",
                  pool_->capacity());
        return nullptr;
    }
    auto ch = new_control_channel(tcp != nullptr, cookie);
    if (!ch) {
        pool_->release(*slot);
        return nullptr;
    }
    auto in = std::make_unique<Instance>(*this);
    in->id = *slot;
    in->addr = from;
    in->addr_str = process::format_real_address(from.sa());
    session::note_engine(o_, log_, in->addr_str + " "); // 2.6: each instance sets up its crypto
    in->cc = std::move(ch);
    in->inactivity.start(o_.inactive.value_or(0), o_.inactive_bytes, loop_.now());
    if (o_.session_timeout && *o_.session_timeout > 0)
        in->session_end = loop_.now() + seconds(*o_.session_timeout);
    if (tcp) {
        in->tcp = std::move(tcp);
        for (std::size_t i = 0; i < in->tcp->batch_size(); ++i)
            in->rx.emplace_back();
        in->rx_from.assign(in->tcp->batch_size(), io::SockAddr{});
    } else {
        by_addr_.add(from, in->id);
    }
    Instance* raw = in.get();
    raw->visited = loop_.now();
    touch(*raw);
    mgmt_new_instance(*raw);
    instances_[raw->id] = std::move(in);
    log_.logf(Verb::Info, "%s TLS: Initial packet from %s", raw->addr_str.c_str(), from.to_string().c_str());
    return raw;
}

// new_control_channel: a client's control channel in the TLS server role
// (session::make_control_config, with 2.6's per-instance reneg-sec
// jitter); its session id is the cookie the client ACKed, if any
// (stateless.hpp). nullptr after logging.
std::unique_ptr<control::ControlChannel>
Server::new_control_channel(bool tcp, const std::optional<wire::SessionId>& cookie)
{
    std::unique_ptr<control::ControlWrap> wrap = make_wrap(static_cast<std::uint32_t>(std::time(nullptr)));
    if (!wrap)
        return nullptr;
    session::ControlSetup setup;
    setup.tls = tls_;
    setup.wrap = std::move(wrap);
    setup.tcp = tcp;
    auto made = session::make_control_config(o_, std::move(setup));
    if (!made) {
        log_.logf(kV1, "%s", made.error().c_str());
        return nullptr;
    }
    control::ControlConfig cc = std::move(*made);
    if (cookie) {
        cc.wrap = make_cookie_wrap(std::move(cc.wrap));
        cc.local_session_id = *cookie;
    }
    auto ch = control::ControlChannel::create(std::move(cc), loop_.now());
    if (!ch) {
        log_.logf(kV1, "%s", ch.error().c_str());
        return nullptr;
    }
    return std::move(*ch);
}

Server::Instance* Server::find_id(std::uint32_t id)
{
    auto it = instances_.find(id);
    return it == instances_.end() || it->second->dead ? nullptr : it->second.get();
}

Server::Instance* Server::find_addr(const io::SockAddr& a)
{
    const auto id = by_addr_.find(a);
    return id ? find_id(*id) : nullptr;
}

void Server::move_addr(Instance& in, const io::SockAddr& to)
{
    by_addr_.remove(in.addr, in.id);
    in.addr = to;
    in.addr_str = process::format_real_address(to.sa());
    by_addr_.add(to, in.id);
}

void Server::close_instance(Instance& in, const std::string& why)
{
    if (in.dead)
        return;
    if (!why.empty()) // 2.6's signal line of an instance (D_MULTI_LOW)
        log_.logf(Verb::Info, "%s %s", in.prefix().c_str(), why.c_str());
    in.dead = true;
    ++dead_count_;
    if (!in.tcp)
        by_addr_.remove(in.addr, in.id);
    const auto bytes = mgmt_instance_bytes(in);
    mgmt_closed(in, bytes.in, bytes.out);
    if (in.up && dp_) {
        client_disconnect(in);
        (void)dp_->del_peer(in.id);
        in.up = false;
    }
    if (in.addr_slot) {
        // free at once: a new session of this common name (which closes
        // this one) gets the same address back, as in 2.6
        pool_->release_addr(*in.addr_slot);
        in.addr_slot.reset();
    }
    if (in.tcp)
        loop_.remove_fd(in.tcp->fd());
}

// reap: the closed instances go (their pool slots too); a walk over the
// table only when one was closed since the last time.
void Server::reap()
{
    if (dead_count_ == 0)
        return;
    dead_count_ = 0;
    bool any = false;
    for (auto it = instances_.begin(); it != instances_.end();) {
        if (it->second->dead) {
            any = any || it->second->since != 0;
            unschedule(*it->second);
            pool_->release(it->first);
            it = instances_.erase(it);
        } else {
            ++it;
        }
    }
    if (any && !exiting_)
        write_status();
}

} // namespace ovpn::server
