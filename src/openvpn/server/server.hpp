// server/server.hpp: the P2MP server (--mode server, usually through
// --server) on top of the event loop:
//
//   1. open the device with its data plane (session::make_data_plane), set
//      --ifconfig/--ifconfig-ipv6 and --route, log "Initialization Sequence
//      Completed";
//   2. listen: one UDP socket (clients told apart by source address, data
//      packets by P_DATA_V2 peer id; a new client's reset is answered
//      statelessly with 2.6's session cookie, stateless.hpp, and the
//      instance made only when the client ACKs it) or a TCP listener (one
//      TcpLinkSocket per client, stateful from the start as in 2.6);
//   3. per client (Instance): a control channel in the TLS server role
//      (tls-auth / tls-crypt / tls-crypt-v2 wrap of its own), key-method 2,
//      --auth-user-pass-verify, NCP (ncp.hpp), a pool slot (pool.hpp) that is
//      also its peer id, the PUSH_REPLY (push.hpp), its peer in the one
//      data plane, renegotiation (session/keys.hpp), keepalive expiry and
//      explicit-exit-notify (OCC_EXIT or the EXIT message);
//   4. per client also --client-config-dir / --client-connect (addresses,
//      extra pushes, iroutes (iroute.hpp; the data plane routes by longest
//      prefix and checks sources), disable), --client-disconnect,
//      --learn-address, --tls-verify (all with the certificate variables of
//      cert_env.hpp), per-instance reneg-sec jitter (session/reneg.hpp),
//      --inactive, and the --status file (process/status.hpp) on every
//      connect/disconnect and interval, with the data plane's counters;
//   5. SIGTERM/SIGINT exit; SIGUSR1 restarts in place (restart.cpp): the
//      clients and the socket go and come again, what 2.6 keeps in its
//      top-level context across it stays (the status and pool-persist
//      files, with --persist-key the TLS context and keys, with
//      --persist-tun the device), so a server that dropped its privileges
//      comes back; SIGHUP makes run() return kReloadConfig (daemon::run
//      reads the config again and builds a fresh Server). With
//      --explicit-exit-notify on UDP the clients get RESTART first and the
//      server goes 2 s later, as 2.6.
// With DCO (the data plane is the kernel's, session::offloaded) the server
// does what 2.6.14 does there (multi.c): each admitted client is a kernel
// peer (its pushed VPN addresses, the shared UDP socket or its own TCP
// socket, PEER_ID = the pushed peer-id) with the server's ping/ping-restart
// as its keepalive; a client without DATA_V2, or whose client-config-dir /
// --client-connect options the kernel cannot carry, is refused with 2.6's
// lines; a peer the kernel drops ends its client with SIGTERM and 2.6's
// reason ("ovpn-dco: ping expired", ...); --route gets metric 200 so the
// iroutes (metric 100) win; the status file says dco_enabled 1 and takes
// every client's counters from one dump; --client-to-client only logs
// 2.6's note (the kernel routes between clients). A client's float is
// followed by the kernel alone: the status keeps its first address, as in
// 2.6.
// The members are defined in one file per concern (see the groups below).
#pragma once

#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/control/control_channel.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/options/dco.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/plugin/host.hpp"
#include "openvpn/script/script_runner.hpp"
#include "openvpn/server/addr_index.hpp"
#include "openvpn/server/client_config.hpp"
#include "openvpn/server/ncp.hpp"
#include "openvpn/server/pool.hpp"
#include "openvpn/server/stateless.hpp"
#include "openvpn/server/tcp_listener.hpp"
#include "openvpn/session/auth_token.hpp"
#include "openvpn/session/control_events.hpp"
#include "openvpn/session/keys.hpp"
#include "openvpn/session/make_data_plane.hpp"
#include "openvpn/session/management.hpp"
#include "openvpn/session/run_result.hpp"
#include "openvpn/session/tls_config.hpp"

namespace ovpn::io {
class PortShare;
}
namespace ovpn::tun {
class TunDevice;
class Netlink;
class NetSetup;
} // namespace ovpn::tun
namespace ovpn::process {
class StatusFile;
}
namespace ovpn::script {
class Env;
class TempFile;
} // namespace ovpn::script
namespace ovpn::wire {
struct KeyMethod2;
}
namespace ovpn::session {
class Management;
}
namespace ovpn::mgmt {
struct ClientDecision;
struct ByteCounts;
} // namespace ovpn::mgmt

