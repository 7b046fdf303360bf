// mgmt/shell.hpp: the management interface's sockets, on the daemon's event
// loop, around an Engine (which does all the talking). It listens on a TCP
// address or a unix socket (--management IP PORT / --management PATH unix),
// or connects out (--management-client), serves one client at a time as 2.6
// does, and never blocks:
//
//   - While a client is connected the listening socket is not watched; a
//     second client waits in the kernel's backlog (listen(fd, 1), as 2.6) and
//     is greeted when the first one leaves. Nothing is written to it before.
//   - A unix-socket client whose uid/gid (SO_PEERCRED) differ from
//     --management-client-user/-group is closed at once, with 2.6's log line.
//   - Output goes out as the socket takes it; the engine bounds what waits
//     (Config::max_output) and asks for a close when a client stops reading.
//   - A client that hangs up, even in the middle of a line or of a
//     multi-line command, is forgotten; the engine drops its partial input.
//   - With --management-client, a failed connect (5 s) or the server hanging
//     up ends the daemon (SIGTERM through Host::signal, as 2.6).
//
// The shell also runs the client-mode >BYTECOUNT: timer (Engine::next_timeout)
// and reads the wall clock for it; the engine itself reads no clock.
//
// Threading: event-loop thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "openvpn/core/result.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/mgmt/engine.hpp"

namespace ovpn::mgmt {

struct ShellConfig {
    std::string address; // TCP: host or IP to bind (or connect to); unix: the socket path
    std::string port;    // TCP port (0: any, for tests); unused for unix
    bool unix_socket = false;
    bool connect_out = false;                // --management-client
    std::optional<uid_t> client_uid;         // --management-client-user (unix only)
    std::optional<gid_t> client_gid;         // --management-client-group (unix only)
    std::chrono::seconds connect_timeout{5}; // 2.6's openvpn_connect(..., 5, ...)
    // wall_clock: the time for the engine's `now` (tests pin it).
    std::function<std::time_t()> wall_clock = [] { return std::time(nullptr); };
};

class Shell {
public:
    // open: bind and listen (logging "MANAGEMENT: TCP Socket listening on
    // [AF_INET]127.0.0.1:7505" or "MANAGEMENT: unix domain socket listening
    // on PATH") or start connecting out. The error is 2.6's fatal line
    // ("MANAGEMENT: Socket bind failed on local address ...: <error>").
    static Result<std::unique_ptr<Shell>> open(io::EventLoop& loop, Engine& engine, ShellConfig cfg);
    ~Shell();
    Shell(const Shell&) = delete;
    Shell& operator=(const Shell&) = delete;

    // close: send what the socket takes at once of the pending output (a
    // >FATAL: line, say), then close everything and remove the unix socket
    // file. The destructor does the same.
    void close();

    // detach_loop: stop watching anything on the current loop (the daemon's
    // run on it is over and the loop is about to go); attach_loop: watch
    // everything again on `loop` (the next run's). In between nothing is
    // served; the client connection and the listening socket stay open.
    void detach_loop();
    void attach_loop(io::EventLoop& loop);

    // port: the TCP port listened on (useful with port "0").
    int port() const noexcept { return port_; }
    bool client_connected() const noexcept { return client_fd_ >= 0; }

private:
    Shell(io::EventLoop& loop, Engine& engine, ShellConfig cfg);
    Status<> listen();
    Status<> connect_out();
    void watch_listener();
    void on_accept();
    bool peer_allowed(int fd);
    void adopt_client(int fd, std::string description);
    void on_client_event(std::uint32_t events);
    void on_connect_event();
    void on_connect_timeout();
    void read_client();
    void flush();
    void drop_client();
    void after_close();
    void arm_write();
    void schedule_close();
    void watch_client(bool writable);
    void rearm_timer();
    std::time_t now() const { return cfg_.wall_clock(); }

    io::EventLoop* loop_; // nullptr between two of the daemon's runs
    Engine& engine_;
    ShellConfig cfg_;
    int listen_fd_ = -1;
    int client_fd_ = -1;
    int connect_fd_ = -1;
    bool listen_watched_ = false;
    bool write_armed_ = false;
    bool closed_ = false;
    int port_ = 0;
    std::string where_; // "[AF_INET]127.0.0.1:7505" or the unix path
    std::optional<io::TimerId> bytecount_timer_;
    std::optional<io::TimerId> connect_timer_;
    std::optional<io::TimerId> close_timer_;
    std::optional<TimePoint> connect_deadline_;
};

} // namespace ovpn::mgmt
