// options/validate.hpp: the checks 2.6 makes after parsing, before anything
// starts: option combinations (options_postprocess_verify in 2.6), cipher
// names against OpenSSL, and the referenced files (ca, cert, key, dh,
// crl-verify, extra-certs, pkcs12, tls-auth, tls-crypt, tls-crypt-v2, secret,
// auth-gen-token-secret) read and parsed with OpenSSL.
//
// Each problem is one "Options error: ..." sentence naming the option and,
// for files, the file and the config line that referenced it. validate()
// returns them all (2.6 stops at the first; we report every one, in 2.6's
// order). Warnings 2.6 prints are logged. Nothing is created or written.
#pragma once

#include <string>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::options {

struct ValidateFlags {
    bool check_files = true; // read and parse referenced files
};

// validate: every error; empty means the options would start.
std::vector<std::string> validate(const Options& o, Logger& log, ValidateFlags flags = {});

// check_options: option combinations only (no file access).
std::vector<std::string> check_options(const Options& o, Logger& log);

// check_ciphers: --data-ciphers, --data-ciphers-fallback, --cipher, --auth
// against what OpenSSL can fetch, the --secret cipher's mode, and the
// --tls-cipher / --tls-ciphersuites lists as OpenSSL takes them.
std::vector<std::string> check_ciphers(const Options& o);

// check_files: read and parse every referenced file or inline block.
std::vector<std::string> check_files(const Options& o);

// resolve_path: a file name as the daemon will open it (relative to --cd).
std::string resolve_path(const Options& o, const std::string& path);

} // namespace ovpn::options
