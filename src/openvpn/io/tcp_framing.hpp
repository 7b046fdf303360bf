// io/tcp_framing.hpp: 2.6's TCP packet framing as pure code (no I/O):
//
//   +--------+--------+------------------------+
//   | len (u16, big-endian) | len bytes: one OpenVPN packet |
//   +--------+--------+------------------------+
//
// StreamReassembler takes arbitrary chunks of the byte stream and yields
// whole packets; a length of 0 or above the maximum is an error after which
// the connection must be reset (2.6 does the same).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "openvpn/core/packet_buf.hpp"

namespace ovpn::io {

inline constexpr std::size_t kTcpLenSize = 2;

class StreamReassembler {
public:
    explicit StreamReassembler(std::size_t max_packet) : max_packet_(max_packet) {}

    enum class Next : std::uint8_t { Packet, NeedMore, BadLength };

    // feed_space / feed_commit: append up to feed_space().size() stream
    // bytes without an extra copy (read() straight into the buffer).
    std::span<std::uint8_t> feed_space();
    void feed_commit(std::size_t n);
    // feed: append a copy of `bytes` (tests, fakes).
    void feed(std::span<const std::uint8_t> bytes);

    // next: if a whole packet is buffered, copy it into out (reset first)
    // and return Packet; NeedMore when incomplete; BadLength on 0 or a length
    // above max_packet (sticky: the stream cannot be resynchronised).
    Next next(PacketBuf& out);

    std::size_t buffered() const noexcept { return end_ - begin_; }

private:
    void compact();

    std::size_t max_packet_;
    std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(64 * 1024);
    std::size_t begin_ = 0, end_ = 0;
    bool bad_ = false;
};

// write_frame_header: the 2-byte prefix for a packet of `len` bytes;
// false when len is 0 or above 65535.
bool write_frame_header(std::size_t len, std::span<std::uint8_t, kTcpLenSize> out) noexcept;

} // namespace ovpn::io
