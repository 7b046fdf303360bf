// Server::run's answer to SIGUSR1 / SIGHUP / SIGTERM: SIGUSR1 restarts in
// place keeping what 2.6 keeps (keys with --persist-key, the status and
// pool-persist files), SIGHUP returns the reload request daemon::run acts
// on (re-read config), SIGTERM the exit code.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "common.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/server/server.hpp"

using namespace ovpn;
namespace fs = std::filesystem;

namespace {

// OnLine: called with each line the server logs, as it logs it (the test
// acts there: raise the next signal, take files away).
using OnLine = std::function<void(const std::string&)>;

// run_server: block SIGUSR1/SIGHUP/SIGTERM/SIGUSR2, raise `sig`, then run
// a server; the loop's signalfd picks the pending signals up.
int run_server(int sig, std::vector<std::string> extra, const OnLine& on_line)
{
    sigset_t mask, old;
    sigemptyset(&mask);
    for (int s : {SIGUSR1, SIGUSR2, SIGHUP, SIGTERM})
        sigaddset(&mask, s);
    EXPECT_EQ(::sigprocmask(SIG_BLOCK, &mask, &old), 0);
    ::raise(sig);
    SystemClock clock;
    Logger log(stderr);
    log.set_verb(on_line ? 4 : 0);
    std::FILE* devnull = std::fopen("/dev/null", "w");
    log.set_output(devnull);
    if (on_line)
        log.set_tap([&on_line](const LogLine& l) { on_line(std::string(l.text)); });
    int code = 99;
    {
        io::EventLoop loop(clock);
        std::vector<std::string> a = {"--proto",   "udp4",   "--local",
                                      "127.0.0.1", "--port", std::to_string(servertest::free_udp_port())};
        a.insert(a.end(), extra.begin(), extra.end());
        auto opts = servertest::server_opts(a);
        opts.dev = "null";
        server::Server s(opts, servertest::no_dco(), log, loop);
        code = s.run();
    }
    log.set_tap({});
    // a signal the run did not take must not reach the next test
    timespec zero{};
    while (::sigtimedwait(&mask, nullptr, &zero) > 0) {
    }
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    log.set_output(stderr);
    std::fclose(devnull);
    return code;
}

// run_with_pending: `sig`, then `then` once the server is up; its lines
// into `lines` when given.
int run_with_pending(int sig, std::vector<std::string> extra = {}, int then = 0,
                     std::vector<std::string>* lines = nullptr)
{
    OnLine on;
    if (lines != nullptr || then != 0)
        on = [lines, then](const std::string& l) {
            if (lines != nullptr)
                lines->push_back(l);
            if (then != 0 && l == "Initialization Sequence Completed")
                ::raise(then);
        };
    return run_server(sig, std::move(extra), on);
}

// Restarts: SIGUSR1 pending at start; `on_first_up` runs when the first run
// is up, SIGTERM is raised when the second is. Every line into `lines`.
int run_usr1_then_term(std::vector<std::string> extra, std::vector<std::string>& lines,
                       const std::function<void()>& on_first_up = {})
{
    int ups = 0;
    return run_server(SIGUSR1, std::move(extra), [&](const std::string& l) {
        lines.push_back(l);
        if (l != "Initialization Sequence Completed")
            return;
        if (++ups == 1 && on_first_up)
            on_first_up();
        if (ups == 2)
            ::raise(SIGTERM);
    });
}

std::size_t count(const std::vector<std::string>& lines, const std::string& t)
{
    return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), t));
}

bool contains(const std::vector<std::string>& lines, const std::string& part)
{
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

// TempDir: a directory of the test's own, removed at the end.
struct TempDir {
    fs::path path;
    TempDir()
    {
        char t[] = "/tmp/srv-signal-XXXXXX";
        path = ::mkdtemp(t);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& f) const { return (path / f).string(); }
};

} // namespace

