#include "openvpn/script/temp_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace ovpn::script {

namespace {

constexpr int kAttempts = 6; // as 2.6

std::string random_hex16()
{
    std::uint8_t r[8] = {};
    std::size_t got = 0;
    while (got < sizeof r) {
        const ssize_t n = ::getrandom(r + got, sizeof r - got, 0);
        if (n > 0)
            got += static_cast<std::size_t>(n);
        else if (errno != EINTR)
            std::abort(); // no kernel randomness: nothing safe to fall back to
    }
    char hex[17] = {};
    for (std::size_t i = 0; i < sizeof r; ++i)
        std::snprintf(hex + 2 * i, 3, "%02x", r[i]);
    return hex;
}

} // namespace

std::string default_tmp_dir()
{
    const char* t = std::getenv("TMPDIR");
    return t != nullptr && *t != '\0' ? t : "/tmp";
}

Result<TempFile> TempFile::create(const std::string& dir, const std::string& prefix)
{
    std::string path;
    for (int i = 0; i < kAttempts; ++i) {
        path = dir + "/openvpn_" + prefix + "_" + random_hex16() + ".tmp";
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0)
            return TempFile(path, fd);
        if (errno != EEXIST)
            return Err("Could not create temporary file '" + path + "': " + std::strerror(errno));
    }
    return Err("Failed to create temporary file after " + std::to_string(kAttempts) + " attempts");
}

TempFile::TempFile(TempFile&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_)
{
    o.fd_ = -1;
    o.path_.clear();
}

TempFile& TempFile::operator=(TempFile&& o) noexcept
{
    if (this != &o) {
        std::swap(path_, o.path_); // o removes what this held
        std::swap(fd_, o.fd_);
    }
    return *this;
}

TempFile::~TempFile()
{
    if (fd_ >= 0)
        ::close(fd_);
    if (!path_.empty())
        ::unlink(path_.c_str());
}

Status<> TempFile::write(Bytes data)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Err("cannot write " + path_ + ": " + std::strerror(errno));
        data = data.subspan(static_cast<std::size_t>(n));
    }
    return Ok{};
}

Result<std::string> TempFile::read_back() const
{
    const int fd = ::open(path_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return Err("cannot read " + path_ + ": " + std::strerror(errno));
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

} // namespace ovpn::script
