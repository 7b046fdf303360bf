// server/instance.hpp: one client of the server (Server::Instance) and the
// small helpers the server's files share (not part of its interface).
#pragma once

#include <netinet/in.h>

#include <ctime>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/mgmt/engine.hpp"
#include "openvpn/plugin/plugin.hpp"
#include "openvpn/script/script_runner.hpp"
#include "openvpn/script/temp_file.hpp"
#include "openvpn/server/client_config.hpp"
#include "openvpn/server/ncp.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/control_events.hpp"
#include "openvpn/session/inactivity.hpp"
#include "openvpn/session/keys.hpp"

namespace ovpn::server {

// Lines 2.6 prints at its default --verb 1 use level 1.
inline constexpr Verb kV1 = Verb::Error;
inline constexpr Duration kMaxTick = seconds(1);
inline constexpr Duration kAuthFailedLinger = seconds(2);
inline constexpr Duration kPushRepeatIgnore = seconds(30);
inline constexpr int kMaxRounds = 8;

// set_peer_env: <prefix>_ip or <prefix>_ip6, and <prefix>_port, as 2.6 names
// a client's address for scripts (an IPv4-mapped address on a dual-stack
// socket is IPv4 there: <prefix>_ip).
void set_peer_env(script::Env& env, const std::string& prefix, const io::SockAddr& a);
std::string v4_string(const in_addr& a);
std::string v6_string(const in6_addr& a);

// AuthControl: the files of one deferring checker (a plugin or the
// --auth-user-pass-verify script), 2.6's auth_deferred_status: the
// auth_control_file it answers in ('1' accept, '0' refuse; empty: still
// pending), the auth_pending_file (AUTH_PENDING for the client) and the
// auth_failed_reason_file (the AUTH_FAILED reason). Removed with it.
struct AuthControl {
    enum class State : std::uint8_t { Pending, Accepted, Refused };
    std::optional<script::TempFile> control, pending, reason;
    State state = State::Pending;
    bool deferred = false; // the checker returned 2
};

// PendingAuth: the authentication of one key that is not decided yet
// (auth_deferred.cpp): --management-client-auth's answer and the deferred
// plugin / script, each able to refuse; accepted when all have accepted,
// refused at the deadline (2.6's auth_deferred_expire).
struct PendingAuth {
    std::uint8_t key_id = 0;
    bool reneg = false;
    TimePoint key_start{};
    std::optional<TimePoint> deadline;
    bool mgmt = false; // client-auth / client-deny still to come
    std::optional<AuthControl> plugin, script;
};

// Instance: one client. It is the session::ControlHandler of its control
// channel: the events go to the Server's decisions.
struct Server::Instance final : session::ControlHandler {
    explicit Instance(Server& s) : srv(s) {}
    Server& srv;
    std::uint32_t id = 0;                   // pool slot and peer id
    std::optional<std::uint32_t> addr_slot; // pool address slot, once the cn is known
    io::SockAddr addr;
    io::LocalEnd local;                  // UDP --multihome: where it talks to; replies leave from there
    std::string addr_str;                // "10.93.0.2:41234" as 2.6 prints it in prefixes
    std::unique_ptr<io::LinkSocket> tcp; // an io::WatchedLink: it keeps its own kWritable watch
    std::unique_ptr<control::ControlChannel> cc;
    std::string cn = "UNDEF";
    std::string username = "UNDEF";
    std::time_t since = 0; // wall clock, for the status file
    ClientConfig ccfg;     // --client-config-dir file and --client-connect output
    std::optional<in_addr> v4;
    std::optional<in6_addr> v6;
    std::optional<std::string> push_ifconfig, push_ifconfig_ipv6;
    std::vector<data::IRoute> iroutes;       // --iroute / --iroute-ipv6 of its config (less the stale ones)
    bool v4_stale = false, v6_stale = false; // its own address left the routing table (stale-routes-check)
    std::uint16_t vlan_pvid = 0;             // --vlan-pvid of its config (0: the server's)
    // control-channel bytes on the link; with the data plane's they make
    // 2.6's link read/write byte counts (status file, bytes_* env)
    std::uint64_t ctl_rx_bytes = 0, ctl_tx_bytes = 0;
    // stats: the data plane's last counts for it (Server::peer_stats); kept
    // when the kernel drops the peer, so client-disconnect still has them
    data::PeerStats stats;
    bool dead = false;
    bool ps_probe = false;    // --port-share: its first bytes are still to be looked at
    bool up = false;          // peer in the data plane, keys installed
    bool auth_failed = false; // AUTH_FAILED sent; dropped at drop_at
    std::optional<TimePoint> drop_at;
    std::optional<TimePoint> session_end;  // --session-timeout (2.6's per-instance session_interval)
    std::optional<data::MtuTest> mtu_test; // --mtu-test (server/mtu_test.cpp), while it runs
    std::optional<TimePoint> mtu_at;       // its next step
    std::optional<NcpResult> ncp;
    std::optional<TimePoint> last_push;
    session::KeyRotation keys;           // its keys in the data plane (while up)
    session::InactivityTimer inactivity; // --inactive, from the instance's start as in 2.6
    std::vector<PacketBuf> rx;           // TCP receive batch
    std::vector<io::SockAddr> rx_from;

