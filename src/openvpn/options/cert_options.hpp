// options/cert_options.hpp: the handlers of the certificate-check options,
// parsed as 2.6.14's options.c does (table_tls.cpp lists them):
//   --peer-fingerprint fp | <peer-fingerprint> block   SHA256, depth 0
//   --verify-hash fp [SHA1|SHA256]                     depth 1 (SHA1 unless
//                                                      inline or SHA256)
//   --remote-cert-ku [hex ...]   --remote-cert-eku oid|name
//   --x509-track [+]attr         --x509-username-field field ...
// A fingerprint is hex pairs joined by ':' ("AB:cd:..."), exactly the
// digest's length; a block holds one per line (blank lines and lines
// starting with '#' or ';' are skipped). --peer-fingerprint and
// --verify-hash may not be mixed.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "openvpn/options/table.hpp"

namespace ovpn::options {

// parse_fingerprint: one fingerprint of `nbytes` bytes, or 2.6's error text.
Result<std::vector<std::uint8_t>> parse_fingerprint(std::string_view s, std::size_t nbytes);

// parse_fingerprint_lines: every fingerprint of a block (or one value).
Result<std::vector<std::vector<std::uint8_t>>> parse_fingerprint_lines(std::string_view text,
                                                                       std::size_t nbytes);

namespace h {
Status<> cert_hash(Ctx& c, Args a); // --peer-fingerprint and --verify-hash
Status<> remote_cert_ku(Ctx& c, Args a);
Status<> remote_cert_eku(Ctx& c, Args a);
Status<> x509_track(Ctx& c, Args a);
Status<> x509_username_field(Ctx& c, Args a);
} // namespace h

} // namespace ovpn::options
