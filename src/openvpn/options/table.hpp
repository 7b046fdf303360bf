// options/table.hpp: the ONE declarative table of OpenVPN 2.6's options.
//
// Each of the 311 names 2.6's parser knows has exactly one OptionSpec: its
// arity (parameters after the name), the permission classes that say where it
// may appear (config/CLI, <connection>, PUSH_REPLY, client-config-dir), the
// handler that stores it into Options, its DCO compatibility, and the words
// that --help and man/openvpn.8 print. Nothing else in the program interprets
// option text: the parser (parser.hpp) and the pull path (push_options.hpp)
// both go through lookup() and the handlers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::options {

// Permission classes, bit for bit as 2.6 (OPT_P_*).
enum Perm : std::uint32_t {
    P_GENERAL = 1u << 0,
    P_UP = 1u << 1,
    P_ROUTE = 1u << 2,
    P_DHCPDNS = 1u << 3,
    P_SCRIPT = 1u << 4,
    P_SETENV = 1u << 5,
    P_SHAPER = 1u << 6,
    P_TIMER = 1u << 7,
    P_PERSIST = 1u << 8,
    P_PERSIST_IP = 1u << 9,
    P_COMP = 1u << 10,
    P_MESSAGES = 1u << 11,
    P_NCP = 1u << 12,
    P_TLS_PARMS = 1u << 13,
    P_MTU = 1u << 14,
    P_NICE = 1u << 15,
    P_PUSH = 1u << 16,
    P_INSTANCE = 1u << 17,
    P_CONFIG = 1u << 18,
    P_EXPLICIT_NOTIFY = 1u << 19,
    P_ECHO = 1u << 20,
    P_INHERIT = 1u << 21,
    P_ROUTE_EXTRAS = 1u << 22,
    P_PULL_MODE = 1u << 23,
    P_PLUGIN = 1u << 24,
    P_SOCKBUF = 1u << 25,
    P_SOCKFLAGS = 1u << 26,
    P_CONNECTION = 1u << 27,
    P_PEER_ID = 1u << 28,
    P_INLINE = 1u << 29,
    P_PUSH_MTU = 1u << 30,
};

// Where options are read from, as masks of the classes allowed there.
inline constexpr std::uint32_t kMaskConfig = ~(P_INSTANCE | P_PULL_MODE); // files and CLI
inline constexpr std::uint32_t kMaskConnection = P_CONNECTION;            // inside <connection>
inline constexpr std::uint32_t kMaskPullBase =
    P_UP | P_ROUTE_EXTRAS | P_SOCKBUF | P_SOCKFLAGS | P_SETENV | P_SHAPER | P_TIMER | P_COMP | P_PERSIST |
    P_MESSAGES | P_EXPLICIT_NOTIFY | P_ECHO | P_PULL_MODE | P_PEER_ID | P_NCP | P_PUSH_MTU;
inline constexpr std::uint32_t kMaskPullRoutes = P_ROUTE | P_DHCPDNS; // unless --route-nopull
inline constexpr std::uint32_t kMaskClientConnect =
    P_INSTANCE | P_INHERIT | P_PUSH | P_TIMER | P_CONFIG | P_ECHO | P_COMP | P_SOCKFLAGS;

// How an option relates to DCO (the verdict itself is computed in dco.hpp).
enum class Dco : std::uint8_t {
    Ok,          // no influence
    Blocks,      // its presence turns DCO off
    Conditional, // turns DCO off for some values (see man page)
    NoEffect,    // accepted, but ignored when DCO runs
};

// Flags beyond the permission classes.
enum SpecFlag : std::uint8_t {
    F_NONE = 0,
    F_WINDOWS = 1u << 0,  // Windows-only: unknown on Linux (2.6 does the same)
    F_ABSENT = 1u << 1,   // not compiled into Debian's 2.6 (setcon, ...): unknown
    F_INTERNAL = 1u << 2, // internal/push-only, not shown by --help
    F_DEPRECATED = 1u << 3,
};

class Parser;

// Ctx: what a handler may touch while applying one directive.
struct Ctx {
    Options& o;
    ConnectionEntry& ce;   // top-level entry or the <connection> being read
    std::string_view name; // the option, without "--"
    const Origin& at;
    bool is_inline;
    std::uint32_t mask; // classes allowed where this directive was read
    Logger& log;
    Parser* parser; // for --config and <connection>; null when pulled
    bool pulled() const { return (mask & P_PULL_MODE) != 0; }
};

using Args = std::span<const std::string>; // parameters after the name
using Handler = Status<> (*)(Ctx&, Args);

struct OptionSpec {
    std::string_view name;
    std::uint8_t min_args;
    std::uint8_t max_args;
    std::uint32_t perm;
    Dco dco;
    std::uint8_t flags;
    Handler handler;
    std::string_view synopsis; // parameter names for --help / man
    std::string_view help;     // one sentence, our own words
};

// lookup: the spec for `name`, or nullptr (also nullptr for nothing else: Windows-only
// and absent options are returned; the parser decides what they mean).
const OptionSpec* lookup(std::string_view name);

// all_options: every spec, sorted by name (311 entries).
std::span<const OptionSpec> all_options();

// The tables of each area (table_*.cpp); all_options() merges them.
std::span<const OptionSpec> general_options();
std::span<const OptionSpec> network_options();
std::span<const OptionSpec> server_options();
std::span<const OptionSpec> tls_options();

inline constexpr std::uint32_t P_ANY = ~std::uint32_t{P_INLINE}; // 2.6 checks no class
inline constexpr std::uint8_t kAny = 15;                         // "up to 15 parameters" (2.6 MAX_PARMS - 1)

} // namespace ovpn::options
