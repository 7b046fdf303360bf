// core/bytes.hpp: bounds-checked readers and writers over byte spans (the
// BoringSSL CBS/CBB idea). Every wire parser is built on ByteReader: a read
// past the end fails instead of reading garbage, and callers check that no
// bytes are left over. ByteWriter writes into caller-owned storage and fails
// instead of overflowing. Both are header-only and never allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

namespace ovpn {

using Bytes = std::span<const std::uint8_t>;
using MutBytes = std::span<std::uint8_t>;

class ByteReader {
public:
    explicit ByteReader(Bytes in) noexcept : in_(in) {}

    std::size_t remaining() const noexcept { return in_.size() - pos_; }
    bool empty() const noexcept { return remaining() == 0; }
    std::size_t offset() const noexcept { return pos_; }
    Bytes rest() const noexcept { return in_.subspan(pos_); }

    // read_u8/u16/u32/u64: big-endian (network order) integers.
    bool read_u8(std::uint8_t& out) noexcept { return read_be(out); }
    bool read_u16(std::uint16_t& out) noexcept { return read_be(out); }
    bool read_u24(std::uint32_t& out) noexcept
    {
        if (remaining() < 3)
            return false;
        out = (std::uint32_t{in_[pos_]} << 16) | (std::uint32_t{in_[pos_ + 1]} << 8) | in_[pos_ + 2];
        pos_ += 3;
        return true;
    }
    bool read_u32(std::uint32_t& out) noexcept { return read_be(out); }
    bool read_u64(std::uint64_t& out) noexcept { return read_be(out); }

    // read_bytes: a view of the next n bytes (no copy).
    bool read_bytes(std::size_t n, Bytes& out) noexcept
    {
        if (remaining() < n)
            return false;
        out = in_.subspan(pos_, n);
        pos_ += n;
        return true;
    }
    bool copy_bytes(MutBytes out) noexcept
    {
        if (remaining() < out.size())
            return false;
        if (!out.empty())
            std::memcpy(out.data(), in_.data() + pos_, out.size());
        pos_ += out.size();
        return true;
    }
    bool skip(std::size_t n) noexcept
    {
        if (remaining() < n)
            return false;
        pos_ += n;
        return true;
    }

private:
    template <typename U> bool read_be(U& out) noexcept
    {
        if (remaining() < sizeof(U))
            return false;
        U v = 0;
        for (std::size_t i = 0; i < sizeof(U); ++i)
            v = static_cast<U>((v << 8) | in_[pos_ + i]);
        pos_ += sizeof(U);
        out = v;
        return true;
    }

    Bytes in_;
    std::size_t pos_ = 0;
};

class ByteWriter {
public:
    explicit ByteWriter(MutBytes out) noexcept : out_(out) {}

    std::size_t written() const noexcept { return pos_; }
    std::size_t room() const noexcept { return out_.size() - pos_; }
    Bytes result() const noexcept { return Bytes(out_.data(), pos_); }

    bool write_u8(std::uint8_t v) noexcept { return write_be(v); }
    bool write_u16(std::uint16_t v) noexcept { return write_be(v); }
    bool write_u32(std::uint32_t v) noexcept { return write_be(v); }
    bool write_u64(std::uint64_t v) noexcept { return write_be(v); }
    bool write_bytes(Bytes b) noexcept
    {
        if (room() < b.size())
            return false;
        if (!b.empty())
            std::memcpy(out_.data() + pos_, b.data(), b.size());
        pos_ += b.size();
        return true;
    }
    bool write_string(std::string_view s) noexcept
    {
        return write_bytes(Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    }

private:
    template <typename U> bool write_be(U v) noexcept
    {
        if (room() < sizeof(U))
            return false;
        for (std::size_t i = 0; i < sizeof(U); ++i)
            out_[pos_ + i] = static_cast<std::uint8_t>(v >> (8 * (sizeof(U) - 1 - i)));
        pos_ += sizeof(U);
        return true;
    }

    MutBytes out_;
    std::size_t pos_ = 0;
};

inline Bytes as_bytes(std::string_view s) noexcept
{
    return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

} // namespace ovpn
