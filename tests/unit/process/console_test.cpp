// process/console: prompts on a pty (openpty), echo off and restored, --askpass files.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fcntl.h>
#include <pty.h>
#include <string>
#include <sys/wait.h>
#include <termios.h>
#include <thread>
#include <unistd.h>

#include "openvpn/process/console.hpp"

namespace ovpn::process {
namespace {

std::string str(const SecureBytes& b)
{
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

struct Pty {
    int master = -1, slave = -1;
    Pty() { EXPECT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0); }
    ~Pty()
    {
        close(master);
        close(slave);
    }
    // drain: what the program wrote to the terminal so far.
    std::string drain() const
    {
        std::string out;
        const int fl = fcntl(master, F_GETFL);
        fcntl(master, F_SETFL, fl | O_NONBLOCK);
        char buf[256];
        for (;;) {
            const ssize_t n = read(master, buf, sizeof buf);
            if (n <= 0)
                break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        fcntl(master, F_SETFL, fl);
        return out;
    }
    bool echo_on() const
    {
        termios t{};
        EXPECT_EQ(tcgetattr(slave, &t), 0);
        return (t.c_lflag & ECHO) != 0;
    }
};

TEST(Console, SecretWithEchoOffIsNotEchoedAndTerminalIsRestored)
{
    Pty pty;
    ASSERT_TRUE(pty.echo_on());
    Result<SecureBytes> got = Err(std::string("not run"));
    std::atomic<bool> finished{false};
    std::thread reader([&] {
        got = read_console_fd(pty.slave, pty.slave, "Enter Private Key Password:", false);
        finished = true;
    });
    // Type only once echo is off: the switch flushes pending input (TCSAFLUSH).
    while (pty.echo_on() && !finished)
        std::this_thread::yield();
    const bool typed = !finished && write(pty.master, "s3cret pass\r\n", 13) == 13;
    reader.join();
    ASSERT_TRUE(typed) << "the reader returned before turning echo off";
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(str(*got), "s3cret pass");
    EXPECT_TRUE(pty.echo_on());
    const std::string screen = pty.drain();
    EXPECT_NE(screen.find("Enter Private Key Password:"), std::string::npos) << screen;
    EXPECT_EQ(screen.find("s3cret"), std::string::npos) << screen;
}

TEST(Console, UsernameIsEchoed)
{
    Pty pty;
    ASSERT_EQ(write(pty.master, "alice\n", 6), 6);
    auto got = read_console_fd(pty.slave, pty.slave, "Enter Auth Username:", true);
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(str(*got), "alice");
    const std::string screen = pty.drain();
    EXPECT_NE(screen.find("Enter Auth Username:"), std::string::npos);
    EXPECT_NE(screen.find("alice"), std::string::npos) << screen;
}

TEST(Console, EndOfInputIsAnError)
{
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    close(p[1]);
    const int out = open("/dev/null", O_WRONLY);
    auto got = read_console_fd(p[0], out, "Enter Auth Password:", false); // not a tty: no termios change
    close(p[0]);
    close(out);
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().find("could not read 'Enter Auth Password:'"), std::string::npos);
}

TEST(Console, NoTerminalAtAllIsAClearError)
{
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // No controlling terminal, stdin and stderr not a tty: like --daemon.
        setsid();
        const int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 2);
        auto got = read_console("Enter Private Key Password:", false);
        const bool ok = !got &&
                        got.error().find("neither stdin nor stderr are a tty device") != std::string::npos &&
                        got.error().find("--askpass") != std::string::npos;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Console, AskpassFileFirstLineOnly)
{
    char path[] = "/tmp/proc-askpass-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "pass phrase\r\nsecond line\n", 25), 25);
    close(fd);
    auto got = read_askpass_file(path);
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(str(*got), "pass phrase");

    std::FILE* f = std::fopen(path, "w");
    std::fclose(f); // empty
    EXPECT_FALSE(read_askpass_file(path));
    unlink(path);
    auto missing = read_askpass_file(path);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find(path), std::string::npos);
}

} // namespace
} // namespace ovpn::process
