// server/ncp.hpp: the server's side of the data channel negotiation for one
// client (protocol-facts §9.5-§9.7), pure: the server's --data-ciphers,
// --data-ciphers-fallback and --auth against the client's peer-info
// (IV_CIPHERS, IV_NCP, IV_PROTO) and OCC string. The result says which
// cipher runs and what the PUSH_REPLY must carry for it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/result.hpp"

namespace ovpn::server {

struct NcpInput {
    std::string data_ciphers;            // server's list, ':'-separated
    std::optional<std::string> fallback; // --data-ciphers-fallback (or --cipher as 2.6 treats it)
    std::string auth = "SHA1";           // --auth
    std::string peer_info;               // the client's key-method-2 peer-info
    std::string client_options;          // the client's OCC string
};

struct NcpResult {
    std::string cipher;       // canonical name
    std::string auth;         // for CBC
    bool push_cipher = false; // client understands a pushed "cipher"
    bool use_ekm = false;     // IV_PROTO tls-ekm bit
    bool cc_exit = false;     // IV_PROTO cc-exit bit
    bool data_v2 = false;     // IV_PROTO data-v2 bit: P_DATA_V2 and peer-id
    bool request_push = false;
    bool dyn_tls_crypt = false; // IV_PROTO dynamic tls-crypt bit
    // push_flags: the directives 2.6's prepare_push_reply writes for these,
    // in its order: "key-derivation tls-ekm" (tls-ekm without cc-exit),
    // then "protocol-flags[ cc-exit[ tls-ekm]][ dyn-tls-crypt]" if any.
    std::vector<std::string> push_flags() const;
};

// negotiate_server: fails with 2.6's reason when no cipher is shared.
Result<NcpResult> negotiate_server(const NcpInput& in);

} // namespace ovpn::server
