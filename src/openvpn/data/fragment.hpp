// data/fragment.hpp: --fragment (UDP only), 2.6-compatible. Each fragment
// carries a 4-byte big-endian header inside the encrypted payload:
//
//   31      29 28                    15 14      10 9          2 1   0
//  +----------+------------------------+----------+-------------+-----+
//  | reserved | max frag size / 4      | frag id  | sequence id | type|
//  +----------+------------------------+----------+-------------+-----+
//   type: 0 whole packet, 1 not last, 2 last, 3 test
//   max frag size: only meaningful in the last fragment
//
// Fragmenter splits one packet into pieces of at most `max` bytes of payload
// (header included); Defragmenter reassembles, keeping a few incomplete
// sequences and discarding stale ones. No allocation after construction.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/packet_buf.hpp"

namespace ovpn::data {

inline constexpr std::size_t kFragHeaderSize = 4;
enum class FragType : std::uint8_t { Whole = 0, NotLast = 1, Last = 2, Test = 3 };

struct FragHeader {
    FragType type = FragType::Whole;
    std::uint8_t seq_id = 0;  // 8 bits
    std::uint8_t frag_id = 0; // 5 bits
    std::uint16_t size = 0;   // max fragment size (multiple of 4)
};
std::uint32_t encode_frag_header(const FragHeader& h) noexcept;
FragHeader decode_frag_header(std::uint32_t v) noexcept;

class Fragmenter {
public:
    // Fragmenter: `max_frag` is --fragment's value: the largest fragment
    // payload (header included) before encryption.
    explicit Fragmenter(std::size_t max_frag) noexcept : max_(max_frag & ~std::size_t{3}) {}

    // fragment: turn `pkt` into out[0..n): a single Whole fragment when it
    // fits, else NotLast..Last pieces. Each out buf is reset first. Returns
    // n, or 0 when out is too short or the packet needs more than 32 pieces.
    std::size_t fragment(const PacketBuf& pkt, std::span<PacketBuf> out) noexcept;

private:
    std::size_t max_;
    std::uint8_t seq_ = 0;
};

class Defragmenter {
public:
    enum class Result : std::uint8_t { Complete, Pending, Bad };

    // on_fragment: strip the header from `frag`. Whole -> Complete (frag is
    // the packet). Piece -> Pending, or Complete with the reassembled
    // packet copied into frag. Bad -> counted drop by the caller.
    Result on_fragment(PacketBuf& frag, TimePoint now) noexcept;

private:
    struct Slot {
        bool used = false;
        std::uint8_t seq = 0;
        std::uint32_t have = 0; // bitmask of frag ids received
        int last = -1;          // frag id of the Last piece, once seen
        std::uint16_t piece = 0;
        std::size_t len = 0;
        TimePoint started{};
        std::array<std::uint8_t, 2048 * 2> data{};
    };
    static constexpr std::size_t kSlots = 4;
    std::array<Slot, kSlots> slots_{};
};

} // namespace ovpn::data