namespace ovpn::server {

struct AuthControl; // instance.hpp
struct PendingAuth;

using session::kExitError;
using session::kExitOk;
using session::kReloadConfig;
using session::kRunAgain;

// PlaneFactory: how the server gets its data plane (opened and attached,
// as session::make_data_plane does it); tests give their own.
using PlaneFactory = std::function<Result<std::unique_ptr<data::DataPlane>>(
    const options::Options&, const options::DcoVerdict&, session::PlaneMode, io::EventLoop&, data::EventSink,
    Logger&)>;

class Server {
public:
    // Server: options, the DCO verdict of admission, log and loop must
    // outlive it. `make_plane` empty: session::make_data_plane.
    Server(const options::Options& o, const options::DcoVerdict& dco, Logger& log, io::EventLoop& loop,
           PlaneFactory make_plane = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // run: set up, then run the loop until the process should exit; returns
    // the exit code.
    int run();

    // start: what run() does before looping (tun, routes, the transport);
    // tests call it and drive the loop themselves.
    Status<> start();
    // local_address: the bound UDP socket or TCP listener.
    io::SockAddr local_address() const;
    std::size_t num_clients() const noexcept { return instances_.size(); }
    // deadline_evals: how many times a client's next deadline was computed
    // (wakeups.cpp; tests check that one client's event costs O(1) of them)
    std::uint64_t deadline_evals() const noexcept { return deadline_evals_; }
    // cookie_stats: the stateless UDP handshake's counters (UDP only).
    const CookieStats* cookie_stats() const noexcept { return gate_ ? &gate_->stats() : nullptr; }
    // set_management: the management interface (before run; mgmt_host.cpp).
    void set_management(session::Management* m);
    // set_plugins: the process's --plugin list (before run; may be empty).
    void set_plugins(plugin::PluginList* p) noexcept { plugins_ = p; }

private:
    struct Instance; // instance.hpp

    // server.cpp: the tick, signals, exit.
    Status<> load_keys();
    Status<> start_run();
    // wakeups.cpp: the loop timer and each client's next deadline
    void on_tick();
    void visit(Instance& in, TimePoint now);
    bool inactive(Instance& in, TimePoint now);
    TimePoint deadline(const Instance& in) const;
    void touch(Instance& in);
    void unschedule(Instance& in);
    void reschedule(Instance& in);
    void arm_tick();
    void arm_dirty();
    void stop(int code, const std::string& why);
    void begin_exit(int code, const std::string& why);
    void on_signal(io::Signal s);
    // restart.cpp: SIGUSR1 in place, keeping what 2.6 keeps.
    void restart();
    int restart_pause_seconds() const;
    void on_hold_released();
    void resume();
    Status<> renew_pool();
    Status<> open_or_keep_device();
    void close_transport();
    Status<> make_gate();

    // tunnel.cpp: the device, its data plane, each admitted client's peer.
    Status<> open_tun();
    Status<> configure_device();
    bool run_up(std::uint32_t mtu);
    // device scripts (tunnel.cpp): --route-up after the routes step,
    // --route-pre-down, --down (before or after the device closes) as 2.6
    // runs them in every mode; run_device_script builds their arguments
    // and environment.
    void run_route_up();
    void close_device();
    bool run_device_script(int plugin_type, const std::string& type, const std::optional<std::string>& cmd,
                           bool with_args, bool restart = false);
    bool run_hook(int plugin_type, const std::string& type, const std::optional<std::string>& cmd,
                  const std::vector<std::string>& args, const script::Env& env);
    script::Env device_env(const std::string& ifname, std::uint32_t mtu, bool restart = false) const;
    script::Env base_env() const;
    Status<> activate(Instance& in);
    Status<> add_data_peer(Instance& in);
    void log_learned(const Instance& in);
    Status<> install_key(Instance& in, std::uint8_t key_id, bool first);
    // on_data_packets: to the data plane; returns how many authenticated.
    std::size_t on_data_packets(Instance& in, std::span<PacketBuf> pkts, TimePoint now);
    void on_peer_event(const data::PeerEvent& ev);
    // --mtu-test per client (server/mtu_test.cpp)
    void start_mtu_test(Instance& in, wire::CompressMode comp, std::size_t fragment);
    void mtu_tick(Instance& in, TimePoint now);
    void on_mtu_reply(Instance& in, const data::MtuReport& r);
    void on_peer_gone(Instance& in, data::DelReason reason);
    bool ping_exits() const;
    // offloaded: the kernel carries the data channel (DCO): 2.6's
    // dco_enabled() for what differs (log lines, client checks, status).
    bool offloaded() const;
    // peer_stats: the data plane's counts for a client, or the last ones
    // seen when it no longer answers (a peer the kernel dropped);
    // refresh_stats: all clients' counts at once (one GET_PEER dump).
    const data::PeerStats& peer_stats(Instance& in);
    void refresh_stats();

    // transport.cpp: the sockets and every packet on them.
    Status<> open_transport();
    void on_udp_readable();
    // `via`: where the packet came to (--multihome; else empty)
    void on_udp_data(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now);
    void on_udp_control(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now);
    static bool from_other_session(const Instance& in, const PacketBuf& b);
    void on_first_packet(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now,
                         Instance* known = nullptr);
    bool log_known_drop(const Instance& in, const PacketBuf& b, bool unwrap_failed);
    bool refuse_new_session(const Instance& in, const PacketBuf& b, const io::SockAddr& from);
    void log_first_drop(const FirstPacket& fp, const CookieStats& before, const PacketBuf& b,
                        const io::SockAddr& from);
    void accept_first(const FirstPacket& fp, PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via,
                      TimePoint now);
    void on_tcp_accept();
    void on_tcp_event(std::uint32_t id, std::uint32_t events);
    // port_share.cpp: --port-share: the proxy (once, kept across SIGUSR1)
    // and the look at a new TCP connection's first bytes.
    Status<> open_port_share();
    bool probe_port_share(Instance& in);
    void tcp_reset(Instance& in, const io::LinkError& e);
    void on_control_packet(Instance& in, PacketBuf& b, TimePoint now);
    void send_to(Instance& in, const std::vector<std::uint8_t>& pkt);
    void flush(Instance& in);
    void handle_events(Instance& in);

    // client_table.cpp: making, finding, closing and reaping instances.
    Instance* new_instance(const io::SockAddr& from, std::unique_ptr<io::LinkSocket> tcp,
                           const std::optional<wire::SessionId>& cookie = std::nullopt);
    std::unique_ptr<control::ControlWrap> make_wrap(std::uint32_t wall_secs);
    std::unique_ptr<control::ControlChannel>
    new_control_channel(bool tcp, const std::optional<wire::SessionId>& cookie);
    Instance* find_id(std::uint32_t id);
    Instance* find_addr(const io::SockAddr& a);
    // move_addr: a UDP client's new source address (its float).
    void move_addr(Instance& in, const io::SockAddr& to);
    void close_instance(Instance& in, const std::string& why);
    void reap();

    // mgmt_host.cpp: the management interface at 2.6's call sites
    // (session/management.hpp): states, >CLIENT: notifications with 2.6's
    // environment, --management-client-auth's wait, the server commands.
    class MgmtMode;
    bool mgmt_client_auth_on() const;
    void mgmt_started();
    void mgmt_top_env();
    session::EnvList top_env() const;
    void mgmt_exiting(int code);
    void on_mgmt_signal(io::Signal s, std::string_view reason);
    void mgmt_new_instance(Instance& in);
    Instance* mgmt_find_cid(std::uint64_t cid);
    void mgmt_cert_env(Instance& in, std::uint8_t key_id);
    void mgmt_key_env(Instance& in, std::uint8_t key_id, const wire::KeyMethod2* km);
    bool mgmt_defer_auth(Instance& in, std::uint8_t key_id, const wire::KeyMethod2* km, bool renegotiated);
    bool mgmt_client_auth(const mgmt::ClientDecision& d);
    void mgmt_apply_decision(const mgmt::ClientDecision& d);
    bool mgmt_pending_auth(std::uint64_t cid, unsigned kid, std::string_view extra, unsigned timeout);
    void mgmt_established(Instance& in);
    void mgmt_pool_env(Instance& in);
    void mgmt_closed(Instance& in, std::uint64_t rx, std::uint64_t tx);
    void mgmt_tick(Instance& in, TimePoint now);
    mgmt::ByteCounts mgmt_instance_bytes(const Instance& in);
    mgmt::ByteCounts mgmt_live_bytes();
    int mgmt_n_clients() const;
    int mgmt_kill(const std::function<bool(const Instance&)>& match);
    bool mgmt_kill_cid(std::uint64_t cid, std::optional<std::string_view> msg);
    std::string mgmt_status(int version);

    // admission.cpp: whether (and with which addresses) a client may use
    // the VPN.
    void on_key_active(Instance& in, std::uint8_t key_id, bool renegotiated);
    void on_renegotiated(Instance& in, std::uint8_t key_id, const wire::KeyMethod2* km);
    void drop_older_sessions(Instance& in);
    void admit(Instance& in, const wire::KeyMethod2* km, std::uint8_t key_id);
    // ClientTexts: the client-config-dir file and the --client-connect
    // output of one client (name, text), for the DCO option check.
    using ClientTexts = std::vector<std::pair<std::string, std::string>>;
    // plugins.cpp: --plugin at the client hooks.
    bool checks_user_pass() const;
    bool username_fits_cn(const Instance& in, const std::string& user);
    void report_link_faults();
    int verify_user_pass_plugins(Instance& in, script::Env env, const SecureBytes& pass);
    bool run_client_connect_plugins(Instance& in, ClientConfig& cfg, ClientTexts& texts);
    bool tls_final(Instance& in, std::uint8_t key_id);
    const plugin::ClientContexts* plugin_client(Instance& in);
    // admit_verified: admit after the credentials were checked.
    void admit_verified(Instance& in, const wire::KeyMethod2* km);
    void key_verified(Instance& in, const wire::KeyMethod2* km, std::uint8_t key_id, bool renegotiated);
    bool client_connect(Instance& in);
    bool read_ccd(Instance& in, ClientConfig& cfg, ClientTexts& texts);
    bool select_pool_address(Instance& in, const ClientConfig& cfg);
    bool apply_client_config(Instance& in, ClientConfig cfg);
    std::uint16_t client_vlan_pvid(const Instance& in, const ClientConfig& cfg);
    bool dco_allows(Instance& in, const ClientTexts& texts);
    void fail_auth(Instance& in, const std::string& reason);

    // scripts.cpp: 2.6's server scripts and their environment.
    enum class TokenGate { NoToken, Accepted, Refused }; // auth_token.cpp
    struct PeerCreds {
        std::string user;
        SecureBytes pass;
        TokenGate gate;
    };
    bool verify_user_pass(Instance& in, const std::string& peer_user, const SecureBytes& peer_pass);
    std::optional<PeerCreds> peer_creds(Instance& in, const std::string& peer_user,
                                        const SecureBytes& peer_pass);
    bool verify_creds(Instance& in, const PeerCreds& c, bool mgmt = false);
    int run_user_pass_script(Instance& in, const options::Directive& d, const std::string& user,
                             const SecureBytes& pass, script::Env env);
    std::optional<script::TempFile> write_credentials(const Instance& in, const std::string& user,
                                                      const SecureBytes& pass);
    bool run_tls_verify(const control::CertFacts& cert, const std::vector<control::CertFacts>& chain);
    bool run_client_connect(Instance& in, ClientConfig& cfg, ClientTexts& texts);
    void client_disconnect(Instance& in);
    void learn_address(Instance& in, const char* op);
    bool learn_one(Instance& in, const char* op, const std::string& addr);
    bool tap_mode() const;
    bool mac_learned(data::PeerId id, const std::array<std::uint8_t, 6>& mac, std::uint16_t vid, bool moved);

    // stale_routes.cpp: --stale-routes-check n [t] (2.6's check_stale_routes).
    void start_stale_routes();
    void check_stale_routes(TimePoint now);
    void forget_stale_route(Instance& in, const data::StaleRoute& r);
    script::Env client_env(const Instance& in) const;
    void add_cert_vars(script::Env& env, const Instance& in) const;

    // auth_token.cpp: --auth-gen-token in the credentials check and pushes.
    Status<> load_auth_token();
    TokenGate token_gate(Instance& in, std::string& user, const SecureBytes& pass);
    void token_env(Instance& in, script::Env& env, const std::string& user, const SecureBytes& pass);
    void add_token_env(const Instance& in, script::Env& env) const;
    void token_accepted(Instance& in, const std::string& user);
    void push_token(Instance& in);
    void token_tick(Instance& in, TimePoint now);
    std::optional<std::string> token_push_option(const Instance& in) const;

    // auth_deferred.cpp: a key's authentication decided later (2.6's
    // deferred auth: management client-auth, plugins and scripts that
    // return 2 and answer in their auth_control_file), AUTH_PENDING, and
    // the client's CR_RESPONSE.
    int auth_window() const;
    PendingAuth& auth_begin(Instance& in);
    bool make_auth_control(Instance& in, std::optional<AuthControl>& slot, script::Env& env);
    int auth_control_result(Instance& in, std::optional<AuthControl>& slot, int status);
    void read_reason(Instance& in, const AuthControl& ac);
    bool check_pending_file(Instance& in, AuthControl& ac);
    bool send_auth_pending(Instance& in, std::string_view extra, unsigned timeout);
    bool auth_wait(Instance& in, std::uint8_t key_id, bool reneg);
    static void poll_control(AuthControl& ac);
    void auth_tick(Instance& in, TimePoint now);
    void auth_settle(Instance& in, TimePoint now);
    void on_cr_response(Instance& in, const std::string& response);
    bool run_crresponse_script(Instance& in, const std::string& response, const script::Env& env);

    // push_reply.cpp: an admitted client's messages.
    void send_push_reply(Instance& in);
    void handle_message(Instance& in, const std::string& text);

    // status_file.cpp: --status (and SIGUSR2) and --ifconfig-pool-persist.
    // status_text: the status text of `version` (--status, SIGUSR2, `status N`).
    std::string status_text(int version);
    void write_status();
    void log_status();
    void read_persist();
    void write_persist();

    const options::Options& o_;
    const options::DcoVerdict& dco_;
    Logger& log_;
    io::EventLoop& loop_;
    PlaneFactory make_plane_;
    int exit_code_ = kExitOk;
    bool exiting_ = false;
    long long start_time_ = static_cast<long long>(std::time(nullptr)); // daemon_start_time
    std::string signal_;          // 2.6's "signal" for --down: sigterm, sigusr1, ...
    std::uint32_t tun_mtu_ = 0;   // the device's MTU, for the scripts' arguments
    bool route_step_ran_ = false; // --route-pre-down runs only after the routes step
    bool device_kept_ = false;    // this run found the device of the last (--persist-tun)
    std::optional<TimePoint> exit_at_;
    std::optional<io::TimerId> pause_; // SIGUSR1's Restart pause
    bool held_ = false;                // SIGUSR1's management hold instead of the pause

    bool tcp_mode_ = false;
    std::unique_ptr<io::LinkSocket> udp_;
    std::optional<TcpListener> listener_;
    std::unique_ptr<io::PortShare> port_share_; // --port-share: foreign TCP connections go there
    std::vector<PacketBuf> rx_;
    std::vector<io::SockAddr> rx_from_;
    std::vector<io::LocalEnd> rx_via_; // --multihome: where each came to
    std::unique_ptr<tun::Netlink> nl_;
    std::unique_ptr<tun::NetSetup> net_;
    std::unique_ptr<data::DataPlane> dp_; // owns the tun device
    std::shared_ptr<const control::TlsContext> tls_;
    session::WrapKey wrap_key_;                      // read at start; each client gets a fresh wrap
    std::optional<session::AuthTokenKey> token_key_; // --auth-gen-token (auth_token.cpp)
    session::AuthTokenPolicy token_policy_;
    std::optional<Pool> pool_;
    std::optional<CookieGate> gate_; // UDP: the stateless first handshake
    ConnectFreq connect_freq_;       // --connect-freq
    std::map<std::uint32_t, std::unique_ptr<Instance>> instances_;
    AddrIndex by_addr_;          // the live UDP instances by source address (find_addr)
    std::size_t dead_count_ = 0; // instances closed and not yet reaped (reap has work)
    std::optional<io::TimerId> tick_;
    std::set<std::pair<TimePoint, std::uint32_t>> wakes_; // each client's next deadline
    std::vector<std::uint32_t> dirty_;                    // clients to reschedule
    std::vector<std::uint32_t> due_;                      // on_tick's clients to visit
    mutable std::uint64_t deadline_evals_ = 0;
    std::unique_ptr<process::StatusFile> status_; // --status, opened at start
    std::optional<TimePoint> next_status_;
    // data-channel packets read off our sockets (under DCO only those that
    // came before the hand-over); the status file reports it under DCO
    std::uint64_t userspace_data_packets_ = 0;
    int persist_secs_ = 0;     // --ifconfig-pool-persist seconds (0: read only)
    std::string persist_text_; // what the file held at start (read only: each SIGUSR1 reads it again)
    std::optional<TimePoint> next_persist_;
    // --stale-routes-check: the ageing time, the check's period, its next run
    int stale_age_ = 0, stale_every_ = 0;
    std::optional<TimePoint> next_stale_check_;
    std::unique_ptr<process::StatusFile> persist_file_; // --ifconfig-pool-persist, opened at start
    Instance* verifying_ = nullptr;                     // set while a client's control packet is processed

    // the management interface (nullptr without --management)
    session::Management* mgmt_ = nullptr;
    plugin::PluginList* plugins_ = nullptr; // --plugin (owned by the daemon)
    std::shared_ptr<MgmtMode> mgmt_mode_;
    session::EnvList mgmt_env_; // 2.6's top-level env_set
    std::uint64_t mgmt_next_cid_ = 0;
    int mgmt_n_established_ = 0;
    std::uint64_t mgmt_closed_in_ = 0, mgmt_closed_out_ = 0;
    std::string mgmt_signal_text_; // 2.6's signal text of a management signal
};

} // namespace ovpn::server
