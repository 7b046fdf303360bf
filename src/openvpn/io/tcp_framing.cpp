// io/tcp_framing.cpp: 2.6's u16 length framing over a byte stream.
#include "openvpn/io/tcp_framing.hpp"

#include <algorithm>
#include <cstring>

namespace ovpn::io {

bool write_frame_header(std::size_t len, std::span<std::uint8_t, kTcpLenSize> out) noexcept
{
    if (len == 0 || len > 0xFFFF)
        return false;
    out[0] = static_cast<std::uint8_t>(len >> 8);
    out[1] = static_cast<std::uint8_t>(len & 0xFF);
    return true;
}

FrameScan scan_frames(std::span<const std::uint8_t> bytes, std::size_t max_packet) noexcept
{
    FrameScan s;
    while (s.whole < bytes.size()) {
        const std::size_t left = bytes.size() - s.whole;
        if (left < kTcpLenSize) {
            s.need = kTcpLenSize;
            return s;
        }
        const std::size_t len = (std::size_t{bytes[s.whole]} << 8) | bytes[s.whole + 1];
        if (len == 0 || len > max_packet) {
            s.bad = true;
            return s;
        }
        if (left < kTcpLenSize + len) {
            s.need = kTcpLenSize + len;
            return s;
        }
        s.whole += kTcpLenSize + len;
        ++s.records;
    }
    return s;
}

StreamReassembler::StreamReassembler(std::size_t max_packet)
    : max_packet_(max_packet), buf_(std::max<std::size_t>(64 * 1024, 2 * (kTcpLenSize + max_packet)))
{
}

bool StreamReassembler::at_record_boundary() const noexcept
{
    auto s = scan_frames(pending(), max_packet_);
    return !s.bad && s.need == 0;
}

void StreamReassembler::compact()
{
    if (begin_ == 0)
        return;
    if (begin_ != end_)
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
}

std::span<std::uint8_t> StreamReassembler::feed_space()
{
    if (buf_.size() - end_ < buf_.size() / 2)
        compact();
    return {buf_.data() + end_, buf_.size() - end_};
}

void StreamReassembler::feed_commit(std::size_t n)
{
    end_ += n <= buf_.size() - end_ ? n : buf_.size() - end_;
}

void StreamReassembler::feed(std::span<const std::uint8_t> bytes)
{
    while (!bytes.empty()) {
        auto space = feed_space();
        if (space.empty()) {
            buf_.resize(buf_.size() * 2); // tests only feed huge chunks
            continue;
        }
        std::size_t n = std::min(space.size(), bytes.size());
        std::memcpy(space.data(), bytes.data(), n);
        feed_commit(n);
        bytes = bytes.subspan(n);
    }
}

StreamReassembler::Next StreamReassembler::next(PacketBuf& out)
{
    if (bad_)
        return Next::BadLength;
    if (buffered() < kTcpLenSize)
        return Next::NeedMore;
    std::size_t len = (std::size_t{buf_[begin_]} << 8) | buf_[begin_ + 1];
    if (len == 0 || len > max_packet_) {
        bad_ = true;
        return Next::BadLength;
    }
    if (buffered() < kTcpLenSize + len)
        return Next::NeedMore;
    out.reset();
    if (!out.append(std::span<const std::uint8_t>(buf_.data() + begin_ + kTcpLenSize, len))) {
        bad_ = true;
        return Next::BadLength;
    }
    begin_ += kTcpLenSize + len;
    if (begin_ == end_)
        begin_ = end_ = 0;
    return Next::Packet;
}

} // namespace ovpn::io
