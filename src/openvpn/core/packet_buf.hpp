// core/packet_buf.hpp: one packet in a fixed buffer with headroom and
// tailroom, so that layers prepend headers (opcode, peer id, packet id) and
// append tags in place, with no copy. Batches are spans of PacketBuf; the
// data plane reads, encrypts and writes whole batches.
//
//   |<-- headroom -->|<------ data ------>|<-- tailroom -->|
//   storage          begin_               end_             capacity
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace ovpn {

class PacketBuf {
public:
    static constexpr std::size_t kDefaultHeadroom = 128;
    static constexpr std::size_t kDefaultCapacity = 2048 + 256;

    explicit PacketBuf(std::size_t capacity = kDefaultCapacity, std::size_t headroom = kDefaultHeadroom)
        : storage_(std::make_unique<std::uint8_t[]>(capacity)), capacity_(capacity), begin_(headroom),
          end_(headroom)
    {
        assert(headroom <= capacity);
    }

    // reset: empty the buffer, leaving `headroom` bytes in front.
    void reset(std::size_t headroom = kDefaultHeadroom) noexcept
    {
        begin_ = end_ = headroom < capacity_ ? headroom : capacity_;
    }

    std::uint8_t* data() noexcept { return storage_.get() + begin_; }
    const std::uint8_t* data() const noexcept { return storage_.get() + begin_; }
    std::size_t size() const noexcept { return end_ - begin_; }
    bool empty() const noexcept { return size() == 0; }
    std::size_t headroom() const noexcept { return begin_; }
    std::size_t tailroom() const noexcept { return capacity_ - end_; }
    std::size_t capacity() const noexcept { return capacity_; }

    std::span<std::uint8_t> span() noexcept { return {data(), size()}; }
    std::span<const std::uint8_t> span() const noexcept { return {data(), size()}; }
    // tail: the free space after the data, for a read() to fill; then commit(n).
    std::span<std::uint8_t> tail() noexcept { return {storage_.get() + end_, tailroom()}; }

    // commit: the n bytes after the data (written through tail()) join it.
    bool commit(std::size_t n) noexcept
    {
        if (n > tailroom())
            return false;
        end_ += n;
        return true;
    }
    // prepend: grow the data by n bytes at the front; returns them, or an
    // empty span when the headroom is too small.
    std::span<std::uint8_t> prepend(std::size_t n) noexcept
    {
        if (n > begin_)
            return {};
        begin_ -= n;
        return {data(), n};
    }
    // append: grow the data by n bytes at the back; returns them.
    std::span<std::uint8_t> append(std::size_t n) noexcept
    {
        if (n > tailroom())
            return {};
        end_ += n;
        return {storage_.get() + end_ - n, n};
    }
    bool append(std::span<const std::uint8_t> b) noexcept
    {
        auto dst = append(b.size());
        if (dst.size() != b.size())
            return false;
        if (!b.empty())
            std::memcpy(dst.data(), b.data(), b.size());
        return true;
    }
    // consume_front / trim_back: drop n bytes from either end.
    bool consume_front(std::size_t n) noexcept
    {
        if (n > size())
            return false;
        begin_ += n;
        return true;
    }
    bool trim_back(std::size_t n) noexcept
    {
        if (n > size())
            return false;
        end_ -= n;
        return true;
    }
    void truncate(std::size_t n) noexcept
    {
        if (n < size())
            end_ = begin_ + n;
    }

private:
    std::unique_ptr<std::uint8_t[]> storage_;
    std::size_t capacity_;
    std::size_t begin_;
    std::size_t end_;
};

} // namespace ovpn
