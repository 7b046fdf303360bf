#include "openvpn/wire/compress.hpp"

#include <cstring>

#include <lz4.h>
#include <lzo/lzo1x.h>

namespace ovpn::wire {

namespace {

bool prefix(PacketBuf& buf, std::uint8_t b) noexcept
{
    auto h = buf.prepend(1);
    if (h.empty())
        return false;
    h[0] = b;
    return true;
}

// swap_in: sender side of the swap framing (first byte to the end, marker in front).
bool swap_in(PacketBuf& buf, std::uint8_t marker) noexcept
{
    auto t = buf.append(1);
    if (t.empty())
        return false;
    t[0] = buf.data()[0];
    buf.data()[0] = marker;
    return true;
}

// swap_out: receiver side: returns the marker and restores the first byte.
std::uint8_t swap_out(PacketBuf& buf) noexcept
{
    const std::uint8_t marker = buf.data()[0];
    buf.data()[0] = buf.data()[buf.size() - 1];
    buf.trim_back(1);
    return marker;
}

// try_lz4: compress the payload into scratch; returns the size or 0 if not worth it.
std::size_t try_lz4(const PacketBuf& buf, MutBytes scratch) noexcept
{
    if (buf.size() < kCompressThreshold ||
        scratch.size() < static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(buf.size()))))
        return 0;
    const int n = LZ4_compress_default(reinterpret_cast<const char*>(buf.data()),
                                       reinterpret_cast<char*>(scratch.data()), static_cast<int>(buf.size()),
                                       static_cast<int>(scratch.size()));
    if (n <= 0 || static_cast<std::size_t>(n) >= buf.size())
        return 0;
    return static_cast<std::size_t>(n);
}

void replace(PacketBuf& buf, Bytes data) noexcept
{
    // data is no longer than the payload: copy over it and shrink.
    std::memcpy(buf.data(), data.data(), data.size());
    buf.truncate(data.size());
}

// replace_grow: put decompressed data (maybe longer) where the payload was.
bool replace_grow(PacketBuf& buf, Bytes data) noexcept
{
    if (data.size() > buf.size() + buf.tailroom())
        return false;
    std::memcpy(buf.data(), data.data(), data.size());
    if (data.size() > buf.size())
        buf.append(data.size() - buf.size());
    else
        buf.truncate(data.size());
    return true;
}

Status<Drop> lz4_decompress(PacketBuf& buf, MutBytes scratch) noexcept
{
    const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(buf.data()),
                                      reinterpret_cast<char*>(scratch.data()), static_cast<int>(buf.size()),
                                      static_cast<int>(scratch.size()));
    if (n < 0 || !replace_grow(buf, Bytes(scratch.data(), static_cast<std::size_t>(n))))
        return Err{Drop::DecompressFailed};
    return Ok{};
}

Status<Drop> lzo_decompress(PacketBuf& buf, MutBytes scratch) noexcept
{
    if (lzo_init() != LZO_E_OK)
        return Err{Drop::DecompressFailed};
    lzo_uint out_len = scratch.size();
    const int r = lzo1x_decompress_safe(buf.data(), buf.size(), scratch.data(), &out_len, nullptr);
    if (r != LZO_E_OK || !replace_grow(buf, Bytes(scratch.data(), out_len)))
        return Err{Drop::DecompressFailed};
    return Ok{};
}

} // namespace

Status<Drop> compress_frame(PacketBuf& buf, CompressMode mode, bool allow_compression,
                            MutBytes scratch) noexcept
{
    if (mode == CompressMode::None || buf.empty())
        return Ok{};
    const bool lz4 = allow_compression && (mode == CompressMode::Lz4 || mode == CompressMode::Lz4V2);
    const std::size_t n = lz4 ? try_lz4(buf, scratch) : 0;
    bool ok = true;
    switch (mode) {
    case CompressMode::None:
        break;
    case CompressMode::LzoNo:
    case CompressMode::Lzo:
        ok = prefix(buf, kNoCompressByte);
        break;
    case CompressMode::Stub:
    case CompressMode::Lz4:
        if (n > 0)
            replace(buf, Bytes(scratch.data(), n));
        ok = swap_in(buf, n > 0 ? kLz4CompressByte : kNoCompressSwapByte);
        break;
    case CompressMode::StubV2:
    case CompressMode::Lz4V2:
        if (n > 0) {
            replace(buf, Bytes(scratch.data(), n));
            ok = prefix(buf, kV2Lz4) && prefix(buf, kV2Indicator);
        } else if (buf.data()[0] == kV2Indicator) {
            ok = buf.headroom() >= 2 && prefix(buf, kV2Uncompressed) && prefix(buf, kV2Indicator);
        }
        break;
    }
    if (!ok)
        return Err{Drop::NoRoom};
    return Ok{};
}

Status<Drop> decompress_frame(PacketBuf& buf, CompressMode mode, MutBytes scratch) noexcept
{
    if (mode == CompressMode::None || buf.empty())
        return Ok{};
    switch (mode) {
    case CompressMode::None:
        return Ok{};
    case CompressMode::LzoNo:
    case CompressMode::Lzo: {
        const std::uint8_t b = buf.data()[0];
        buf.consume_front(1);
        if (b == kNoCompressByte)
            return Ok{};
        if (b == kLzoCompressByte)
            return lzo_decompress(buf, scratch);
        return Err{Drop::BadCompression};
    }
    case CompressMode::Stub:
    case CompressMode::Lz4: {
        const std::uint8_t m = swap_out(buf);
        if (m == kNoCompressSwapByte)
            return Ok{};
        if (m == kLz4CompressByte)
            return lz4_decompress(buf, scratch);
        return Err{Drop::BadCompression};
    }
    case CompressMode::StubV2:
    case CompressMode::Lz4V2: {
        if (buf.data()[0] != kV2Indicator)
            return Ok{};
        if (buf.size() < 2)
            return Err{Drop::TooShort};
        const std::uint8_t alg = buf.data()[1];
        buf.consume_front(2);
        if (alg == kV2Uncompressed || alg == kV2UncompressedBug)
            return Ok{};
        if (alg == kV2Lz4)
            return lz4_decompress(buf, scratch);
        return Err{Drop::BadCompression};
    }
    }
    return Err{Drop::BadCompression};
}

} // namespace ovpn::wire
