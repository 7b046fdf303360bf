// session/replay_persist.hpp: --replay-persist file, the --secret peer's
// replay state kept across restarts of the process (2.6's packet_id.c
// packet_id_persist_*), so a capture replayed after a restart is refused.
//
// The file is 2.6's, so a swap of binaries keeps it working: 16 bytes, the
// struct packet_id_persist_file_image of an x86-64/aarch64 Linux build,
//   | time (time_t: 8 bytes, host order) | id (4 bytes, host order) | pad (4) |
// that is, the time field and the highest id of the packet ids received.
// 2.6 opens (creating, 0600) and locks it at start, reads what it holds
// (any other size: no state), and writes it back every 60 seconds and when
// the session closes, when it changed. Writes here replace the file
// (write, fsync, rename); where the rename cannot happen (the directory is
// not ours after --user, the path is a symlink) the descriptor opened at
// start is written in place, as 2.6 always does.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "openvpn/core/result.hpp"
#include "openvpn/wire/packet_id.hpp"

namespace ovpn::session {

inline constexpr std::size_t kReplayFileSize = 16;

// encode_replay_state / decode_replay_state: the file's bytes (decode:
// nothing unless exactly kReplayFileSize bytes with a non-zero time, as 2.6
// keeps no state then).
std::array<std::uint8_t, kReplayFileSize> encode_replay_state(wire::PacketId pid);
std::optional<wire::PacketId> decode_replay_state(std::span<const std::uint8_t> bytes);

class ReplayPersist {
public:
    // open: the file (created 0600 when missing), locked, and its state.
    // Err: 2.6's fatal "Cannot obtain exclusive lock" when another process
    // holds it; a file that cannot be opened is only a warning in 2.6
    // (then nothing persists): Err too, and the caller logs and goes on.
    static Result<ReplayPersist> open(const std::string& path);
    ReplayPersist(ReplayPersist&& o) noexcept;
    ReplayPersist& operator=(ReplayPersist&& o) noexcept;
    ReplayPersist(const ReplayPersist&) = delete;
    ReplayPersist& operator=(const ReplayPersist&) = delete;
    ~ReplayPersist();

    // state: what the window starts from (loaded, then the latest noted).
    std::optional<wire::PacketId> state() const { return state_; }
    // note: the receive side's highest id now (id 0: nothing received).
    void note(wire::PacketId pid);
    // save: write the state when it changed since the last write. Err: the
    // reason (the caller logs 2.6's "Cannot write to --replay-persist file").
    Status<> save();
    const std::string& path() const { return path_; }

private:
    ReplayPersist() = default;
    std::string path_;
    int fd_ = -1;
    std::optional<wire::PacketId> state_;
    std::optional<wire::PacketId> written_;
};

} // namespace ovpn::session
