#include "openvpn/core/replace_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace ovpn {

namespace {

// no_room: errors that say "not in this directory", not "the disk failed"
// (a missing directory too: the caller's own open names it as 2.6 does).
bool no_room(int err)
{
    return err == EACCES || err == EPERM || err == EROFS || err == ENOENT;
}

std::string dir_of(const std::string& path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// sync_dir: the rename itself made durable (a power cut after it must not
// bring the old name back); failure here is not worth failing the write.
void sync_dir(const std::string& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
}

// fill: text into the temporary file, flushed to disk, then renamed.
Status<> fill_and_rename(int fd, const std::string& tmp, const std::string& path, std::string_view text,
                         mode_t mode)
{
    Status<> s = ::fchmod(fd, mode) == 0 ? write_all(fd, text) : Err(std::string(std::strerror(errno)));
    if (s && ::fsync(fd) != 0)
        s = Err(std::string(std::strerror(errno)));
    if (::close(fd) != 0 && s)
        s = Err(std::string(std::strerror(errno)));
    if (s && ::rename(tmp.c_str(), path.c_str()) != 0)
        s = Err(std::string(std::strerror(errno)));
    if (!s)
        ::unlink(tmp.c_str());
    return s;
}

} // namespace

Status<> write_all(int fd, std::string_view text)
{
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Err(std::string(n == 0 ? "short write" : std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
    return Ok{};
}

Result<ReplaceOutcome> replace_file(const std::string& path, std::string_view text, mode_t mode)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return ReplaceOutcome::NotHere;
        mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        return Err(std::string(std::strerror(errno)));
    }
    const std::string dir = dir_of(path);
    const std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    std::string tmpl = (dir == "/" ? "" : dir) + "/." + base + ".XXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) {
        if (no_room(errno))
            return ReplaceOutcome::NotHere;
        return Err(std::string(std::strerror(errno)));
    }
    if (auto s = fill_and_rename(fd, name.data(), path, text, mode); !s)
        return Err(s.error());
    sync_dir(dir);
    return ReplaceOutcome::Replaced;
}

} // namespace ovpn
