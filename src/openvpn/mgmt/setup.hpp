// mgmt/setup.hpp: from the parsed --management* options to the engine's and
// the shell's configuration, doing the start-up I/O 2.6 does in
// man_settings_init: reading the password file (or the console for
// "stdin"), looking up --management-client-user/-group.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/result.hpp"
#include "openvpn/mgmt/engine.hpp"
#include "openvpn/mgmt/shell.hpp"
#include "openvpn/options/management_options.hpp"

namespace ovpn::mgmt {

struct SetupContext {
    bool server = false;              // --mode server
    std::string title;                // 2.6's title string
    std::optional<Signal> remap_usr1; // --remap-usr1
    // password_path: the pw-file as the daemon opens it (after --cd).
    std::optional<std::string> password_path;
    // read_console: "stdin" as pw-file: prompt and read one line (default:
    // "Enter Management Password:" on stderr, echo off on a terminal).
    std::function<std::optional<std::string>(const std::string& prompt)> read_console;
};

struct Setup {
    Config engine;
    ShellConfig shell;
    // D_MANAGEMENT lines 2.6 logs meanwhile ("MANAGEMENT: client_uid=0").
    std::vector<std::string> log;
};

// setup: the error is 2.6's fatal line ("Error opening 'Management' auth
// file: pw.txt: No such file or directory (errno=2)", "failed to find UID for
// user bob", ...). --management tunnel is refused by name (not implemented).
Result<Setup> setup(const options::ManagementOptions& m, SetupContext ctx);

} // namespace ovpn::mgmt
