// process/console.cpp: see console.hpp. Behaviour follows 2.6's built-in
// console reader: prompt on the terminal, echo (and signal keys) off for
// secrets, the line end removed, the terminal restored and the swallowed
// newline echoed.
#include "openvpn/process/console.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include "openvpn/core/log.hpp"

namespace ovpn::process {

namespace {

// 2.6 reads at most this much (its USER_PASS_LEN buffer).
constexpr std::size_t kMaxInput = 4096;

void write_all(int fd, std::string_view s)
{
    while (!s.empty()) {
        const ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        s.remove_prefix(static_cast<std::size_t>(n));
    }
}

// read_line: bytes up to '\n' or EOF into buf; false on EOF before any byte.
bool read_line(int fd, SecureBytes& buf, std::size_t& len)
{
    len = 0;
    bool any = false;
    for (;;) {
        std::uint8_t c = 0;
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return any;
        any = true;
        if (c == '\n')
            return true;
        if (len < buf.size())
            buf[len++] = c;
    }
}

// TtyFd: an fd we opened (closed on every path) or a borrowed one.
struct TtyFd {
    int fd = -1;
    bool owned = false;
    ~TtyFd()
    {
        if (owned && fd >= 0)
            ::close(fd);
    }
};

} // namespace

Result<SecureBytes> read_console_fd(int in_fd, int out_fd, const std::string& prompt, bool echo)
{
    write_all(out_fd, prompt);
    termios saved{};
    bool restore = false;
    if (!echo && ::tcgetattr(in_fd, &saved) == 0) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL | ISIG);
        restore = ::tcsetattr(in_fd, TCSAFLUSH, &quiet) == 0;
    }
    SecureBytes buf(kMaxInput);
    std::size_t len = 0;
    const bool got = read_line(in_fd, buf, len);
    if (restore) {
        ::tcsetattr(in_fd, TCSAFLUSH, &saved);
        write_all(out_fd, "\n"); // the newline the user typed was not echoed
    }
    if (!got)
        return Err(strfmt("ERROR: could not read '%s' from the console", prompt.c_str()));
    while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == '\n'))
        --len;
    return SecureBytes(std::span<const std::uint8_t>(buf.data(), len));
}

Result<SecureBytes> read_console(const std::string& prompt, bool echo)
{
    TtyFd tty;
    tty.fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    tty.owned = tty.fd >= 0;
    if (tty.fd < 0) {
        if (!::isatty(0) && !::isatty(2))
            return Err(
                strfmt("neither stdin nor stderr are a tty device and you have neither a controlling tty "
                       "nor systemd - can't ask for '%s'.  If you used --daemon, you need to use --askpass "
                       "to make passphrase-protected keys work, and you can not use --auth-nocache.",
                       prompt.c_str()));
        // 2.6 falls back to stdin / stderr when /dev/tty cannot be opened.
        return read_console_fd(0, 2, prompt, echo);
    }
    return read_console_fd(tty.fd, tty.fd, prompt, echo);
}

Result<SecureBytes> read_askpass_file(const std::string& path)
{
    TtyFd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    f.owned = f.fd >= 0;
    if (f.fd < 0)
        return Err(strfmt("Error opening '%s' auth file: %s: %s (errno=%d)", "private key password",
                          path.c_str(), std::strerror(errno), errno));
    SecureBytes buf(kMaxInput);
    std::size_t len = 0;
    if (!read_line(f.fd, buf, len))
        return Err(strfmt("Error reading password from %s authfile: %s", "private key", path.c_str()));
    while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == '\n'))
        --len;
    if (len == 0)
        return Err(strfmt("Error reading password from %s authfile: %s", "private key", path.c_str()));
    return SecureBytes(std::span<const std::uint8_t>(buf.data(), len));
}

} // namespace ovpn::process
