// session/replay_persist.cpp: see replay_persist.hpp.
#include "openvpn/session/replay_persist.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string_view>

#include "openvpn/core/log.hpp"
#include "openvpn/core/replace_file.hpp"

namespace ovpn::session {

static_assert(sizeof(std::time_t) == 8, "2.6's file image holds an 8-byte time_t");

std::array<std::uint8_t, kReplayFileSize> encode_replay_state(wire::PacketId pid)
{
    std::array<std::uint8_t, kReplayFileSize> out{};
    const std::int64_t t = pid.time;
    std::memcpy(out.data(), &t, sizeof t);
    std::memcpy(out.data() + 8, &pid.id, sizeof pid.id);
    return out;
}

std::optional<wire::PacketId> decode_replay_state(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() != kReplayFileSize)
        return std::nullopt;
    std::int64_t t = 0;
    wire::PacketId pid;
    std::memcpy(&t, bytes.data(), sizeof t);
    std::memcpy(&pid.id, bytes.data() + 8, sizeof pid.id);
    if (t <= 0 || t > 0xffffffffLL)
        return std::nullopt; // 2.6 only uses a state with a time
    pid.time = static_cast<std::uint32_t>(t);
    return pid;
}

Result<ReplayPersist> ReplayPersist::open(const std::string& path)
{
    ReplayPersist p;
    p.path_ = path;
    p.fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (p.fd_ < 0)
        return Err(strfmt("Cannot open --replay-persist file %s for read/write: %s (errno=%d)", path.c_str(),
                          std::strerror(errno), errno));
    if (::flock(p.fd_, LOCK_EX | LOCK_NB) != 0)
        return Err(strfmt("Cannot obtain exclusive lock on --replay-persist file %s", path.c_str()));
    std::array<std::uint8_t, kReplayFileSize + 1> buf{};
    const ssize_t n = ::pread(p.fd_, buf.data(), buf.size(), 0);
    if (n > 0) {
        p.state_ =
            decode_replay_state(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)));
        p.written_ = p.state_;
    }
    return p;
}

ReplayPersist::ReplayPersist(ReplayPersist&& o) noexcept
    : path_(std::move(o.path_)), fd_(o.fd_), state_(o.state_), written_(o.written_)
{
    o.fd_ = -1;
}

ReplayPersist& ReplayPersist::operator=(ReplayPersist&& o) noexcept
{
    if (this != &o) {
        if (fd_ >= 0)
            ::close(fd_);
        path_ = std::move(o.path_);
        fd_ = o.fd_;
        state_ = o.state_;
        written_ = o.written_;
        o.fd_ = -1;
    }
    return *this;
}

ReplayPersist::~ReplayPersist()
{
    if (fd_ >= 0)
        ::close(fd_);
}

void ReplayPersist::note(wire::PacketId pid)
{
    if (pid.id != 0 && pid.time != 0)
        state_ = pid;
}

Status<> ReplayPersist::save()
{
    if (!state_ || (written_ && written_->id == state_->id && written_->time == state_->time))
        return Ok{};
    const auto bytes = encode_replay_state(*state_);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto r = replace_file(path_, text, 0600);
    if (!r)
        return Err(r.error());
    if (*r == ReplaceOutcome::NotHere) {
        if (fd_ < 0 || ::pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size()))
            return Err(std::string(std::strerror(errno)));
    } else {
        // the lock and the in-place fallback follow the file now at path
        const int fd = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
        if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            ::close(fd_);
            fd_ = fd;
        } else if (fd >= 0) {
            ::close(fd);
        }
    }
    written_ = state_;
    return Ok{};
}

} // namespace ovpn::session
