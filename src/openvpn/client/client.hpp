// client/client.hpp: the client (--client / --pull) and TLS p2p session on
// top of the event loop. It owns one connection attempt at a time:
//
//   1. pick the connection entry (remote list / <connection>), resolve it,
//      open the UDP socket or connect TCP;
//   2. run the control channel (handshake, key-method 2);
//   3. pull: send PUSH_REQUEST until a PUSH_REPLY (with continuations)
//      arrives, apply it through options::apply_pushed_options;
//      p2p: negotiate from the peer's peer-info;
//   4. negotiate (NCP, EKM, peer-id), open tun, set addresses and routes,
//      run --up, install the data keys, log "Initialization Sequence
//      Completed";
//   5. on renegotiation install the new key and swap; drop the lame duck
//      when it expires;
//   6. restart (SIGUSR1/SIGHUP, ping-restart, RESTART, TLS failure) or exit
//      (SIGTERM/SIGINT with explicit-exit-notify, HALT, AUTH_FAILED,
//      ping-exit).
//
// The protocol decisions live in control/, session/ and client/setup.hpp;
// the Client is the glue between them and io/, the data plane (which it
// gets from session::make_data_plane and never asks about) and script/.
// Its members are defined in one file per concern (see the groups below).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/client/auth_token.hpp"
#include "openvpn/client/retry.hpp"
#include "openvpn/client/script_env.hpp"
#include "openvpn/client/setup.hpp"
#include "openvpn/control/control_channel.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/options/dco.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/plugin/plugin.hpp"
#include "openvpn/process/status.hpp"
#include "openvpn/session/control_events.hpp"
#include "openvpn/session/inactivity.hpp"
#include "openvpn/session/keys.hpp"
#include "openvpn/session/make_data_plane.hpp"
#include "openvpn/session/replay_persist.hpp"
#include "openvpn/session/run_result.hpp"
#include "openvpn/session/tls_config.hpp"
#include "openvpn/tun/net_setup.hpp"
#include "openvpn/wire/push_message.hpp"

namespace ovpn::tun {
class Netlink;
class NetSetup;
} // namespace ovpn::tun
namespace ovpn::session {
class Management;
}
namespace ovpn::mgmt {
enum class State : int;
struct UserPassAnswer;
struct RemoteAnswer;
struct ProxyAnswer;
} // namespace ovpn::mgmt

namespace ovpn::client {

struct Remote;

using session::kExitError;
using session::kExitOk;
using session::kReloadConfig;
using session::kRunAgain;

class Client : private session::ControlHandler {
public:
    // Client: options, the DCO verdict of admission, log and loop must
    // outlive it.
    Client(const options::Options& o, const options::DcoVerdict& dco, Logger& log, io::EventLoop& loop);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // run: start and run the loop until the process should exit; returns the
    // exit code.
    int run();

    // set_management: the management interface to report to and ask
    // (before run; mgmt_host.cpp).
    void set_management(session::Management* m);
    // set_plugins: the process's --plugin list (before run; may be empty).
    void set_plugins(plugin::PluginList* p) noexcept { plugins_ = p; }

private:
    enum class Phase { Idle, Connecting, Handshake, Pulling, Up, Exiting };

    // client.cpp: the entry order, the one timer, --inactive.
    const options::ConnectionEntry& current_ce() const;
    std::size_t current_entry() const;
    void order_connections();
    void on_tick();
    bool tick_process(TimePoint now);
    bool tick_attempt(TimePoint now);
    bool tick_server_poll(TimePoint now);
    bool tick_pull(TimePoint now);
    bool tick_pre_pull_ping(TimePoint now);
    bool check_inactive(TimePoint now);
    void arm_tick();

    // credentials.cpp: --auth-user-pass (again after --auth-nocache).
    Status<> load_credentials();

