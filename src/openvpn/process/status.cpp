// process/status.cpp: see status.hpp. Field order, separators and labels
// follow 2.6's status output (features.md §5).
#include "openvpn/process/status.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include "openvpn/core/log.hpp"
#include "openvpn/core/replace_file.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::process {

std::string format_time(std::time_t t)
{
    std::tm tm{};
    localtime_r(&t, &tm);
    return strfmt("%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
}

std::string format_real_address(const sockaddr* sa)
{
    if (sa == nullptr)
        return {};
    char buf[INET6_ADDRSTRLEN] = "";
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        return strfmt("%s:%u", buf, static_cast<unsigned>(ntohs(in->sin_port)));
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            ::inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, sizeof buf);
            return strfmt("%s:%u", buf, static_cast<unsigned>(ntohs(in6->sin6_port)));
        }
        ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        return buf;
    }
    return {};
}

namespace {

unsigned long long u64(std::uint64_t v)
{
    return static_cast<unsigned long long>(v);
}

// TimeStr: 2.6 prints time_t as an unsigned 32-bit value in the (time_t) columns.
unsigned int as_u32(std::time_t t)
{
    return static_cast<unsigned int>(t);
}

const std::string& or_undef(const std::string& s)
{
    static const std::string undef = "UNDEF";
    return s.empty() ? undef : s;
}

std::time_t last_ref(const ServerClientRow& r)
{
    return r.last_ref != 0 ? r.last_ref : r.connected_since;
}

// routes_of: the ROUTING TABLE rows of a client; without explicit routes its
// virtual addresses, IPv4 first, as 2.6's routing hash holds one entry per
// address.
std::vector<ServerRoute> routes_of(const ServerClientRow& r)
{
    if (!r.routes.empty() || r.routes_only)
        return r.routes;
    std::vector<ServerRoute> out;
    if (!r.virtual_address.empty())
        out.push_back({r.virtual_address, last_ref(r), false});
    if (!r.virtual_ipv6.empty())
        out.push_back({r.virtual_ipv6, last_ref(r), false});
    return out;
}

std::string route_name(const ServerRoute& rt)
{
    return rt.cached ? rt.address + "C" : rt.address;
}

std::string server_v1(const std::vector<ServerClientRow>& rows, std::time_t now, const ServerStatusGlobals& g)
{
    std::string s = "OpenVPN CLIENT LIST\n";
    s += "Updated," + format_time(now) + "\n";
    s += "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n";
    for (const auto& r : rows)
        s += strfmt("%s,%s,%llu,%llu,%s\n", or_undef(r.common_name).c_str(), r.real_address.c_str(),
                    u64(r.bytes_received), u64(r.bytes_sent), format_time(r.connected_since).c_str());
    s += "ROUTING TABLE\n";
    s += "Virtual Address,Common Name,Real Address,Last Ref\n";
    for (const auto& r : rows)
        for (const auto& rt : routes_of(r))
            s += strfmt("%s,%s,%s,%s\n", route_name(rt).c_str(), or_undef(r.common_name).c_str(),
                        r.real_address.c_str(), format_time(rt.last_ref).c_str());
    s += "GLOBAL STATS\n";
    s += strfmt("Max bcast/mcast queue length,%zu\n", g.max_bcast_mcast_queue_length);
    if (g.userspace_data_packets)
        s += strfmt("userspace_data_packets,%llu\n", u64(*g.userspace_data_packets));
    s += "END\n";
    return s;
}

std::string server_v23(const std::vector<ServerClientRow>& rows, std::time_t now,
                       const ServerStatusGlobals& g, char sep)
{
    // join: the fields of one line, separated by sep.
    auto join = [sep](std::initializer_list<std::string> fields) {
        std::string line;
        for (const auto& f : fields) {
            if (!line.empty())
                line += sep;
            line += f;
        }
        return line + "\n";
    };
    auto num = [](auto v) { return std::to_string(v); };

    std::string s = join({"TITLE", g.title});
    s += join({"TIME", format_time(now), num(as_u32(now))});
    s += join({"HEADER", "CLIENT_LIST", "Common Name", "Real Address", "Virtual Address",
               "Virtual IPv6 Address", "Bytes Received", "Bytes Sent", "Connected Since",
               "Connected Since (time_t)", "Username", "Client ID", "Peer ID", "Data Channel Cipher"});
    for (const auto& r : rows)
        s += join({"CLIENT_LIST", or_undef(r.common_name), r.real_address, r.virtual_address, r.virtual_ipv6,
                   num(u64(r.bytes_received)), num(u64(r.bytes_sent)), format_time(r.connected_since),
                   num(as_u32(r.connected_since)), or_undef(r.username), num(u64(r.client_id)),
                   num(r.peer_id), r.cipher});
    s += join({"HEADER", "ROUTING_TABLE", "Virtual Address", "Common Name", "Real Address", "Last Ref",
               "Last Ref (time_t)"});
    for (const auto& r : rows)
        for (const auto& rt : routes_of(r))
            s += join({"ROUTING_TABLE", route_name(rt), or_undef(r.common_name), r.real_address,
                       format_time(rt.last_ref), num(as_u32(rt.last_ref))});
    s += join({"GLOBAL_STATS", "Max bcast/mcast queue length", num(g.max_bcast_mcast_queue_length)});
    s += join({"GLOBAL_STATS", "dco_enabled", g.dco_enabled ? "1" : "0"});
    if (g.userspace_data_packets)
        s += join({"GLOBAL_STATS", "userspace_data_packets", num(u64(*g.userspace_data_packets))});
    s += "END\n";
    return s;
}

} // namespace

