// crypto/tls_names.hpp: 2.6's spelling of TLS cipher suites and its TLS
// defaults, for --show-tls and the TLS context.
//
// 2.6 shows and accepts TLS <= 1.2 suites by IANA name with '-' in place of
// '_' ("TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"), translated from and to
// OpenSSL's names through a fixed table; a suite outside that table keeps
// its OpenSSL name. TLS 1.3 suites keep OpenSSL's names; '-' in a
// --tls-ciphersuites list is read as '_'.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ovpn::crypto {

struct TlsSuiteName {
    const char* openssl; // "ECDHE-RSA-AES256-GCM-SHA384"
    const char* iana;    // "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"
};

// tls_suite_names: the whole table.
std::span<const TlsSuiteName> tls_suite_names();

// find_tls_suite: the row whose OpenSSL or IANA name is `name`, or nullptr.
const TlsSuiteName* find_tls_suite(std::string_view name);

// tls_cipher_list_to_openssl: a --tls-cipher list (':'-separated) with each
// known name replaced by OpenSSL's; unknown items stay as they are.
// renamed, when given, receives the OpenSSL names the user wrote where an
// IANA name exists (2.6 warns "Deprecated TLS cipher name").
std::string tls_cipher_list_to_openssl(std::string_view list, std::vector<std::string>* renamed = nullptr);

// tls13_list_to_openssl: a --tls-ciphersuites list with '-' read as '_'.
std::string tls13_list_to_openssl(std::string_view list);

// kTlsDefaultCipherList: 2.6's TLS <= 1.2 list when --tls-cipher is not
// given (OpenSSL's DEFAULT without export, low and medium suites, static
// (EC)DH, DSS keys, PSK, SRP and RSA key exchange).
inline constexpr const char* kTlsDefaultCipherList =
    "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:!SRP:!kRSA";

// tls_security_level: OpenSSL's security level for a --tls-cert-profile
// ("" = not given = legacy = 1, insecure 0, preferred 2, suiteb 3);
// nullopt for an unknown profile. suiteb also restricts the TLS <= 1.2
// list to "SUITEB128".
std::optional<int> tls_security_level(std::string_view profile);

} // namespace ovpn::crypto
