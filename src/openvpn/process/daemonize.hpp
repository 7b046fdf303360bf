// process/daemonize.hpp: --daemon, --writepid and --cd as 2.6 does them.
//
// 2.6's order: options checked, version and settings logged, passwords
// queried, then become_daemon(), then write_pid_file(), then the tunnel.
// Under systemd ($NOTIFY_SOCKET set) it never forks, --daemon or not.
// --daemon: daemon(3) with nochdir=1: fork, the parent exits 0, setsid,
// fork again is not done (2.6 uses daemon(3), one fork); stdio go to
// /dev/null unless --log already points them at the log file (then only
// stdin does).
#pragma once

#include <string>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::options {
struct Options;
}

namespace ovpn::process {

// become_daemon: true when this process is now the daemon child (the parent
// has exited inside this call, as daemon(3) does), false when no fork was
// needed (no --daemon, or running under systemd). Err when the fork failed.
Result<bool> become_daemon(const options::Options& o, Logger& log);

// PidFile: --writepid. write() stores "<pid>\n"; the destructor removes the
// file again, as 2.6 does at exit, except when --chroot is used (2.6 cannot
// reach it then and leaves it).
class PidFile {
public:
    PidFile() = default;
    ~PidFile();
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

    // write: Err worded like 2.6 ("Open error on pid file <path>").
    Status<> write(const std::string& path, bool remove_at_exit);
    void remove();

private:
    std::string path_;
    bool remove_ = false;
};

// change_directory: --cd dir. Err "cd to '<dir>' failed".
Status<> change_directory(const std::string& dir);

} // namespace ovpn::process
