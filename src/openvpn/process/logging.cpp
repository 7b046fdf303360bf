// process/logging.cpp: see logging.hpp.
#include "openvpn/process/logging.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "openvpn/options/options.hpp"

namespace ovpn::process {

namespace {

// first_log: the --log / --log-append given first (2.6 redirects once).
const options::Directive* first_log(const options::Options& o)
{
    for (const auto& d : o.directives)
        if ((d.name == "log" || d.name == "log-append") && !d.args.empty())
            return &d;
    return nullptr;
}

} // namespace

Status<> redirect_stdio_to_file(const std::string& path, bool append)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | (append ? O_APPEND : O_TRUNC), 0600);
    if (fd < 0)
        return Err(strfmt("Warning: Error redirecting stdout/stderr to --log file: %s: %s (errno=%d)",
                          path.c_str(), std::strerror(errno), errno));
    std::fflush(stdout);
    std::fflush(stderr);
    if (::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) {
        const int e = errno;
        ::close(fd);
        return Err(strfmt("--log file redirection error: %s", std::strerror(e)));
    }
    if (fd > 2)
        ::close(fd);
    return Ok{};
}

std::string syslog_ident(const options::Options& o)
{
    // 2.6 opens syslog at the first --syslog or --daemon, with its name or
    // the default; later names are ignored.
    for (const auto& d : o.directives)
        if (d.name == "syslog" || d.name == "daemon")
            return d.args.empty() ? "openvpn" : d.args.front();
    if (o.daemon_name)
        return *o.daemon_name;
    return "openvpn";
}

Status<> configure_logging(Logger& log, const options::Options& o)
{
    log.set_verb(o.verb);
    log.set_mute(o.mute.value_or(0));
    log.set_timestamps(!o.suppress_timestamps);
    log.set_machine_readable(o.machine_readable_output);
    // 2.6 writes messages to stdout; fatal ones too unless --errors-to-stderr.
    log.set_output(stdout);
    if (o.errors_to_stderr)
        log.set_error_output(stderr);

    std::string path;
    bool append = false;
    if (const auto* d = first_log(o)) {
        path = d->args.front();
        append = d->name == "log-append";
    } else if (o.log) {
        path = *o.log;
    } else if (o.log_append) {
        path = *o.log_append;
        append = true;
    }
    if (!path.empty()) {
        // --log wins over --syslog and --daemon's syslog.
        return redirect_stdio_to_file(path, append);
    }
    if (o.syslog || o.daemon)
        log.use_syslog(syslog_ident(o));
    return Ok{};
}

} // namespace ovpn::process
