// options/runtime_support.hpp: options this build parses but does not act on.
//
// The option table accepts every 2.6 option so that configs parse and
// --check-config agrees with 2.6. Accepting is not doing: an option that 2.6
// acts on and we would silently ignore changes what the user gets (no
// management socket, no plugin, no port sharing). Such an option stops the
// start-up with an error that names it and says why, before anything
// touches the system. Options 2.6 itself ignores on Linux are not listed.
//
// Keep this list honest: when a layer starts acting on an option, remove it
// here in the same commit (tests/unit/options/runtime_support_test.cpp
// checks the list against the option table).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "openvpn/options/options.hpp"

namespace ovpn::options {

struct Unsupported {
    std::string option; // the option's name, without "--"
    std::string why;    // one sentence for the error line
};

// RuntimeModes: which of our run modes lack the option.
enum class RuntimeModes : unsigned { Client = 1, Server = 2, Both = 3 };

struct RuntimeGap {
    std::string_view option;
    RuntimeModes modes;
    std::string_view why;
};

// runtime_gaps: the whole list (for tests and --help-style listings).
const std::vector<RuntimeGap>& runtime_gaps();

// runtime_unsupported: the gaps that `o` actually uses in its mode, in
// config order of the list; empty when the config can run as given.
std::vector<Unsupported> runtime_unsupported(const Options& o);

// format_unsupported: "Options error: --management is not supported by this
// build yet: <why>" (one line per gap).
std::string format_unsupported(const Unsupported& u);

} // namespace ovpn::options
