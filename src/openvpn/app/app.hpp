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

} // namespace ovpn::app
