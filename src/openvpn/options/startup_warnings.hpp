// options/startup_warnings.hpp: the warnings and notes 2.6 prints at
// start-up about a configuration (options.c's parse-time and post-process
// notes, check_file_access's "group or others accessible", init.c's
// do_option_warnings), decided in one place. The daemon prints each at the
// point of the start 2.6 prints it (see Phase); --check-config prints all
// of them with the line to write instead and what OpenVPN 2.7 does.
//
// startup_warnings is pure: the only fact outside the options, a file's
// permission bits, comes in through FileMode.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/options/options.hpp"

namespace ovpn::options {

// Phase: where in 2.6's start the line appears.
//   Parse   while the config is read (directive order), before the DCO note;
//   Mutate  options_postprocess_mutate, still before the DCO note;
//   Files   options_postprocess_filechecks, after the DCO note;
//   Init    after the title and "DCO version:" (init.c, each (re)start).
enum class Phase { Parse, Mutate, Files, Init };

struct StartupWarning {
    Phase phase;
    std::string option; // the option it is about, e.g. "ncp-ciphers"
    std::string text;   // 2.6.14's line, exactly
    std::string fix;    // ours: what to write or do instead
    std::string in_27;  // "" or what OpenVPN 2.7 removes or changes here
};

// FileMode: a file's st_mode, nullopt when it cannot be stat'ed.
using FileMode = std::function<std::optional<unsigned>(const std::string&)>;

// startup_warnings: over finalized options, in 2.6's order.
std::vector<StartupWarning> startup_warnings(const Options& o, const FileMode& mode);

// stat_mode: the FileMode of the real file system (stat(2)).
std::optional<unsigned> stat_mode(const std::string& path);

// in_phase: the texts of the warnings of one phase, in order.
std::vector<std::string> in_phase(const std::vector<StartupWarning>& w, Phase p);

} // namespace ovpn::options
