// Server::run's answer to SIGUSR1 / SIGHUP / SIGTERM: the run-again requests
// daemon::run acts on (a fresh Server; re-read config) or the exit code.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "common.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/server/server.hpp"

using namespace ovpn;

namespace {

// run_with_pending: block `sig` (and `then`, if given), raise them, then run
// a server; the loop's signalfd picks the pending signals up at once. The
// server's log lines go to `lines` when given.
int run_with_pending(int sig, std::vector<std::string> extra = {}, int then = 0,
                     std::vector<std::string>* lines = nullptr)
{
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, sig);
    if (then != 0)
        sigaddset(&mask, then);
    EXPECT_EQ(::sigprocmask(SIG_BLOCK, &mask, &old), 0);
    ::raise(sig);
    if (then != 0)
        ::raise(then);
    SystemClock clock;
    Logger log(stderr);
    log.set_verb(lines != nullptr ? 1 : 0);
    std::FILE* devnull = std::fopen("/dev/null", "w");
    log.set_output(devnull);
    if (lines != nullptr)
        log.set_tap([lines](const LogLine& l) { lines->emplace_back(l.text); });
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
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    log.set_output(stderr);
    std::fclose(devnull);
    return code;
}

} // namespace

TEST(ServerSignals, Usr1RunsAgainHupReloadsTermExits)
{
    EXPECT_EQ(run_with_pending(SIGUSR1), server::kRunAgain);
    EXPECT_EQ(run_with_pending(SIGHUP), server::kReloadConfig);
    EXPECT_EQ(run_with_pending(SIGTERM), server::kExitOk);
    // without clients explicit-exit-notify has no one to tell: at once
    EXPECT_EQ(run_with_pending(SIGUSR1, {"--explicit-exit-notify", "1"}), server::kRunAgain);
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
