// crypto/external_key.hpp: a private key whose signatures come from outside
// the process (--management-external-key: the management client signs).
//
// How: a small OpenSSL 3 provider of our own ("ovpnng-extkey"), registered
// in the default library context on first use, with a key manager and a
// signature implementation for RSA and EC keys, as 2.6 does with its xkey
// provider. A key of this provider holds the certificate's public key (for
// sizes, curve names and the key/certificate match) and a signing callback;
// every signature OpenSSL asks of it (TLS 1.2 and 1.3 handshakes) goes to the
// callback with the data and what OpenSSL asked for (digest, padding, salt
// length). No private key material is ever in the process. The callback
// runs on the thread that drives the handshake, inside SSL_do_handshake;
// failing it fails the handshake.
//
// The provider's algorithms carry the property "provider=ovpnng-extkey", and
// the default library context is told to prefer any other provider
// ("?provider!=ovpnng-extkey"), so no other key or operation ends up here.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "openvpn/core/result.hpp"

namespace ovpn::crypto {

// SignRequest: what OpenSSL asked for, in 2.6's xkey terms.
struct SignRequest {
    std::string keytype; // "RSA" or "EC"
    // op: "Sign" (the data is a digest) or "DigestSign" (the data is the
    // message, to be hashed with `mdname`).
    std::string op;
    std::string mdname = "MD5-SHA1"; // "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "MD5-SHA1", "none"
    std::string padmode = "pkcs1";   // RSA: "pkcs1", "pss" or "none"
    std::string saltlen = "digest";  // RSA-PSS: "digest", "max" or "auto"
};

// ExternalSigner: the signature of `tbs` (DER ECDSA-Sig-Value for EC, the
// RSA signature for RSA), or nothing when signing failed.
using ExternalSigner = std::function<std::optional<std::vector<std::uint8_t>>(
    std::span<const std::uint8_t> tbs, const SignRequest&)>;

struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// make_external_key: a private key of the provider for the public key
// `pub` (RSA or EC; another type is refused), signing through `signer`.
Result<PkeyPtr> make_external_key(EVP_PKEY* pub, ExternalSigner signer);

// md_name: OpenSSL's name of a digest in 2.6's spelling ("SHA2-256" and
// "SHA256" give "SHA256"); an unknown one gives "MD5-SHA1", as 2.6.
std::string md_name(const char* name);

} // namespace ovpn::crypto
