// control/cert_checks.hpp: 2.6's checks and exports on one certificate of the
// peer's chain (ssl_verify_openssl.c), as pure functions of the X509; the
// session layer (session/cert_verify) runs them in 2.6's order and logs.
//
//   cert_hash_listed   --peer-fingerprint / --verify-hash: the SHA256 (or
//                      SHA1) digest of the DER certificate is one of a list,
//                      compared in constant time
//   key_usage_of       the keyUsage bits as 2.6 numbers them for
//                      --remote-cert-ku (bit 0 of the DER bit string is 0x80;
//                      a value whose low byte is empty is shifted down)
//   key_usage_accepts  --remote-cert-ku: "any of" the listed values, each one
//                      fully contained in the certificate's bits
//   ext_key_usage_of   each extendedKeyUsage as (name, dotted OID)
//   x509_username      --x509-username-field: a subject field (the last one
//                      of that name), "serialNumber" (0x + upper-case hex) or
//                      ext:subjectAltName / ext:issuerAltName (an e-mail)
//   x509_track_env     --x509-track: X509_<d>_<name> for the listed subject
//                      fields, extensions and SHA1/SHA256 (upper-case hex)
//   write_cert_pem     --tls-export-cert: the certificate as a PEM file
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "openvpn/core/result.hpp"

typedef struct x509_st X509;

namespace ovpn::control {

enum class CertHashAlgo : std::uint8_t { Sha1, Sha256 };

// cert_hash_of: the raw digest of the DER certificate.
std::vector<std::uint8_t> cert_hash_of(X509* cert, CertHashAlgo algo);

// cert_hash_listed: is the certificate's digest one of `list`?
bool cert_hash_listed(X509* cert, CertHashAlgo algo, const std::vector<std::vector<std::uint8_t>>& list);

// key_usage_of: 2.6's number for the keyUsage extension, none without it.
std::optional<unsigned> key_usage_of(X509* cert);

// key_usage_accepts: `want` empty = the extension only has to be present.
bool key_usage_accepts(unsigned ku, const std::vector<unsigned>& want);

// ext_key_usage_of: (short/long name as OpenSSL prints it, dotted OID) per
// EKU; none without the extension.
std::optional<std::vector<std::pair<std::string, std::string>>> ext_key_usage_of(X509* cert);

// x509_username: the value of one --x509-username-field; an error when the
// certificate has none.
Result<std::string> x509_username(X509* cert, const std::string& field);

// x509_track_env: the variables of --x509-track for this depth (`names` as
// given, a leading '+' = every depth, else depth 0 only).
std::vector<std::pair<std::string, std::string>> x509_track_env(X509* cert, int depth,
                                                                const std::vector<std::string>& names);

// write_cert_pem: the certificate in PEM form into `path`.
Status<> write_cert_pem(X509* cert, const std::string& path);

// hex_colon: bytes as hex pairs joined by ':' (upper or lower case).
std::string hex_colon(const std::vector<std::uint8_t>& b, bool upper);

} // namespace ovpn::control