    // connect.cpp: one connection attempt and the link's packets.
    // start_connection: a new attempt: the next connection entry (or the
    // end, at --connect-retry-max), the --inactive timer, the attempt.
    Status<> start_connection();
    // continue_attempt: the attempt from the credentials on (again when the
    // management interface answered); connect_attempt: from the name lookup
    // on (again after a failed lookup).
    Status<> continue_attempt();
    Status<> connect_attempt();
    void begin_attempt(const options::ConnectionEntry& ce, const Remote& r);
    Status<> resolve_remote(const options::ConnectionEntry& ce, const Remote& r, bool& go);
    // resolve_failed: the remote's name did not resolve (`line` is 2.6's
    // RESOLVE line): look again, restart with the next remote or fail,
    // as --resolv-retry says (ResolvePolicy).
    Status<> resolve_failed(const std::string& line);
    Status<> open_link(const options::ConnectionEntry& ce, const Remote& r, bool& go);
    Status<> open_proxied(const options::ConnectionEntry& ce, const Remote& r, bool& go);
    Status<> open_tcp(const options::ConnectionEntry& ce, bool& go);
    Status<> open_udp(const options::ConnectionEntry& ce);
    // local_bind: where 2.6 binds the socket to remote_: --local (default the
    // wildcard) and --lport (default --port), unless --nobind. A UDP pull
    // client and a TCP client bind only when --local, --lport or --bind was
    // given; a UDP p2p peer always does. nullopt = do not bind.
    Result<std::optional<io::SockAddr>> local_bind(const options::ConnectionEntry& ce, bool tcp) const;
    io::Family link_family(const options::ConnectionEntry& ce) const;
    Status<> watch_link(bool connecting);
    Status<> load_tls_context();
    Status<> key_failed(const Status<>& s);
    Status<> start_control(const options::ConnectionEntry& ce, bool connecting);
    void close_link();
    void on_link_event(std::uint32_t events);
    void on_tcp_connected();
    void on_link_readable();
    std::size_t sort_batch(std::size_t n, TimePoint now);
    void on_control_packet(PacketBuf& b, const io::SockAddr& from, const io::LocalEnd& via, TimePoint now);
    void send_packet(const std::vector<std::uint8_t>& pkt);
    void flush_control();
    // report_link_faults: the errors the UDP socket went past, logged as 2.6
    // logs them; a TLS session whose packets find no route before the peer
    // was heard restarts ("Network unreachable, restarting"). false when it
    // restarted.
    bool report_link_faults();

    // pull.cpp: the control channel's events (session::ControlHandler).
    bool alive() const override { return cc_ != nullptr; }
    std::string log_prefix() const override { return {}; }
    void send_control(const std::vector<std::uint8_t>& pkt) override { send_packet(pkt); }
    void on_message(const std::string& text) override { handle_message(text); }
    void on_tls_failed() override;
    void on_lame_duck_expired(std::uint8_t key_id) override;
    void on_key_active(std::uint8_t key_id, bool renegotiated) override;
    void handle_control_events();
    void peer_initiated(const control::TlsSession& tls);
    void start_pull();
    void negotiate_with_peer(std::uint8_t key_id);
    void handle_message(const std::string& text);
    void handle_push_reply(const std::string& text);
    void handle_auth_failed(const std::string& arg);
    void react_to_auth_failed(const wire::AuthFailed& af);
    void take_auth_token(std::string& token);
    void take_token_user(const std::string& b64);
    const std::string& login_user() const; // the token's pushed user, or username_
    bool tls_final(std::uint8_t key_id);
    Status<> bring_up();
    Status<> install_key(std::uint8_t key_id, bool first);

