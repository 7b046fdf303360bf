// mgmt/format.hpp: the C library behaviours 2.6's replies depend on, as pure
// functions: atoi() and sscanf("%lu"/"%u") number parsing (so "verb abc" sets
// 0 and "client-kill 7x" means CID 7, as in 2.6), 2.6's buf_parse() field
// splitting, and the address printing of >STATE: lines.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ovpn::mgmt {

// c_atoi: atoi(): leading whitespace, a sign, digits; 0 when none; values
// beyond int are clamped (atoi's overflow is undefined).
int c_atoi(std::string_view s) noexcept;

// scan_ulong / scan_uint: sscanf(s, "%lu") / "%u" == 1: leading whitespace, a
// sign (a minus wraps around as strtoul does), at least one digit.
bool scan_ulong(std::string_view s, std::uint64_t& out) noexcept;
bool scan_uint(std::string_view s, unsigned& out) noexcept;

// buf_parse: 2.6's buf_parse(buf, delim, line, size) over `s` from `pos`:
// the next field up to `delim` (or the end), at most size-1 bytes (a longer
// field loses the next two bytes to the following call, exactly as 2.6). The
// return value is 2.6's: false only at the end with an empty field.
bool buf_parse(std::string_view s, std::size_t& pos, char delim, std::size_t size, std::string& out);

// parse_ipv4: a numeric IPv4 address as getaddrinfo(AI_NUMERICHOST) takes it
// (inet_aton forms: "10.1.2.3", "10.258", "0x7f.1"), in host byte order.
std::optional<std::uint32_t> parse_ipv4(std::string_view s);

// print_ipv4: dotted quad of a host-order address.
std::string print_ipv4(std::uint32_t host_order);

// state_tail: the address fields of a state entry:
// ",<tun ipv4>,<remote ip>,<remote port>,<local ip>,<local port>[,<tun ipv6>]"
// (empty fields for null or all-zero addresses; the IPv6 field only when set).
std::string state_tail(const in_addr* tun4, const in6_addr* tun6, const sockaddr* local,
                       const sockaddr* remote);

} // namespace ovpn::mgmt