std::string format_client_status(const TrafficCounters& c, std::time_t now)
{
    std::string s = "OpenVPN STATISTICS\n";
    s += "Updated," + format_time(now) + "\n";
    s += strfmt("TUN/TAP read bytes,%llu\n", u64(c.tun_read_bytes));
    s += strfmt("TUN/TAP write bytes,%llu\n", u64(c.tun_write_bytes));
    s += strfmt("TCP/UDP read bytes,%llu\n", u64(c.link_read_bytes));
    s += strfmt("TCP/UDP write bytes,%llu\n", u64(c.link_write_bytes));
    s += strfmt("Auth read bytes,%llu\n", u64(c.auth_read_bytes));
    if (c.compression) {
        s += strfmt("pre-compress bytes,%llu\n", u64(c.pre_compress));
        s += strfmt("post-compress bytes,%llu\n", u64(c.post_compress));
        s += strfmt("pre-decompress bytes,%llu\n", u64(c.pre_decompress));
        s += strfmt("post-decompress bytes,%llu\n", u64(c.post_decompress));
    }
    if (c.dco_enabled)
        s += strfmt("dco_enabled,%d\n", *c.dco_enabled ? 1 : 0);
    if (c.userspace_data_packets)
        s += strfmt("userspace_data_packets,%llu\n", u64(*c.userspace_data_packets));
    s += "END\n";
    return s;
}

std::string format_server_status(const std::vector<ServerClientRow>& rows, int version, std::time_t now)
{
    return format_server_status(rows, version, now, ServerStatusGlobals{});
}

std::string format_server_status(const std::vector<ServerClientRow>& rows, int version, std::time_t now,
                                 const ServerStatusGlobals& globals)
{
    if (version == 2)
        return server_v23(rows, now, globals, ',');
    if (version == 3)
        return server_v23(rows, now, globals, '\t');
    if (version == 1)
        return server_v1(rows, now, globals);
    return "ERROR: bad status format version number\n"; // only `status N` can ask for another
}

const char* title_string() noexcept
{
    return "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] "
           "[AEAD] [DCO] [openvpn-ng]";
}

StatusFile::StatusFile(std::string path, std::chrono::seconds interval)
    : path_(std::move(path)), interval_(interval)
{
    (void)open(); // 2.6 truncates the file at start-up; a failure shows on write()
}

StatusFile::~StatusFile()
{
    if (fd_ >= 0)
        ::close(fd_);
}

Status<> StatusFile::open()
{
    if (fd_ >= 0)
        return Ok{};
    fd_ = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (fd_ < 0)
        return Err(strfmt("Note: cannot open %s for WRITE: %s", path_.c_str(), std::strerror(errno)));
    return Ok{};
}

bool StatusFile::due(TimePoint now) const
{
    if (!last_)
        return interval_.count() > 0;
    return interval_.count() > 0 && now - *last_ >= interval_;
}

// write: by rename while the directory lets us (issue 15: a SIGKILL never
// leaves a truncated file), then the held descriptor is moved to the new
// file, so that after a privilege drop takes the directory away the file
// can still be rewritten in place through it, as 2.6 always does.
Status<> StatusFile::write(const std::string& text, TimePoint now)
{
    last_ = now;
    if (!in_place_) {
        auto r = replace_file(path_, text, 0600);
        if (!r)
            return Err(strfmt("status file %s: %s", path_.c_str(), r.error().c_str()));
        if (*r == ReplaceOutcome::Replaced) {
            reopen();
            return Ok{};
        }
        in_place_ = true;
    }
    return write_in_place(text);
}

void StatusFile::reopen()
{
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        in_place_ = false; // nothing to fall back on; keep renaming
        return;
    }
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

Status<> StatusFile::write_in_place(const std::string& text)
{
    if (auto s = open(); !s)
        return s;
    if (::lseek(fd_, 0, SEEK_SET) < 0)
        return Err(strfmt("status file %s: seek: %s", path_.c_str(), std::strerror(errno)));
    if (auto s = write_all(fd_, text); !s)
        return Err(strfmt("status file %s: write: %s", path_.c_str(), s.error().c_str()));
    if (::ftruncate(fd_, static_cast<off_t>(text.size())) != 0)
        return Err(strfmt("Failed to truncate status file %s: %s", path_.c_str(), std::strerror(errno)));
    return Ok{};
}

std::unique_ptr<StatusFile> make_status_file(const options::Options& o, Logger& log)
{
    if (!o.status)
        return nullptr;
    auto f = std::make_unique<StatusFile>(*o.status, std::chrono::seconds(o.status_interval.value_or(60)));
    if (!f->is_open())
        log.write(Verb::Error, mute::None, Severity::Warning,
                  strfmt("Note: cannot open %s for WRITE", o.status->c_str()));
    return f;
}

int status_version(const options::Options& o)
{
    return o.status_version.value_or(1);
}

void log_status(Logger& log, const std::string& text)
{
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        log.write(Verb::Error, std::string_view(text).substr(start, end - start));
        start = end + 1;
    }
}

} // namespace ovpn::process
