// process/status.hpp: the --status file and its text, byte for byte as
// OpenVPN 2.6 writes it (features.md §5). The formatters are pure: the caller
// passes the counters and the wall-clock time; StatusFile only owns the file
// and the "every n seconds" schedule on the injected steady clock.
//
// Client / p2p (the version is ignored there, as in 2.6):
//   OpenVPN STATISTICS / Updated,<local time> / TUN/TAP read bytes,N / ... / END
// Server: --status-version 1 (CLIENT LIST ... ROUTING TABLE ... GLOBAL STATS),
//   2 (comma-separated, HEADER lines) and 3 (the same fields separated by TAB).
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/socket.h>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::options {
struct Options;
}

namespace ovpn::process {

// TrafficCounters: the client status rows. Byte counts include what the
// kernel (DCO) counted. The four compression rows are printed only when
// `compression` is set (2.6 prints them when a compression context exists,
// i.e. any --compress / --comp-lzo was configured).
struct TrafficCounters {
    std::uint64_t tun_read_bytes = 0, tun_write_bytes = 0;
    std::uint64_t link_read_bytes = 0, link_write_bytes = 0;
    std::uint64_t auth_read_bytes = 0;
    std::uint64_t pre_compress = 0, post_compress = 0;
    std::uint64_t pre_decompress = 0, post_decompress = 0;
    bool compression = false;
    // Beyond 2.6, printed before END only when set (the daemon's status
    // file sets them; a byte-exact 2.6 block leaves them out): which data
    // plane runs, "dco_enabled,0|1" (the key 2.6's server prints in its
    // v2/v3 GLOBAL_STATS), and "userspace_data_packets,N", the data-channel
    // packets the process itself read off its socket (with DCO only those
    // that arrived before the kernel took the socket over).
    std::optional<bool> dco_enabled;
    std::optional<std::uint64_t> userspace_data_packets;
};

// format_client_status: the whole file text, each line ending in "\n".
std::string format_client_status(const TrafficCounters& c, std::time_t now);

// ServerRoute: one ROUTING TABLE entry: a host address ("10.99.0.2",
// "fd00:99::1000"), an iroute network ("10.55.0.0/24"), with its last use;
// `cached` adds 2.6's "C" suffix (routes learned by the cache).
struct ServerRoute {
    std::string address;
    std::time_t last_ref = 0;
    bool cached = false;
};

// ServerClientRow: one connected (non-halted) client. real_address is already
// in 2.6's form: "a.b.c.d:port" for IPv4 / v4-mapped, a bare address for
// native IPv6 (use format_real_address). Empty virtual_address / virtual_ipv6
// print as empty fields and add no ROUTING TABLE row. An empty username
// prints as "UNDEF".
struct ServerClientRow {
    std::string common_name, real_address, virtual_address, virtual_ipv6, username;
    std::uint64_t bytes_received = 0, bytes_sent = 0;
    std::time_t connected_since = 0;
    std::uint32_t peer_id = 0;
    std::string cipher;
    // added fields (defaults keep older callers right):
    std::uint64_t client_id = 0; // management CID ("Client ID" column)
    std::time_t last_ref = 0;    // ROUTING TABLE "Last Ref"; 0 = connected_since
    // routes: when not empty, the ROUTING TABLE rows of this client (2.6
    // prints them in its hash order, so any order is 2.6's); when empty, one
    // row for virtual_address and one for virtual_ipv6, at last_ref.
    std::vector<ServerRoute> routes;
    // routes_only: routes is the client's whole table even when empty (a
    // tap server's rows are the MACs it learned, not the addresses)
    bool routes_only = false;
};

// title_string: 2.6's title_string as this build says it (the --version
// line, `version`/`help` of the management interface, TITLE of status v2/v3).
const char* title_string() noexcept;

// ServerStatusGlobals: the GLOBAL STATS block and the TITLE line of v2/v3.
struct ServerStatusGlobals {
    std::string title = title_string();
    std::size_t max_bcast_mcast_queue_length = 0;
    bool dco_enabled = false; // printed by v2/v3 only, as 2.6 does
    // Beyond 2.6, printed only when set (the server sets it under DCO):
    // the data-channel packets the process itself read off its sockets
    // (those that came before the kernel took a socket over), as
    // "userspace_data_packets,N" (v1) / "GLOBAL_STATS,userspace_data_packets,N".
    std::optional<std::uint64_t> userspace_data_packets;
};

// format_server_status: version 1, 2 or 3; another gives 2.6's one line
// "ERROR: bad status format version number" (`status 4`). One formatter for
// the --status file and the management `status` command.
std::string format_server_status(const std::vector<ServerClientRow>& rows, int version, std::time_t now);
std::string format_server_status(const std::vector<ServerClientRow>& rows, int version, std::time_t now,
                                 const ServerStatusGlobals& globals);

// format_real_address: 2.6's "Real Address" field from a peer's socket
// address: "a.b.c.d:port" for IPv4 and v4-mapped IPv6, the bare address for
// native IPv6 (2.6 leaves the port out there as "v6addr:port" is ambiguous).
std::string format_real_address(const sockaddr* sa);

// format_time: 2.6's "YYYY-MM-DD HH:MM:SS" in local time.
std::string format_time(std::time_t t);

// StatusFile: 2.6 opens the file once at start-up (truncating it), and on
// every update rewrites it in place (seek to 0, write, truncate to the new
// length), so readers never see it missing. Write it every `interval` (2.6's
// default is 60 s) and once more at exit. An interval of 0 means "only when
// asked" (due() is then always false).
class StatusFile {
public:
    StatusFile(std::string path, std::chrono::seconds interval);
    ~StatusFile();
    StatusFile(const StatusFile&) = delete;
    StatusFile& operator=(const StatusFile&) = delete;

    // due: true when no write happened yet or `interval` passed since the last.
    bool due(TimePoint now) const;
    // write: replace the file's contents with `text` (atomically where the
    // directory allows, see status.cpp) and remember `now`.
    Status<> write(const std::string& text, TimePoint now);

    const std::string& path() const noexcept { return path_; }
    bool is_open() const noexcept { return fd_ >= 0; }

private:
    Status<> open();
    void reopen();
    Status<> write_in_place(const std::string& text);

    std::string path_;
    std::chrono::seconds interval_;
    std::optional<TimePoint> last_;
    int fd_ = -1;
    bool in_place_ = false; // the path cannot take a rename (see replace_file)
};

// make_status_file: the StatusFile for --status file [n] (2.6's default
// interval is 60 s), or nullptr without --status. A file that cannot be
// opened is logged as 2.6 does ("Note: cannot open ... for WRITE") and the
// object still returned (its write() keeps reporting the error).
std::unique_ptr<StatusFile> make_status_file(const options::Options& o, Logger& log);

// status_version: --status-version (1 by default), for format_server_status.
int status_version(const options::Options& o);

// log_status: SIGUSR2 in 2.6 prints the status text into the log, one
// message per line, at verb 1 (M_INFO).
void log_status(Logger& log, const std::string& text);

} // namespace ovpn::process
