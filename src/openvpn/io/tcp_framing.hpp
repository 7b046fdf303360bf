// io/tcp_framing.hpp: 2.6's TCP packet framing as pure code (no I/O):
//
//   +--------+--------+------------------------+
//   | len (u16, big-endian) | len bytes: one OpenVPN packet |
//   +--------+--------+------------------------+
//
// StreamReassembler takes arbitrary chunks of the byte stream and yields
// whole packets; a length of 0 or above the maximum is an error after which
// the connection must be reset (2.6 does the same). scan_frames tells how
// much of a piece of the stream is whole records, for a reader that must
// never take part of a record (the DCO hand-over, tcp_socket.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "openvpn/core/packet_buf.hpp"

namespace ovpn::io {

inline constexpr std::size_t kTcpLenSize = 2;

class StreamReassembler {
public:
    explicit StreamReassembler(std::size_t max_packet);

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
    // at_record_boundary: the buffered bytes are whole records (or none).
    bool at_record_boundary() const noexcept;

private:
    void compact();
    std::span<const std::uint8_t> pending() const noexcept { return {buf_.data() + begin_, buffered()}; }

    std::size_t max_packet_;
    // at least two of the largest records, so feed_space() always fits one
    std::vector<std::uint8_t> buf_;
    std::size_t begin_ = 0, end_ = 0;
    bool bad_ = false;
};

// FrameScan: what scan_frames found in stream bytes that start at a record
// boundary.
struct FrameScan {
    std::size_t whole = 0;   // leading bytes that are whole records
    std::size_t records = 0; // how many records those are
    // need: 0 when the bytes end exactly at a record boundary; otherwise how
    // many stream bytes, counted from `whole`, complete the next record
    // (2 while even its length is incomplete).
    std::size_t need = 0;
    bool bad = false; // the record at `whole` has length 0 or above max_packet
};
FrameScan scan_frames(std::span<const std::uint8_t> bytes, std::size_t max_packet) noexcept;

// write_frame_header: the 2-byte prefix for a packet of `len` bytes;
// false when len is 0 or above 65535.
bool write_frame_header(std::size_t len, std::span<std::uint8_t, kTcpLenSize> out) noexcept;

} // namespace ovpn::io
