// options/parser.hpp: reads a command line and config files through the
// option table and fills Options. 2.6's rules:
//  - argv: `--name args...` groups (a parameter is any word not starting with
//    "--"); a single bare argument is a config file (`openvpn x.conf`).
//  - Files and the command line are applied in order, so a later directive
//    overrides an earlier one (`--config a.conf --verb 5` beats a.conf's verb).
//  - `--config` nests up to 10 levels; a file that includes itself (directly
//    or through others) is an error naming the loop.
//  - Unknown options, and options with the wrong number of parameters, are
//    fatal unless `setenv opt` prefixes the line, the name is listed in
//    `ignore-unknown-option`, or `setenv FORWARD_COMPATIBLE 1` came first.
//  - Windows-only options (and the few Debian's build leaves out) are unknown.
// After parsing, finalize() (helpers.hpp) expands --server, --client, etc.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/lexer.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::options {

class Parser {
public:
    Parser(Options& o, Logger& log) : o_(o), log_(log) {}

    // parse_argv: argv without the program name.
    Status<> parse_argv(std::span<const std::string> args);
    // include_file: --config FILE, read relative to the current directory.
    Status<> include_file(const std::string& path, const Origin& from);
    // parse_text: a config held in memory (tests, stdin), under `name`;
    // `mask` is where it is read (kMaskConfig for a config file,
    // kMaskClientConnect for a client-config-dir file).
    Status<> parse_text(std::string_view text, const std::string& name, std::uint32_t mask = ~0u);
    // connection_block: the body of a <connection> block that started at `at`.
    Status<> connection_block(const std::string& body, const Origin& at);
    // apply: one directive (name first) read where `mask` applies.
    Status<> apply(std::vector<std::string> tokens, const Origin& at, bool is_inline, std::uint32_t mask);

private:
    Status<> apply_lines(const std::vector<Line>& lines, std::uint32_t mask);
    Status<> unknown(const std::vector<std::string>& tokens, const Origin& at, bool relaxed);
    Status<> parse_argv_groups(std::span<const std::string> args);

    Options& o_;
    Logger& log_;
    std::vector<std::string> include_stack_; // canonical paths, outermost first
    ConnectionEntry* current_ce_ = nullptr;  // set while reading a <connection>
};

// parse_config: argv (without program name) -> finalized Options. The one
// call the application makes. Errors are "Options error: ..." sentences.
Result<Options> parse_config(std::span<const std::string> args, Logger& log);

} // namespace ovpn::options
