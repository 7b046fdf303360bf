// session/external_key.hpp: --management-external-key and
// --management-external-cert, as 2.6.14 does them with OpenSSL 3.
//
// The TLS context gets a key of our own provider (crypto/external_key.hpp)
// that holds only the certificate's public key; each signature the handshake
// needs becomes a `>PK_SIGN:<base64>[,<algorithm>]` query on the management
// interface (2.6's xkey_management_sign): without the `digest` flag the
// message is hashed here first; an RSA PKCS#1 digest is wrapped in its
// DigestInfo. The daemon then waits, serving only the management socket,
// until `pk-sig` ... END answers (Management::ask_pk_sig). A missing or
// undecodable answer, or a padding the client did not declare, fails the
// handshake with 2.6's log line.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/crypto/external_key.hpp"
#include "openvpn/options/management_options.hpp"

namespace ovpn::session {

class Management;

// PkSignQuery: the data and algorithm string of one >PK_SIGN: query.
struct PkSignQuery {
    std::vector<std::uint8_t> data;
    std::string
        algorithm; // e.g. "RSA_PKCS1_PADDING", "ECDSA", "RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest"
};

// pk_sign_query: 2.6's choice of what to ask the management client for, from
// what OpenSSL asked (`req`) and the --management-external-key flags. The
// error is 2.6's log line (e.g. "RSA padding mode not supported by
// management-client <pss>").
Result<PkSignQuery> pk_sign_query(std::span<const std::uint8_t> tbs, const crypto::SignRequest& req,
                                  const options::ExternalKeyFlags& flags);

// digest_info: the DER DigestInfo of a `mdname` digest (RFC 8017, 9.2), or
// the digest itself for MD5-SHA1; nothing for another digest or a digest of
// the wrong length.
std::optional<std::vector<std::uint8_t>> digest_info(std::string_view mdname,
                                                     std::span<const std::uint8_t> digest);

// base64: plain base64 without line breaks (2.6's openvpn_base64_encode).
std::string base64(std::span<const std::uint8_t> data);
// unbase64: the signature from the client's `pk-sig` lines; nothing for
// empty or invalid base64 (2.6 then fails the signature).
std::optional<std::vector<std::uint8_t>> unbase64(std::string_view text);

// management_signer: the signing callback for the external key.
crypto::ExternalSigner management_signer(Management& m, options::ExternalKeyFlags flags, Logger& log);

} // namespace ovpn::session
