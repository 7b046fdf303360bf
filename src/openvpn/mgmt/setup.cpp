// mgmt/setup.cpp: --management* options to Config + ShellConfig.
#include "openvpn/mgmt/setup.hpp"

#include <grp.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "openvpn/core/log.hpp"

namespace ovpn::mgmt {

namespace {

// console_line: 2.6's query_user for the management password: a prompt and
// one line, not echoed on a terminal.
std::optional<std::string> console_line(const std::string& prompt)
{
    const bool tty = ::isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        std::fprintf(stderr, "%s", prompt.c_str());
        std::fflush(stderr);
        if (::tcgetattr(STDIN_FILENO, &saved) == 0) {
            termios quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
    }
    std::string line;
    const bool ok = static_cast<bool>(std::getline(std::cin, line));
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fprintf(stderr, "\n");
    }
    if (!ok)
        return std::nullopt;
    return line;
}

void chomp(std::string& s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
}

// read_password: the first line of `path` (2.6's get_user_pass with
// GET_USER_PASS_PASSWORD_ONLY and the prefix "Management").
Result<std::string> read_password(const std::string& path, const std::string& shown, const SetupContext& ctx)
{
    if (shown == "stdin") {
        auto read = ctx.read_console ? ctx.read_console : console_line;
        auto line = read("Enter Management Password:");
        if (!line || line->empty())
            return Err{std::string("ERROR: could not read Management password from stdin")};
        chomp(*line);
        return *line;
    }
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (!f)
        return Err{strfmt("Error opening 'Management' auth file: %s: %s (errno=%d)", shown.c_str(),
                          std::strerror(errno), errno)};
    char buf[4096] = {};
    std::string pw;
    if (std::fgets(buf, sizeof buf, f))
        pw = buf;
    std::fclose(f);
    std::memset(buf, 0, sizeof buf);
    chomp(pw);
    if (pw.empty())
        return Err{strfmt("Error reading password from Management authfile: %s", shown.c_str())};
    return pw;
}

Status<> lookup_ids(const options::ManagementOptions& m, Setup& s)
{
    if (m.client_user) {
        const passwd* pw = ::getpwnam(m.client_user->c_str());
        if (!pw)
            return Err{strfmt("failed to find UID for user %s", m.client_user->c_str())};
        s.shell.client_uid = pw->pw_uid;
        s.log.push_back(strfmt("MANAGEMENT: client_uid=%d", static_cast<int>(pw->pw_uid)));
    }
    if (m.client_group) {
        const group* gr = ::getgrnam(m.client_group->c_str());
        if (!gr)
            return Err{strfmt("failed to find GID for group %s", m.client_group->c_str())};
        s.shell.client_gid = gr->gr_gid;
        s.log.push_back(strfmt("MANAGEMENT: client_gid=%d", static_cast<int>(gr->gr_gid)));
    }
    return Ok{};
}

} // namespace

Result<Setup> setup(const options::ManagementOptions& m, SetupContext ctx)
{
    if (m.over_tunnel)
        return Err{std::string("Options error: --management tunnel is not supported (listen on an address)")};
    Setup s;
    Config& c = s.engine;
    c.title = ctx.title;
    c.server = ctx.server;
    c.hold = m.hold;
    c.signal_on_disconnect = m.signal_on_disconnect;
    c.forget_on_disconnect = m.forget_on_disconnect;
    c.connect_as_client = m.connect_as_client;
    c.up_down = m.up_down;
    c.log_cache = m.log_cache;
    c.remap_usr1 = ctx.remap_usr1;
    if (m.password_file) {
        auto pw = read_password(ctx.password_path.value_or(*m.password_file), *m.password_file, ctx);
        if (!pw)
            return Err{pw.error()};
        c.password = std::move(*pw);
    }
    if (auto st = lookup_ids(m, s); !st)
        return Err{st.error()};
    s.shell.address = m.address;
    s.shell.port = m.port;
    s.shell.unix_socket = m.unix_socket;
    s.shell.connect_out = m.connect_as_client;
    return s;
}

} // namespace ovpn::mgmt