    // tunnel.cpp: the device, its data plane and this session's peer in it.
    Status<> open_device();
    Status<> open_data_plane();
    void on_peer_event(const data::PeerEvent& ev);
    // effective_mssfix: 2.6's MSS limit for this session's cipher and
    // transport (0 = off).
    Result<std::uint16_t> effective_mssfix(wire::CompressMode comp, std::size_t fragment) const;
    Result<data::MssfixFrame> data_frame(wire::CompressMode comp, std::size_t fragment) const;
    // --mtu-test (client/mtu_test.cpp): 2.6's empirical MTU test over the
    // data plane, from when this session's peer is in it until teardown.
    void start_mtu_test(wire::CompressMode comp, std::size_t fragment);
    void on_mtu_tick();
    void on_mtu_reply(const data::MtuReport& r);
    void stop_mtu_test();
    Status<> configure_network();
    // start_routes / add_routes: routes and redirect-gateway (not with
    // --route-noexec), then --route-up in any case (2.6's do_route), after
    // --route-delay when given; also for --dev null and --ifconfig-noexec.
    void start_routes();
    void add_routes();
    // close_tun: route-pre-down, undo routes/addresses, close, --down.
    void close_tun();
    // check_session_timeout: --session-timeout's exit when due.
    bool check_session_timeout(TimePoint now);
    void start_session_timer(const std::optional<int>& seconds);
    // remapped_usr1: --remap-usr1 acting on a SIGUSR1 with reason `text`.
    bool remapped_usr1(const std::string& text);
    // --up-restart (2.6): --down and --up with "restart" around a restart
    // that keeps the device (--persist-tun).
    void run_down_on_restart();
    Status<> run_up_on_restart();

    // lifecycle.cpp: restarts, exits, signals, the counters.
    void teardown_session();
    // schedule_restart: 2.6's soft SIGUSR1: tear down, then the next
    // attempt after the Restart pause (retry.hpp). connection_failed: a
    // TCP connect failed (2.6 names the signal's source so).
    void schedule_restart(const std::string& why, bool connection_failed = false);
    // restart_now: SIGUSR1 (hard): tear down and reconnect after the pause.
    void restart_now(const std::string& why);
    void pause_before_restart(const std::string& reason);
    void exit_now(int code, const std::string& why);
    // reload_config: SIGHUP: full teardown, then run() returns kReloadConfig.
    void reload_config();
    void begin_exit(const std::string& why);
    void on_signal(io::Signal s);
    // initialization_completed: the first time, process::after_init (drop
    // privileges, sd_notify) and the line; later just the line.
    Status<> initialization_completed();
    // Statistics (--status, SIGUSR2): this session's data plane plus what
    // ended sessions counted.
    process::TrafficCounters traffic() const;
    void write_status(bool final_write);
    static std::vector<std::string> split_lines(const std::string& text);

    // scripts.cpp: 2.6's arguments and environment (client/script_env.hpp).
    ScriptEnvFacts script_facts() const;
    void add_process_facts(ScriptEnvFacts& f) const;
    void add_connection_facts(ScriptEnvFacts& f) const;
    void add_tunnel_facts(ScriptEnvFacts& f) const;
    void add_route_facts(ScriptEnvFacts& f) const;
    std::vector<std::string> up_down_args(bool restart = false) const;
    // run_tls_verify: the TlsConfig hook for each certificate of the peer's
    // chain: session::run_tls_verify with our script variables.
    bool run_tls_verify(const control::CertFacts& cert, const std::vector<control::CertFacts>& chain);
    bool run_script(const std::string& type, const std::string& command, const std::vector<std::string>& args,
                    bool with_signal = false);
    // run_hook: 2.6's order: the plugins intercepting `plugin_type`, then
    // the script if there is one (scripts.cpp). false: one of them failed,
    // a failing plugin logged with 2.6's words; `fatal_plugin` (up/down)
    // skips the script after a plugin failed.
    bool run_hook(int plugin_type, const std::string& type, const std::optional<std::string>& command,
                  const std::vector<std::string>& args, bool with_signal = false, bool fatal_plugin = false);
    void run_ipchange();
    Status<> run_up(bool restart = false);
    void run_down_hook(const std::vector<std::string>& args, const ScriptEnvFacts& f);

