// app/app.hpp: the command-line program around the layers. run() parses the
// command line and config files (options/), handles the one-shot actions
// (--version, --help, --genkey, --show-ciphers, ...) and our --check-config,
// and otherwise validates the options, decides on DCO and hands over to
// daemon::run(). It returns the process exit code; only main() exits.
#pragma once

#include <string>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::app {

int run(int argc, char** argv);

// The pieces run() uses, exposed for tests.
void print_version(std::FILE* out);
void print_help(std::FILE* out);
int run_genkey(const options::Options& o, Logger& log);
// check_config: parse-and-validate report (see man page, --check-config).
int check_config(const options::Options& o, Logger& log, std::FILE* out);

// The --version lines: "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL ...]",
// "library versions: ...", and the DCO module's version (or "N/A").
std::string version_title();
std::string library_versions();
std::string dco_version();

// The --show-* lists (show_crypto.cpp), in 2.6.14's format. show_tls
// follows --tls-cipher, --tls-ciphersuites and --tls-cert-profile as 2.6
// does; false (logged) when OpenSSL refuses those lists.
void show_ciphers(std::FILE* out);
void show_digests(std::FILE* out);
void show_engines(std::FILE* out);
bool show_tls(std::FILE* out, const options::Options& o, Logger& log);
void show_curves(std::FILE* out);

// run_test_crypto: --test-crypto (test_crypto.cpp); the exit code.
int run_test_crypto(const options::Options& o, Logger& log);
// persist_tun: --mktun / --rmtun (persist_tun.cpp); the exit code.
int persist_tun(const options::Options& o, Logger& log);
// show_gateway: --show-gateway (show_gateway.cpp); the exit code.
int show_gateway(const options::Options& o, Logger& log);

} // namespace ovpn::app
