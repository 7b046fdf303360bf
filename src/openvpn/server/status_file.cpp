// server/status_file.cpp: the --status file and SIGUSR2's status in the log
// (process/status.hpp formats both as 2.6), and --ifconfig-pool-persist.
#include "openvpn/server/instance.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include "openvpn/process/status.hpp"
#include "openvpn/server/iroute.hpp"
#include "openvpn/server/server.hpp"

namespace ovpn::server {

// status_text: 2.6's multi_print_status for `version` (the --status file,
// SIGUSR2 and the management `status` command share it): every instance not
// halted, with its counters from one stats_all (one GET_PEER dump under DCO,
// as 2.6 does per status) plus its control channel's.
std::string Server::status_text(int version)
{
    refresh_stats();
    const std::time_t now = std::time(nullptr);
    std::vector<process::ServerClientRow> rows;
    for (const auto& [id, in] : instances_) {
        if (in->dead)
            continue;
        process::ServerClientRow c;
        c.common_name = in->cn;
        c.real_address = in->addr_str;
        if (in->v4)
            c.virtual_address = v4_string(*in->v4);
        if (in->v6)
            c.virtual_ipv6 = v6_string(*in->v6);
        c.username = in->username;
        c.bytes_received = in->stats.link_rx_bytes + in->ctl_rx_bytes;
        c.bytes_sent = in->stats.link_tx_bytes + in->ctl_tx_bytes;
        c.connected_since = in->created; // 2.6's mi->created
        c.last_ref = now;
        c.client_id = in->mctx.cid;
        c.peer_id = in->ncp && in->ncp->data_v2 ? id : data::kUndefinedPeerId;
        c.cipher = in->ncp ? in->ncp->cipher : "";
        if (tap_mode()) { // 2.6 routes frames by MAC: those are its rows
            c.routes_only = true;
            for (const auto& m : in->macs)
                c.routes.push_back({m, c.last_ref, false});
        } else if (!in->iroutes.empty()) {
            if (in->v4 && !in->v4_stale)
                c.routes.push_back({c.virtual_address, c.last_ref, false});
            if (in->v6 && !in->v6_stale)
                c.routes.push_back({c.virtual_ipv6, c.last_ref, false});
            for (const auto& r : in->iroutes)
                c.routes.push_back({iroute_string(r), c.last_ref, false});
        }
        rows.push_back(std::move(c));
    }
    process::ServerStatusGlobals g;
    g.dco_enabled = offloaded();
    if (g.dco_enabled)
        g.userspace_data_packets = userspace_data_packets_;
    g.max_bcast_mcast_queue_length = dp_ ? dp_->max_bcast_queue() : 0;
    return process::format_server_status(rows, version, now, g);
}

void Server::write_status()
{
    if (!status_)
        return;
    const int interval = o_.status_interval.value_or(60);
    next_status_ = loop_.now() + seconds(interval > 0 ? interval : 60);
    // the file was opened at start, before the privilege drop (2.6 keeps
    // its descriptor and rewrites in place)
    if (!status_->write(status_text(process::status_version(o_)), loop_.now()))
        log_.logf(kV1, "WARNING: cannot write the --status file %s", o_.status->c_str());
}

// log_status: SIGUSR2, as 2.6: the status text into the log.
void Server::log_status()
{
    process::log_status(log_, status_text(process::status_version(o_)));
}

// read_persist: --ifconfig-pool-persist file [seconds] at start; a missing
// file is fine (2.6 creates it at the first write).
void Server::read_persist()
{
    if (!o_.ifconfig_pool_persist || o_.ifconfig_pool_persist->empty())
        return;
    const auto& a = *o_.ifconfig_pool_persist;
    persist_secs_ = a.size() > 1 ? std::atoi(a[1].c_str()) : 600;
    std::ifstream f(a[0]);
    if (f) {
        std::stringstream ss;
        ss << f.rdbuf();
        persist_text_ = ss.str();
        for (const auto& w : pool_->load_persist(persist_text_, persist_secs_ <= 0))
            log_.logf(kV1, "%s", w.c_str());
    }
    if (persist_secs_ <= 0)
        return; // read only
    // Opened now, before the privilege drop, and kept (2.6 keeps its
    // descriptor); opening empties it, so what was read goes back at once.
    persist_file_ = std::make_unique<process::StatusFile>(a[0], seconds(persist_secs_));
    write_persist();
}

// write_persist: every CN -> address pair the pool holds, 2.6's format;
// every `seconds` and at exit (never with seconds 0).
void Server::write_persist()
{
    if (!o_.ifconfig_pool_persist || o_.ifconfig_pool_persist->empty() || persist_secs_ <= 0 || !pool_)
        return;
    next_persist_ = loop_.now() + seconds(persist_secs_);
    if (!persist_file_ || !persist_file_->write(pool_->format_persist(), loop_.now()))
        log_.logf(kV1, "WARNING: cannot write the --ifconfig-pool-persist file %s",
                  o_.ifconfig_pool_persist->front().c_str());
}

} // namespace ovpn::server
