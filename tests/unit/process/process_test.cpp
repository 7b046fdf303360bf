// process/: --log redirection and precedence, --writepid, --cd, --daemon and
// the privilege drop (chroot, group, user with CAP_NET_ADMIN kept). Steps
// that change the whole process run in a forked child.
#include <gtest/gtest.h>

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "openvpn/options/parser.hpp"
#include "openvpn/process/daemonize.hpp"
#include "openvpn/process/lifecycle.hpp"
#include "openvpn/process/logging.hpp"
#include "openvpn/process/status.hpp"

namespace ovpn::process {
namespace {

Logger& quiet()
{
    static Logger log(std::fopen("/dev/null", "w"));
    return log;
}

options::Options parse(std::vector<std::string> args)
{
    auto r = options::parse_config(args, quiet());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? *r : options::Options{};
}

std::string slurp(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// in_child: run fn in a forked child; its return value is the exit status.
template <typename Fn> int in_child(Fn fn)
{
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct TempDir {
    std::string path;
    TempDir()
    {
        char t[] = "/tmp/proc-test-XXXXXX";
        path = mkdtemp(t);
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

TEST(ProcessLogging, LogTruncatesAndCarriesStdoutAndStderr)
{
    TempDir d;
    const std::string file = d.path + "/openvpn.log";
    {
        std::ofstream(file) << "old line\n";
    }
    const int rc = in_child([&] {
        Logger log(stdout);
        auto o = parse({"--log", file, "--suppress-timestamps", "--verb", "3"});
        if (!configure_logging(log, o))
            return 2;
        log.write(Verb::Info, "Initialization Sequence Completed");
        std::fprintf(stderr, "from a script\n");
        std::fflush(stderr);
        return log.syslog_active() ? 3 : 0;
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(slurp(file), "Initialization Sequence Completed\nfrom a script\n");
}

TEST(ProcessLogging, LogAppendKeepsAndLogWinsOverDaemonSyslog)
{
    TempDir d;
    const std::string file = d.path + "/openvpn.log";
    {
        std::ofstream(file) << "old line\n";
    }
    const int rc = in_child([&] {
        Logger log(stdout);
        auto o = parse({"--daemon", "vpn1", "--log-append", file, "--suppress-timestamps"});
        if (!configure_logging(log, o))
            return 2;
        log.write(Verb::Error, "new line");
        return log.syslog_active() ? 3 : 0;
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(slurp(file), "old line\nnew line\n");
}

TEST(ProcessLogging, FirstLogOptionWins)
{
    TempDir d;
    const std::string a = d.path + "/a.log", b = d.path + "/b.log";
    const int rc = in_child([&] {
        Logger log(stdout);
        auto o = parse({"--log-append", a, "--log", b, "--suppress-timestamps"});
        if (!configure_logging(log, o))
            return 2;
        log.write(Verb::Error, "x");
        return 0;
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(slurp(a), "x\n");
    struct stat st {};
    ASSERT_EQ(stat(a.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u); // a new log file is private, as in 2.6
    EXPECT_EQ(access(b.c_str(), F_OK), -1);
}

TEST(ProcessLogging, SyslogForDaemonOrSyslogWithName)
{
    EXPECT_EQ(syslog_ident(parse({"--daemon", "vpn-a"})), "vpn-a");
    EXPECT_EQ(syslog_ident(parse({"--syslog", "vpn-b"})), "vpn-b");
    EXPECT_EQ(syslog_ident(parse({"--syslog"})), "openvpn");
    EXPECT_EQ(syslog_ident(parse({"--syslog", "--daemon", "late"})), "openvpn"); // the first one opens syslog
    const int rc = in_child([&] {
        Logger log(stdout);
        auto o = parse({"--syslog", "proc-unit-test", "--mute", "5", "--verb", "4"});
        if (!configure_logging(log, o))
            return 2;
        return log.syslog_active() && log.verb() == 4 ? 0 : 3;
    });
    EXPECT_EQ(rc, 0);
}

TEST(ProcessLogging, UnwritableLogIsAWarningNotACrash)
{
    Logger log(std::fopen("/dev/null", "w"));
    auto s = redirect_stdio_to_file("/nonexistent-proc-dir/x.log", false);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().find("Error redirecting stdout/stderr to --log file: /nonexistent-proc-dir/x.log"),
              std::string::npos);
}

TEST(ProcessDaemon, PidFileWrittenAndRemoved)
{
    TempDir d;
    const std::string path = d.path + "/openvpn.pid";
    {
        PidFile pf;
        ASSERT_TRUE(pf.write(path, true));
        EXPECT_EQ(slurp(path), std::to_string(getpid()) + "\n");
    }
    EXPECT_EQ(access(path.c_str(), F_OK), -1); // removed at exit, as 2.6
    {
        PidFile pf;
        ASSERT_TRUE(pf.write(path, false)); // --chroot: 2.6 leaves it
    }
    EXPECT_EQ(access(path.c_str(), F_OK), 0);
    PidFile bad;
    auto s = bad.write(d.path + "/no/such/dir/pid", true);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().find("Open error on pid file"), std::string::npos);
}

TEST(ProcessDaemon, DaemonForksDetachesAndWritesThePidOfTheChild)
{
    TempDir d;
    const std::string pidf = d.path + "/pid", done = d.path + "/done";
    const int rc = in_child([&] {
        unsetenv("NOTIFY_SOCKET");
        Logger log(stdout);
        auto o = parse({"--daemon", "--log", d.path + "/log"});
        if (!configure_logging(log, o))
            return 2;
        auto r = become_daemon(o, log);
        if (!r || !*r)
            return 3;
        // Only the daemon child gets here; the parent exited 0 in daemon(3).
        // It always leaves a verdict, published by rename() so it is whole.
        PidFile pf;
        const bool wrote = pf.write(pidf, false).ok();
        const bool ok = wrote && getsid(0) == getpid() && isatty(0) == 0;
        {
            std::ofstream(done + ".tmp") << (ok ? "ok" : "bad") << "\n";
        }
        std::rename((done + ".tmp").c_str(), done.c_str());
        return 0;
    });
    ASSERT_EQ(rc, 0); // the parent's exit status
    // The child runs on its own: wait for its verdict (the ctest timeout bounds this).
    while (access(done.c_str(), F_OK) != 0)
        usleep(10000);
    EXPECT_EQ(slurp(done), "ok\n");
    const std::string pid = slurp(pidf);
    EXPECT_FALSE(pid.empty());
    EXPECT_NE(pid, std::to_string(getpid()) + "\n");
}

TEST(ProcessDaemon, NoDaemonWithoutTheOption)
{
    auto o = parse({"--verb", "1"});
    auto r = become_daemon(o, quiet());
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
}

TEST(ProcessDaemon, ChangeDirectory)
{
    TempDir d;
    const int rc = in_child([&] {
        if (!change_directory(d.path))
            return 2;
        char buf[4096];
        if (getcwd(buf, sizeof buf) == nullptr || d.path != buf)
            return 3;
        auto bad = change_directory(d.path + "/missing");
        return !bad && bad.error().find("cd to '") == 0 ? 0 : 4;
    });
    EXPECT_EQ(rc, 0);
}

// Capability sets of this process from /proc (CapEff line, hex).
unsigned long long cap_eff()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0)
            return std::stoull(line.substr(7), nullptr, 16);
    return 0;
}

TEST(ProcessLifecycle, DropsToUserAndGroupKeepingNetAdmin)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to change user (CI runs the unit tests as root)";
    ASSERT_NE(getpwnam("nobody"), nullptr);
    ASSERT_NE(getgrnam("nogroup"), nullptr);
    TempDir d;
    const std::string logf = d.path + "/log";
    const int rc = in_child([&] {
        std::FILE* f = std::fopen(logf.c_str(), "w");
        Logger log(f);
        log.set_timestamps(false);
        auto o = parse({"--user", "nobody", "--group", "nogroup"});
        if (!drop_privileges(o, log, true)) // 2.6's p2p case: as soon as tun and socket are open
            return 2;
        auto s = initialization_sequence_completed(o, log, true); // does not drop twice
        std::fflush(f);
        if (!s)
            return 2;
        const unsigned long long net_admin = 1ull << 12;
        if (getuid() != getpwnam("nobody")->pw_uid || getgid() != getgrnam("nogroup")->gr_gid)
            return 3;
        return cap_eff() == net_admin ? 0 : 4;
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(slurp(logf), "UID set to nobody\nGID set to nogroup\nCapabilities retained: CAP_NET_ADMIN\n"
                           "Initialization Sequence Completed\n");
}

TEST(ProcessLifecycle, ChrootThenUser)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to chroot (CI runs the unit tests as root)";
    TempDir d;
    const std::string logf = d.path + "/log";
    const std::string jail = d.path + "/jail";
    mkdir(jail.c_str(), 0755);
    const int rc = in_child([&] {
        std::FILE* f = std::fopen(logf.c_str(), "w");
        Logger log(f);
        log.set_timestamps(false);
        auto o = parse({"--chroot", jail, "--user", "nobody"});
        auto s = after_init(o, log, false);
        std::fflush(f);
        if (!s)
            return 2;
        char buf[64];
        if (getcwd(buf, sizeof buf) == nullptr || std::string(buf) != "/")
            return 3;
        return access("/tmp", F_OK) == -1 ? 0 : 4; // inside the empty jail
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(slurp(logf), "chroot to '" + jail +
                               "' and cd to '/' succeeded\nUID set to nobody\n"
                               "Capabilities retained: CAP_NET_ADMIN\n");
}

TEST(ProcessLifecycle, Warnings)
{
    std::FILE* f = std::tmpfile();
    Logger log(f);
    log.set_timestamps(false);
    privilege_warnings(parse({"--verb", "1"}), log);
    privilege_warnings(parse({"--user", "nobody", "--group", "nogroup", "--persist-tun", "--persist-key"}),
                       log);
    privilege_warnings(parse({"--chroot", "/tmp", "--user", "nobody"}), log);
    std::rewind(f);
    char buf[512];
    std::string out;
    while (std::fgets(buf, sizeof buf, f))
        out += buf;
    std::fclose(f);
    EXPECT_EQ(
        out,
        "WARNING: you are using user/group/chroot/setcon without persist-tun -- this may cause restarts to "
        "fail\n"
        "WARNING: you are using user/group/chroot/setcon without persist-key -- this may cause restarts to "
        "fail\n"
        "WARNING: you are using chroot without specifying user and group -- this may cause the chroot jail "
        "to be insecure\n");
}

TEST(ProcessLifecycle, UnknownUserIsAnError)
{
    auto o = parse({"--user", "no-such-user-proc-test"});
    auto s = after_init(o, quiet(), false);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), "failed to find UID for user no-such-user-proc-test");
}

TEST(ProcessLifecycle, UserAndGroupAreCheckedAtStartGroupFirst)
{
    EXPECT_TRUE(check_user_group(parse({"--user", "nobody", "--group", "nogroup"})));
    EXPECT_TRUE(check_user_group(parse({"--verb", "1"})));
    auto g =
        check_user_group(parse({"--user", "no-such-user-proc-test", "--group", "no-such-group-proc-test"}));
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error(),
              "failed to find GID for group no-such-group-proc-test"); // 2.6 looks the group up first
    auto u = check_user_group(parse({"--user", "no-such-user-proc-test", "--group", "nogroup"}));
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), "failed to find UID for user no-such-user-proc-test");
}

TEST(ProcessLifecycle, DelayedDropNote)
{
    std::FILE* f = std::tmpfile();
    Logger log(f);
    log.set_timestamps(false);
    note_delayed_drop(parse({"--verb", "1"}), log);
    note_delayed_drop(parse({"--client", "--user", "nobody", "--chroot", "/tmp"}), log);
    std::rewind(f);
    char buf[512];
    std::string out;
    while (std::fgets(buf, sizeof buf, f))
        out += buf;
    std::fclose(f);
    EXPECT_EQ(out, "NOTE: chroot will be delayed because of --client, --pull, or --up-delay\n"
                   "NOTE: UID/GID downgrade will be delayed because of --client, --pull, or --up-delay\n");
}

TEST(ProcessLifecycle, NothingToDoWithoutOptions)
{
    unsetenv("NOTIFY_SOCKET");
    auto o = parse({"--verb", "1"});
    EXPECT_TRUE(after_init(o, quiet(), true));
    notify_status("x"); // no systemd: no-ops
    notify_stopping();
    notify_ready();
}

// recv_all: the datagrams queued on a non-blocking socket.
std::vector<std::string> recv_all(int fd)
{
    std::vector<std::string> out;
    char buf[1024];
    for (;;) {
        const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0)
            break;
        out.emplace_back(buf, static_cast<std::size_t>(n));
    }
    return out;
}

TEST(ProcessLifecycle, SystemdNotificationsAndNoForkUnderSystemd)
{
    TempDir d;
    const std::string sock = d.path + "/notify";
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    setenv("NOTIFY_SOCKET", sock.c_str(), 1);
    auto o = parse({"--daemon"});
    auto r = become_daemon(o, quiet()); // systemd supervises: never fork
    notify_ready();
    auto s = initialization_sequence_completed(o, quiet(), false);
    notify_status("custom");
    notify_stopping();
    unsetenv("NOTIFY_SOCKET");
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_TRUE(s);
    const auto msgs = recv_all(fd);
    close(fd);
    ASSERT_EQ(msgs.size(), 5u);
    EXPECT_EQ(msgs[0], "READY=0");
    EXPECT_EQ(msgs[1], "READY=1\nSTATUS=Pre-connection initialization successful\nMAINPID=" +
                           std::to_string(getpid()));
    EXPECT_EQ(msgs[2], "READY=1\nSTATUS=Initialization Sequence Completed");
    EXPECT_EQ(msgs[3], "STATUS=custom");
    EXPECT_EQ(msgs[4], "STOPPING=1");
}

} // namespace
} // namespace ovpn::process

namespace ovpn::process {
namespace {

TEST(ProcessStatus, MakeStatusFileFromOptions)
{
    TempDir d;
    const std::string path = d.path + "/status";
    EXPECT_EQ(make_status_file(parse({"--verb", "1"}), quiet()), nullptr);
    auto f = make_status_file(parse({"--status", path, "5"}), quiet());
    ASSERT_NE(f, nullptr);
    EXPECT_TRUE(f->is_open());
    EXPECT_EQ(access(path.c_str(), F_OK), 0); // created (truncated) at start-up
    FakeClock clock;
    ASSERT_TRUE(f->write("x\n", clock.now()));
    clock.advance(std::chrono::seconds(4));
    EXPECT_FALSE(f->due(clock.now()));
    clock.advance(std::chrono::seconds(1));
    EXPECT_TRUE(f->due(clock.now()));
    auto dflt = make_status_file(parse({"--status", path}), quiet());
    ASSERT_TRUE(dflt->write("x\n", clock.now()));
    clock.advance(std::chrono::seconds(59));
    EXPECT_FALSE(dflt->due(clock.now())); // 2.6's default: 60 s
    clock.advance(std::chrono::seconds(1));
    EXPECT_TRUE(dflt->due(clock.now()));
    EXPECT_EQ(status_version(parse({"--status", path})), 1);
    EXPECT_EQ(status_version(parse({"--status", path, "--status-version", "3"})), 3);
}

TEST(ProcessStatus, LogStatusOneMessagePerLine)
{
    std::FILE* f = std::tmpfile();
    Logger log(f);
    log.set_timestamps(false);
    log_status(log, "OpenVPN STATISTICS\nUpdated,x\nEND\n");
    std::rewind(f);
    char buf[256];
    std::string out;
    while (std::fgets(buf, sizeof buf, f))
        out += buf;
    std::fclose(f);
    EXPECT_EQ(out, "OpenVPN STATISTICS\nUpdated,x\nEND\n");
}

} // namespace
} // namespace ovpn::process
