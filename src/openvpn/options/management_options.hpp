// options/management_options.hpp: the --management* options as typed fields.
// The option table stores some of them in Options (management,
// management_query_passwords, ...) and keeps the rest as directives;
// management_options() gathers all of them into one struct, with 2.6's
// defaults and meaning, for the daemon to open the management interface
// (src/openvpn/mgmt). The two handlers below are the table's parsers for the
// options whose values 2.6 checks while reading them.
#pragma once

#include <optional>
#include <string>

#include "openvpn/options/options.hpp"
#include "openvpn/options/table.hpp"

namespace ovpn::options {

// --management-external-key [nopadding] [pkcs1] [pss] [digest]; with neither
// nopadding nor pkcs1 given, 2.6 assumes pkcs1.
struct ExternalKeyFlags {
    bool nopadding = false, pkcs1 = false, pss = false, digest = false;
};

struct ManagementOptions {
    // --management IP PORT [pw-file] / --management PATH unix [pw-file]
    std::string address;
    std::string port; // the TCP port, or "unix"
    bool unix_socket = false;
    // over_tunnel: address "tunnel" (2.6 then listens on the tunnel's local
    // IPv4 address once it is up); not with --management-client.
    bool over_tunnel = false;
    // password_file: the pw-file, whose first line is the password ("stdin":
    // read it from the console at start-up).
    std::optional<std::string> password_file;

    bool connect_as_client = false;               // --management-client
    bool query_passwords = false;                 // --management-query-passwords
    bool query_remote = false;                    // --management-query-remote
    bool query_proxy = false;                     // --management-query-proxy (turns DCO off)
    bool hold = false;                            // --management-hold
    bool signal_on_disconnect = false;            // --management-signal
    bool forget_on_disconnect = false;            // --management-forget-disconnect
    bool up_down = false;                         // --management-up-down
    bool client_auth = false;                     // --management-client-auth
    std::optional<ExternalKeyFlags> external_key; // --management-external-key
    std::optional<std::string> external_cert;     // --management-external-cert HINT
    std::optional<std::string> client_user;       // --management-client-user
    std::optional<std::string> client_group;      // --management-client-group
    int log_cache = 250;                          // --management-log-cache (2.6's default)
};

// management_options: the options above, or nothing without --management.
std::optional<ManagementOptions> management_options(const Options& o);

namespace h {
// management_log_cache: 2.6 reads the number with atoi() and refuses < 1.
Status<> management_log_cache(Ctx& c, Args a);
// management_external_key: the flags must be nopadding, pkcs1, pss, digest.
Status<> management_external_key(Ctx& c, Args a);
} // namespace h

} // namespace ovpn::options
