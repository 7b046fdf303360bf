// control/cert_env.hpp: what 2.6 tells scripts about the peer's certificate
// chain (features.md §4.2). During verification TlsSession records one
// CertFacts per certificate (every depth, the CA first, the peer's own
// certificate last at depth 0); cert_env turns them into the variables 2.6
// exports, checked against Debian's 2.6.14:
//
//   X509_<d>_<FIELD>      each subject entry in certificate order (without
//                         --x509-track; see CertNaming), FIELD the
//                         OpenSSL short name (CN, O, OU, emailAddress, ...);
//                         a repeated field gets _1, _2, ... appended
//                         (X509_0_OU, X509_0_OU_1)
//   tls_id_<d>            the one-line subject "C=XX, O=ovpn-test, CN=x"
//   tls_serial_<d>        serial number in decimal
//   tls_serial_hex_<d>    serial bytes, lower-case hex joined by ':'
//   tls_digest_<d>        SHA1 of the DER certificate, "2f:0f:..."
//   tls_digest_sha256_<d> SHA256 likewise
//   common_name           the depth-0 CN, or the --x509-username-field
//                         value (only once depth 0 was seen)
//
// Values and names are made safe as 2.6 does: control characters become
// '_', and a leading '-' of the subject / common name becomes '_'.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

typedef struct x509_st X509;

namespace ovpn::control {

// CertNaming: how 2.6 names a certificate for the session and the scripts.
//   username_fields  --x509-username-field: the fields whose values, joined
//                    by '_', are the common name (empty = CN)
//   track            --x509-track: only these X509_<d>_<name> variables
//                    instead of every subject field (a '+' prefix: at every
//                    depth, else at depth 0 only)
struct CertNaming {
    std::vector<std::string> username_fields;
    std::vector<std::string> track;
};

struct CertFacts {
    int depth = 0;
    std::shared_ptr<X509> cert; // the certificate itself (for the checks)
    // username_error: at depth 0, why the --x509-username-field value could
    // not be read (the peer is refused then); empty when it could.
    std::string username_error;
    std::string subject;                                     // tls_id_<d>, already made safe
    std::string common_name;                                 // the CN ("" if none), made safe
    std::vector<std::pair<std::string, std::string>> fields; // (short name, value) in order
    std::string serial_dec, serial_hex;
    std::string sha1, sha256; // colon hex, lower case
};

// cert_facts_of: the facts of one certificate (an X509*, kept opaque here)
// at `depth`.
CertFacts cert_facts_of(const void* x509, int depth, const CertNaming& naming = {});

// cert_env: (name, value) pairs for a script environment from every
// certificate in `chain` (any order; one entry per depth).
std::vector<std::pair<std::string, std::string>> cert_env(const std::vector<CertFacts>& chain);

// safe_env_value: 2.6's remapping of a certificate string for the
// environment (bytes below 32 and 127 become '_').
std::string safe_env_value(std::string s);

} // namespace ovpn::control
