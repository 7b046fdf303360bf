// process/daemonize.cpp: see daemonize.hpp.
#include "openvpn/process/daemonize.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "openvpn/core/replace_file.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::process {

namespace {

// null_stdio: point stdin (and, unless stdin_only, stdout/stderr) at /dev/null.
void null_stdio(bool stdin_only)
{
    const int fd = ::open("/dev/null", O_RDWR);
    if (fd < 0)
        return;
    ::dup2(fd, 0);
    if (!stdin_only) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
    }
    if (fd > 2)
        ::close(fd);
}

} // namespace

Result<bool> become_daemon(const options::Options& o, Logger& log)
{
    // Under systemd the service manager supervises us: never fork (2.6 asks
    // sd_notify whether a notify socket exists).
    if (::sd_notify(0, "READY=0") > 0)
        return false;
    if (!o.daemon)
        return false;
    const bool has_log = o.log.has_value() || o.log_append.has_value();
    std::fflush(stdout);
    std::fflush(stderr);
    if (::daemon(1, has_log ? 1 : 0) < 0)
        return Err(strfmt("daemon() failed or unsupported: %s (errno=%d)", std::strerror(errno), errno));
    if (has_log)
        null_stdio(true);
    (void)log;
    return true;
}

PidFile::~PidFile()
{
    if (remove_)
        remove();
}

// write: replaced by rename where the directory allows (a SIGKILL during
// start never leaves an empty pid file behind), else written in place.
Status<> PidFile::write(const std::string& path, bool remove_at_exit)
{
    const std::string text = strfmt("%u\n", static_cast<unsigned>(::getpid()));
    auto r = replace_file(path, text, 0644);
    if (!r || *r == ReplaceOutcome::NotHere) {
        std::FILE* fp = std::fopen(path.c_str(), "w");
        if (fp == nullptr)
            return Err(strfmt("Open error on pid file %s: %s (errno=%d)", path.c_str(), std::strerror(errno),
                              errno));
        std::fputs(text.c_str(), fp);
        if (std::fclose(fp) != 0)
            return Err(strfmt("Close error on pid file %s: %s (errno=%d)", path.c_str(), std::strerror(errno),
                              errno));
    }
    path_ = path;
    remove_ = remove_at_exit;
    return Ok{};
}

void PidFile::remove()
{
    if (!path_.empty())
        ::unlink(path_.c_str());
    path_.clear();
    remove_ = false;
}

Status<> change_directory(const std::string& dir)
{
    if (::chdir(dir.c_str()) != 0)
        return Err(strfmt("cd to '%s' failed: %s (errno=%d)", dir.c_str(), std::strerror(errno), errno));
    return Ok{};
}

} // namespace ovpn::process
