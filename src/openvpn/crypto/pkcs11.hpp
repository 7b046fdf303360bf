// crypto/pkcs11.hpp: PKCS#11 tokens through Debian's pkcs11-helper
// (libpkcs11-helper1), as 2.6.14 uses it (pkcs11.c, pkcs11_openssl.c), so
// the serialized ids a user's --pkcs11-id carries are pkcs11-helper's own.
//
// pkcs11-helper is one library-wide state: initialize() once per process
// (2.6: the first time the crypto is set up), add the providers, then open
// certificates by id and sign with them. The hooks (log, PIN, token
// insertion) are called from inside pkcs11-helper, on the calling thread:
// a PIN prompt runs inside sign() or open_certificate(), that is inside the
// TLS handshake that needed the signature.
//
// Errors and log lines are 2.6's text.
//
// Threading: single-threaded (fork mode off, as 2.6).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/result.hpp"

namespace ovpn::crypto::pkcs11 {

// What pkcs11-helper logs, by its level; `Error` is a line 2.6 makes fatal.
enum class LogLevel : std::uint8_t { Error, Warn, Info, Debug1, Debug2 };

struct Hooks {
    std::function<void(LogLevel, std::string_view)> log;
    // pin: the PIN of the token `label` (its `display` name is the label
    // with the manufacturer and model); nothing or "" cancels the login.
    std::function<std::optional<std::string>(std::string_view label, std::string_view display)> pin;
    // token: ask for the token `label` to be inserted; true when it is.
    std::function<bool(std::string_view label)> token;
};

struct Provider {
    std::string path;
    bool protected_auth = false;
    unsigned private_mode = 0; // PKCS11H_PRIVATEMODE_MASK_* bits (hex in the option)
    bool cert_private = false;
};

// initialize: pkcs11-helper with the hooks, protected authentication
// allowed or not, and the PIN cache period (seconds, -1: for ever). The
// error is 2.6's fatal line. `debug`: pkcs11-helper's own debug lines too.
Status<> initialize(Hooks hooks, bool protected_auth, int pin_cache_period, bool debug);
bool initialized() noexcept;
// add_provider: load and initialize one provider library; logs 2.6's
// "Adding PKCS#11 provider" line and, on failure, its warning; false then.
bool add_provider(const Provider& p);
// terminate: unload everything (the next initialize starts afresh).
void terminate();
// logout: forget the tokens' sessions and cached PINs (2.6's pkcs11_logout,
// at --auth-retry interact after a key failure and forget-passwords).
void logout();

// Entry: one certificate the providers' tokens hold.
struct Entry {
    std::string id;                // pkcs11-helper's serialized id
    std::vector<std::uint8_t> der; // the certificate (X.509 DER)
};
// enumerate: every certificate, in pkcs11-helper's order; the error is
// 2.6's warning ("PKCS#11: Cannot get certificate list ...").
Result<std::vector<Entry>> enumerate();

// Mechanism: how the token is to sign (2.6's xkey_pkcs11h_sign choices).
struct Mechanism {
    enum class Kind : std::uint8_t { RsaPkcs1, RsaRaw, RsaPss, Ecdsa } kind = Kind::RsaPkcs1;
    std::string pss_md; // RsaPss: "SHA1" .. "SHA512"
    unsigned long pss_saltlen = 0;
};

// Certificate: a certificate object on a token, and its private key.
class Certificate {
public:
    struct Handle;
    explicit Certificate(std::shared_ptr<Handle> h) : h_(std::move(h)) {}
    // der: the certificate (X.509 DER).
    const std::vector<std::uint8_t>& der() const noexcept;
    // sign: the token's signature of `data` (a DigestInfo for RsaPkcs1, a
    // digest for RsaPss and Ecdsa); EC signatures as the token gives them
    // (r|s). Nothing when the token refused (a warning is logged).
    std::optional<std::vector<std::uint8_t>> sign(const Mechanism& m,
                                                  std::span<const std::uint8_t> data) const;

private:
    std::shared_ptr<Handle> h_;
};

// open_certificate: the certificate a serialized id names; the error is
// 2.6's warning ("PKCS#11: Cannot deserialize id ...", "PKCS#11: Unable
// get x509 certificate object").
Result<Certificate> open_certificate(std::string_view serialized_id);

// ecdsa_der: a raw r|s ECDSA signature as DER ECDSA-Sig-Value; nothing for
// an empty or odd-length input.
std::optional<std::vector<std::uint8_t>> ecdsa_der(std::span<const std::uint8_t> rs);

// rv_text: pkcs11-helper's "<rv>-'<name>'" as 2.6 prints a CK_RV.
std::string rv_text(unsigned long rv);

} // namespace ovpn::crypto::pkcs11
