// wire/compress.hpp: compression framing of data-channel payloads
// (protocol-facts §6.7). Applied to the plaintext before encryption and
// removed after decryption, in place on a PacketBuf.
//
//   mode        uncompressed                 compressed         receiver accepts
//   None        as is                        -                  as is
//   LzoNo       0xFA || p                    -                  0xFA, 0x66
//   Lzo         0xFA || p                    (we never send)    0xFA, 0x66 (LZO1X)
//   Stub        swap(0xFB, p)                -                  0xFB, 0x69
//   Lz4         swap(0xFB, p)                swap(0x69, lz4)    0xFB, 0x69
//   StubV2      p, or 0x50 0x00 || p if p[0] == 0x50          0x50 0x00|0x0A, 0x50 0x01
//   Lz4V2       as StubV2                    0x50 0x01 || lz4   as StubV2
//
// swap(m, p): the first byte moves to the end and m takes its place, so
// only one byte of tailroom is needed. We send 0x50 0x00 as the v2 escape
// (2.6 sends 0x50 0x0A, which its own decoder refuses) and accept both.
// LZ4 is only used when allowed (--allow-compression yes), for payloads of
// at least 100 bytes, and only if the result is smaller. Empty payloads are
// never framed.
#pragma once

#include <cstdint>
#include <string_view>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/packet_buf.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/wire/drop.hpp"

namespace ovpn::wire {

enum class CompressMode : std::uint8_t { None, LzoNo, Lzo, Stub, Lz4, StubV2, Lz4V2 };

inline constexpr std::uint8_t kNoCompressByte = 0xFA;     // comp-lzo framing, uncompressed
inline constexpr std::uint8_t kLzoCompressByte = 0x66;    // comp-lzo framing, LZO1X
inline constexpr std::uint8_t kNoCompressSwapByte = 0xFB; // compress stub/lz4, uncompressed
inline constexpr std::uint8_t kLz4CompressByte = 0x69;    // compress lz4
inline constexpr std::uint8_t kV2Indicator = 0x50;
inline constexpr std::uint8_t kV2Uncompressed = 0x00;
inline constexpr std::uint8_t kV2UncompressedBug = 0x0A; // what 2.6 sends
inline constexpr std::uint8_t kV2Lz4 = 0x01;
inline constexpr std::size_t kCompressThreshold = 100;

// compress_frame: frame (and maybe LZ4-compress) buf's payload in place.
// Needs 2 bytes of headroom and 1 of tailroom; scratch (any size >=
// LZ4_compressBound(payload)) is used for LZ4; if too small the payload is
// sent uncompressed.
Status<Drop> compress_frame(PacketBuf& buf, CompressMode mode, bool allow_compression,
                            MutBytes scratch) noexcept;

// decompress_frame: undo the framing in place. scratch receives
// decompressed data before it is copied back (its size bounds the output;
// DecompressFailed if it is too small or the data is corrupt).
Status<Drop> decompress_frame(PacketBuf& buf, CompressMode mode, MutBytes scratch) noexcept;

} // namespace ovpn::wire