    // mgmt_host.cpp: the management interface at 2.6's call sites
    // (session/management.hpp, mgmt/README.md): states, the restart hold,
    // credentials asked through it, its signals and commands.
    class MgmtMode;
    enum class MgmtWait { None, Hold, Credentials, Remote, Proxy };
    void mgmt_state(mgmt::State s, std::string_view detail = {});
    void mgmt_connected();
    void mgmt_assign_ip(const tun::NetPlan& plan);
    void mgmt_end_session();
    // mgmt_restarting: RECONNECTING (2.6's signal text), the next instance's
    // callbacks and its hold; true while it holds (hold_released restarts).
    bool mgmt_restarting(const std::string& reason, int pause);
    bool mgmt_hold(int pause);
    // mgmt_ask_credentials: --auth-user-pass through the management
    // interface; true while waiting for the answer.
    bool mgmt_ask_credentials();
    // mgmt_query_entry: --management-query-remote / -proxy before each
    // attempt; true while waiting for the answer.
    bool mgmt_query_entry();
    void on_remote_answer(const mgmt::RemoteAnswer& a);
    bool on_proxy_answer(const mgmt::ProxyAnswer& a);
    void mgmt_resume();
    bool mgmt_on_signal(io::Signal s);
    void mgmt_exiting(const std::string& why);
    void mgmt_note_exit(const std::string& why);
    void mgmt_auth_failed(const std::string& arg);
    void mgmt_message(const std::string& kind, const std::string& arg);
    void mgmt_echo(const std::vector<std::string>& pushed);
    void on_mgmt_signal(io::Signal s, std::string_view reason);
    void on_hold_released();
    void on_user_pass(const mgmt::UserPassAnswer& a);
    void forget_passwords();
    std::string auth_retry_now() const;

    // static_mode.cpp: --secret static-key p2p: no control channel; the
    // data plane runs from the start with key id 0 and the peer is
    // "initiated" by its first authenticated packet.
    bool static_mode() const { return base_.secret.has_value(); }
    Status<> load_static_key();
    Status<> start_static();
    void on_static_packets(std::size_t n, TimePoint now);
    void on_static_authenticated(const io::SockAddr& from, const io::LocalEnd& via, TimePoint now);
    Status<> open_static_plane();
    Status<> open_replay_persist();
    void save_replay_state(TimePoint now);
    // static_gate.cpp: --up-delay with --secret: no device until the peer
    // is heard; the gate checks its packets and pings it meanwhile.
    bool gate_wanted() const;
    Status<> open_static_gate();
    bool gate_packets(std::size_t n);
    bool tick_static_gate(TimePoint now);
    void send_gate_ping();

    const options::Options& base_;
    const options::DcoVerdict& dco_;
    Logger& log_;
    io::EventLoop& loop_;

    // per process
    int exit_code_ = kExitOk;
    bool exiting_ = false;
    AttemptCounter attempts_;                 // the connection entry of this attempt
    std::vector<std::size_t> conn_order_;     // --remote-random permutation
    int restart_sleep_ = 0;                   // 2.6's restart_sleep_seconds for the next pause
    int server_backoff_ = 0;                  // AUTH_FAILED,TEMP[backoff n]
    int resolve_lookups_ = 0;                 // failed lookups of the remote's name in this attempt
    std::optional<TimePoint> lookup_at_;      // the next of them (--resolv-retry)
    std::optional<TimePoint> resume_at_;      // the attempt goes on: the management interface answered
    session::InactivityTimer inactivity_;     // --inactive, per attempt
    std::optional<TimePoint> session_end_at_; // --session-timeout, per attempt (again at a push of timers)
    std::string username_;
    SecureBytes password_;
    AuthToken auth_token_;            // pushed by the server, in wiped memory
    std::optional<std::string> crv1_; // the last AUTH_FAILED,CRV1:... reason, answered at the next login
    bool have_credentials_ = false;

    // per connection attempt
    Phase phase_ = Phase::Idle;
    options::Options pushed_; // base_ + what the server pushed
    std::unique_ptr<io::LinkSocket> link_;
    io::TcpLinkSocket* tcp_ = nullptr; // inside link_ (an io::WatchedLink) when TCP
    io::SockAddr remote_;
    bool udp_unconnected_ = false; // listening p2p / float: send to remote_
    io::LocalEnd local_;           // --multihome, unconnected: where remote_ talks to; we answer from there
    std::unique_ptr<control::ControlChannel> cc_;
    std::optional<Negotiated> neg_;
    std::vector<std::string> push_parts_;
    TimePoint last_rx_{};
    TimePoint next_push_request_{};
    TimePoint push_deadline_{};
    TimePoint pull_started_{}; // for the no-push-reply line
    std::optional<TimePoint> exit_at_;
    std::optional<TimePoint> restart_at_;
    // --server-poll-timeout / --connect-timeout: no packet from the peer
    // (or no TCP connection) by then -> the next connection entry.
    std::optional<TimePoint> server_poll_at_;
    bool heard_from_peer_ = false;
    bool advance_on_restart_ = false;
    std::optional<io::TimerId> tick_;
    std::vector<PacketBuf> rx_;
    std::vector<io::SockAddr> rx_from_;
    std::vector<io::LocalEnd> rx_via_; // --multihome: where each came to

