#include "openvpn/core/secure_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ovpn {

namespace {

constexpr std::size_t kChunk = 4096;

// grow: room for `extra` more bytes after the first `used`; the old buffer
// is wiped by SecureBytes when it is replaced.
void grow(SecureBytes& buf, std::size_t used, std::size_t extra)
{
    SecureBytes bigger(used + extra);
    std::memcpy(bigger.data(), buf.data(), used);
    buf = std::move(bigger);
}

} // namespace

Result<SecureBytes> read_secret_file(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Err(std::string(std::strerror(errno)));
    struct stat st {};
    const std::size_t hint =
        ::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
    SecureBytes buf(hint + 1); // one more: the end is seen without growing
    std::size_t used = 0;
    for (;;) {
        if (used == buf.size())
            grow(buf, used, kChunk);
        const ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return Err(std::string(std::strerror(e)));
        }
        if (n == 0)
            break;
        used += static_cast<std::size_t>(n);
    }
    ::close(fd);
    SecureBytes out(std::span<const std::uint8_t>(buf.data(), used));
    return out;
}

} // namespace ovpn