    // the management interface (server/mgmt_host.cpp)
    std::time_t created = 0;           // 2.6's mi->created (time_unix, time_duration)
    plugin::ClientContexts plugin_ctx; // --plugin per-client contexts (plugins.cpp)
    bool plugin_ctx_made = false;
    mgmt::ClientContext mctx;              // its CID and notification flags
    unsigned mgmt_kid = 0;                 // 2.6's mda_key_id of the newest key told
    std::optional<PendingAuth> auth;       // the key whose authentication is pending
    std::optional<TimePoint> mgmt_exit_at; // client-kill's delayed exit
    std::vector<std::string> mgmt_config;  // client-auth's config lines
    std::optional<TimePoint> wake_at;      // its entry in Server::wakes_ (wakeups.cpp)
    bool wake_dirty = false;               // listed in Server::dirty_, to be rescheduled
    TimePoint visited{};                   // its last timer visit
    std::set<std::string> macs;            // --dev tap: the MACs learned behind it ("mac@vid")
    bool named = false;                    // authenticated: the log prefix carries the CN
    bool pool_env_again = false;           // 2.6 sets the pool env again after a connect script/plugin
    session::EnvList env;                  // 2.6's env_set of the instance
    // --auth-gen-token (auth_token.cpp): its tokens, the user they are
    // for, session_id/session_state of the last check, the renewal timer
    session::AuthTokenState token;
    std::string token_user;
    std::optional<std::pair<std::string, std::string>> token_env;
    std::optional<TimePoint> token_renew_at;
    std::string
        auth_reason; // 2.6's client_reason for the AUTH_FAILED (also a deferring checker's reason file)
    std::string peer_info;

    // prefix: 2.6's log prefix for the client: its address until it is
    // authenticated, then "common name/address" (multi_instance_string)
    std::string prefix() const { return named ? cn + "/" + addr_str : addr_str; }

    bool alive() const override { return !dead; }
    std::string log_prefix() const override { return prefix() + " "; }
    void send_control(const std::vector<std::uint8_t>& pkt) override { srv.send_to(*this, pkt); }
    void on_key_active(std::uint8_t key_id, bool renegotiated) override
    {
        srv.on_key_active(*this, key_id, renegotiated);
    }
    void on_message(const std::string& text) override { srv.handle_message(*this, text); }
    void on_tls_failed() override
    {
        srv.close_instance(*this, "SIGUSR1[soft,tls-error] received, client-instance restarting");
    }
    void on_lame_duck_expired(std::uint8_t key_id) override
    {
        if (up)
            keys.lame_duck_expired(*srv.dp_, id, key_id);
    }
};

} // namespace ovpn::server