TEST(ServerSignals, Usr1RestartsInPlaceHupReloadsTermExits)
{
    std::vector<std::string> lines;
    EXPECT_EQ(run_usr1_then_term({}, lines), server::kExitOk);
    EXPECT_EQ(count(lines, "SIGUSR1[hard,] received, process restarting"), 1u);
    EXPECT_EQ(count(lines, "Restart pause, 1 second(s)"), 1u); // 2.6's socket_restart_pause on UDP
    EXPECT_EQ(count(lines, "Initialization Sequence Completed"), 2u);
    EXPECT_EQ(run_with_pending(SIGHUP), server::kReloadConfig);
    EXPECT_EQ(run_with_pending(SIGTERM), server::kExitOk);
    // without clients explicit-exit-notify has no one to tell: at once
    lines.clear();
    EXPECT_EQ(run_usr1_then_term({"--explicit-exit-notify", "1"}, lines), server::kExitOk);
    EXPECT_EQ(count(lines, "Initialization Sequence Completed"), 2u);
}

// With --persist-key the keys read at start serve every run after SIGUSR1
// (2.6 keeps its TLS context): the files may be gone (or, after --user,
// unreadable). Without it they are read again, as 2.6 does, and the restart
// fails naming the file.
TEST(ServerSignals, Usr1KeepsTheKeysWithPersistKeyOnly)
{
    for (bool persist : {true, false}) {
        TempDir dir;
        for (const char* f : {"ca.crt", "server.crt", "server.key"})
            fs::copy_file(servertest::data_dir() + f, dir / f);
        std::vector<std::string> extra = {"--ca",  dir / "ca.crt",    "--cert", dir / "server.crt",
                                          "--key", dir / "server.key"};
        if (persist)
            extra.push_back("--persist-key");
        std::vector<std::string> lines;
        const int code = run_usr1_then_term(extra, lines, [&] {
            for (const char* f : {"ca.crt", "server.crt", "server.key"})
                fs::remove(dir / f);
        });
        if (persist) {
            EXPECT_EQ(code, server::kExitOk);
            EXPECT_EQ(count(lines, "Initialization Sequence Completed"), 2u);
        } else {
            EXPECT_EQ(code, server::kExitError);
            EXPECT_TRUE(contains(lines, "ca.crt")) << "the failed read names the file";
            EXPECT_EQ(count(lines, "Initialization Sequence Completed"), 1u);
        }
    }
}

// The --status and --ifconfig-pool-persist files live across SIGUSR1 (2.6
// keeps them in its top-level context). They are replaced whole at each
// write (process::StatusFile), so files moved away during the restart are
// left as they were and the paths are written again by the restarted server.
TEST(ServerSignals, Usr1KeepsTheStatusAndPoolPersistFiles)
{
    TempDir dir;
    std::vector<std::string> lines;
    std::uintmax_t first_size = 0;
    const int code = run_usr1_then_term(
        {"--status", dir / "status", "--ifconfig-pool-persist", dir / "ipp", "60"}, lines, [&] {
            fs::rename(dir / "status", dir / "status.first");
            fs::rename(dir / "ipp", dir / "ipp.first");
            first_size = fs::file_size(dir / "status.first");
        });
    EXPECT_EQ(code, server::kExitOk);
    EXPECT_EQ(count(lines, "Initialization Sequence Completed"), 2u);
    EXPECT_EQ(fs::file_size(dir / "status.first"), first_size) << "the moved file is left alone";
    ASSERT_TRUE(fs::exists(dir / "status")) << "the restarted server wrote the status again";
    EXPECT_GT(fs::file_size(dir / "status"), 0u);
    EXPECT_TRUE(fs::exists(dir / "ipp"));
}

TEST(ServerSignals, Usr2PrintsTheStatusIntoTheLog)
{
    std::vector<std::string> lines;
    EXPECT_EQ(run_with_pending(SIGUSR2, {"--status-version", "2"}, SIGTERM, &lines), server::kExitOk);
    auto has = [&](const std::string& t) { return std::find(lines.begin(), lines.end(), t) != lines.end(); };
    EXPECT_TRUE(has("HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,Bytes "
                    "Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,Client ID,Peer "
                    "ID,Data Channel Cipher"));
    EXPECT_TRUE(has("GLOBAL_STATS,dco_enabled,0"));
    EXPECT_TRUE(has("END"));
}