    // the tunnel: addresses and routes on the data plane's device
    std::unique_ptr<tun::Netlink> nl_;
    std::unique_ptr<tun::NetSetup> net_;
    // dp_: the data plane and its device, kept across restarts with
    // --persist-tun; dp_peer_added_: this session's peer is in it.
    std::unique_ptr<data::DataPlane> dp_;
    session::PlaneChoice plane_; // which data plane dp_ is, and why
    bool dp_peer_added_ = false;
    std::optional<data::MtuTest> mtu_test_; // --mtu-test, while it runs
    std::optional<io::TimerId> mtu_timer_;
    tun::NetPlan plan_;
    bool routes_added_ = false;
    std::optional<TimePoint> route_up_at_; // --route-delay
    std::string last_signal_;              // "signal" of down / route-pre-down
    long long start_time_ = 0;
    std::string peer_cn_, peer_subject_;                              // of the last authenticated TLS peer
    std::vector<std::pair<std::string, std::string>> peer_cert_vars_; // its chain (control::cert_env)
    bool init_done_ = false;
    bool drop_noted_ = false; // the "UID/GID downgrade will be delayed" note was logged
    std::shared_ptr<const control::TlsContext> tls_ctx_; // kept across restarts with --persist-key
    std::optional<session::WrapKey> wrap_key_;           // likewise (per connection entry)
    std::size_t wrap_key_entry_ = 0;
    std::string net_gateway_; // route_net_gateway for scripts
    std::unique_ptr<process::StatusFile> status_;
    process::TrafficCounters traffic_; // of sessions already torn down
    // Link bytes the data plane does not see (control packets, data before
    // the data plane is up) since the last teardown: 2.6 counts them all.
    std::uint64_t link_rx_other_ = 0, link_tx_other_ = 0;
    // data-channel packets read off the link by the process (status file's
    // userspace_data_packets; with DCO only those before the hand-over)
    std::uint64_t userspace_data_packets_ = 0;
    session::KeyRotation keys_; // this session's keys in dp_

    // --secret: the keys (read once, as with persist-key) and whether the
    // peer has shown itself in this session.
    std::optional<data::DataKeys> static_keys_;
    bool static_peer_seen_ = false;
    // --up-delay: the static key's gate until the peer is heard (then the
    // data plane takes over) and the next ping it sends.
    std::unique_ptr<crypto::DataChannel> static_gate_;
    TimePoint gate_ping_at_{};
    // --replay-persist: the file (per process) and its next periodic write
    std::optional<session::ReplayPersist> replay_persist_;
    TimePoint replay_save_at_{};

    // the management interface (nullptr without --management)
    session::Management* mgmt_ = nullptr;
    plugin::PluginList* plugins_ = nullptr; // --plugin (owned by the daemon)
    std::shared_ptr<MgmtMode> mgmt_mode_;
    MgmtWait mgmt_wait_ = MgmtWait::None;
    bool mgmt_push_asked_ = false; // GET_CONFIG reported for this attempt
    std::string signal_override_;  // 2.6's signal text when it is not the logged one
    // link bytes already handed to Management (reset with the counters)
    std::uint64_t mgmt_base_in_ = 0, mgmt_base_out_ = 0;
    // the connection entry as the management interface changed it
    // (remote MOD, proxy): current_ce() while set
    std::optional<options::ConnectionEntry> mgmt_ce_;
    bool mgmt_ce_ready_ = false;
};

} // namespace ovpn::client
