// client/retry.hpp: when and how often the client tries again, as 2.6.14
// decides it (init.c socket_restart_pause and next_connection_entry,
// socket.c resolve_remote), as pure functions:
//
//   - every connection attempt enters a connection entry: the next one,
//     counted as one more unsuccessful attempt, unless the last session
//     completed its initialization (or the server said so) — then the same
//     entry once more; --connect-retry-max n ends the process when the
//     count passes n times the number of entries;
//   - before each attempt but the first, the Restart pause: --connect-retry
//     (default 1 s), doubled per round of failed attempts beyond the fifth
//     for a TCP client or a UDP TLS client, up to its max (default 300 s);
//   - a name that does not resolve is looked up again within the attempt
//     (--resolv-retry), then the attempt ends with a soft restart.
#pragma once

#include "openvpn/options/options.hpp"

namespace ovpn::client {

// LinkKind: what the pause depends on in the transport and the role.
enum class LinkKind {
    UdpTlsClient, // UDP with --tls-client (or --client): backs off
    Udp,          // UDP otherwise (--secret, a p2p --tls-server)
    TcpClient,    // backs off
    TcpServer,    // a p2p peer waiting for a TCP connection: 1 s
};
LinkKind link_kind(const options::Options& o, const options::ConnectionEntry& ce);

// PauseFacts: what 2.6's Restart pause depends on.
struct PauseFacts {
    LinkKind kind = LinkKind::UdpTlsClient;
    int connect_retry = 1;        // --connect-retry n (of the entry)
    int connect_retry_max = 300;  // --connect-retry n max
    bool auth_nointeract = false; // --auth-retry nointeract: 10 s
    int unsuccessful_attempts = 0;
    int connections = 1;    // entries in the list
    int server_backoff = 0; // AUTH_FAILED,TEMP[backoff n]
    // restart_sleep: 2.6's per-restart override: -1 = no pause (server
    // poll timeout), > 0 = at least this long, 0 = none.
    int restart_sleep = 0;
};
PauseFacts pause_facts(const options::Options& o, const options::ConnectionEntry& ce);

// restart_pause_seconds: the pause before the next attempt.
int restart_pause_seconds(const PauseFacts& f);

// AttemptCounter: the connection entry of each attempt and the count of
// unsuccessful ones (2.6's next_connection_entry).
class AttemptCounter {
public:
    // next: enter the entry of a new attempt; false when --connect-retry-max
    // (max > 0) is used up: 2.6 then exits ("All connections have been
    // connect-retry-max (n) times unsuccessful, exiting").
    bool next(int connections, int max);
    // completed: the session initialized: the count starts again and the
    // next restart stays with this entry (2.6's no_advance).
    void completed();
    // stay / advance: the next restart stays with this entry, or moves on
    // (the server's RESTART and AUTH_FAILED say which).
    void stay() { no_advance_ = true; }
    void advance() { no_advance_ = false; }
    // skip: the management interface skipped n entries (remote SKIP n):
    // on by n, each counted as unsuccessful.
    void skip(int n);

    std::size_t index() const { return index_; } // the entry, counted from 0 (mod the list)
    int unsuccessful() const { return unsuccessful_; }

private:
    bool entered_ = false;
    bool no_advance_ = false;
    std::size_t index_ = 0;
    int unsuccessful_ = 0;
};

// ResolvePolicy: a remote's name that does not resolve (--resolv-retry;
// checked with 2.6.14). One attempt looks it up `lookups` times: twice at
// once, then kResolveRetryInterval apart; when every lookup failed: "Could
// not determine IPv4/IPv6 protocol" and a soft restart (the next remote,
// the Restart pause), or, when `fatal` (--resolv-retry 0), the process exits
// with 2.6's hint.
//   --resolv-retry 0         1 lookup, fatal
//   --resolv-retry n         1 + (n + 4) / 5 lookups, then restart
//   infinite (the default)   2 lookups, then restart (and so on forever)
struct ResolvePolicy {
    int lookups = 2;
    bool fatal = false;
};
inline constexpr int kResolveRetryInterval = 5; // seconds
ResolvePolicy resolve_policy(const options::Options& o);
// resolve_pause_seconds: the wait before lookup number `next` (2, 3, ...)
// of one attempt.
int resolve_pause_seconds(int next);

} // namespace ovpn::client
