// Server::run's answer to SIGUSR1 / SIGHUP / SIGTERM: the run-again requests
// daemon::run acts on (a fresh Server; re-read config) or the exit code.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/server/server.hpp"

using namespace ovpn;

namespace {

// run_with_pending: block `sig`, raise it, then run a server; the loop's
// signalfd picks the pending signal up at once.
int run_with_pending(int sig, std::vector<std::string> extra = {})
{
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, sig);
    EXPECT_EQ(::sigprocmask(SIG_BLOCK, &mask, &old), 0);
    ::raise(sig);
    SystemClock clock;
    Logger log(stderr);
    log.set_verb(0);
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
