// data/fragment.hpp: --fragment (UDP only), 2.6-compatible. With the option
// on, every data payload (after compression framing, before encryption)
// starts with a 4-byte big-endian word:
//
//   31     29 28                 15 14        10 9            2 1    0
//  +---------+---------------------+------------+--------------+------+
//  |    0    |  piece size / 4     |  frag id   |  sequence id | type |
//  +---------+---------------------+------------+--------------+------+
//   type: 0 whole packet, 1 piece (not last), 2 last piece, 3 test
//   piece size: in the last piece only: the payload size of every other
//   piece, so piece n starts at n * size in the reassembled packet.
//
// Fragmenter splits; Defragmenter reassembles with a few slots keyed by
// sequence id and drops stale ones (10 s, as 2.6). No allocation after
// construction.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/packet_buf.hpp"

namespace ovpn::data {

inline constexpr std::size_t kFragHeaderSize = 4;
inline constexpr std::size_t kMaxFragPieces = 32; // 5-bit frag id
enum class FragType : std::uint8_t { Whole = 0, NotLast = 1, Last = 2, Test = 3 };

struct FragHeader {
    FragType type = FragType::Whole;
    std::uint8_t seq_id = 0;
    std::uint8_t frag_id = 0;
    std::uint16_t size = 0; // bytes, a multiple of 4
};
std::uint32_t encode_frag_header(const FragHeader& h) noexcept;
FragHeader decode_frag_header(std::uint32_t v) noexcept;

class Fragmenter {
public:
    // Fragmenter: `max_payload` is the largest piece payload (without the
    // 4-byte header), rounded down to a multiple of 4.
    explicit Fragmenter(std::size_t max_payload) noexcept : max_(max_payload & ~std::size_t{3}) {}
    std::size_t max_payload() const noexcept { return max_; }

    // needs_split: pkt's payload is larger than one piece.
    bool needs_split(const PacketBuf& pkt) const noexcept { return pkt.size() > max_; }
    // mark_whole: prepend a Whole header (needs 4 bytes of headroom).
    bool mark_whole(PacketBuf& pkt) noexcept;
    // split: copy pkt into out[0..n) pieces, each with its header (out bufs
    // are reset first). Returns n, or 0 when out is too short, the packet
    // needs more than 32 pieces, or max_payload is 0.
    std::size_t split(const PacketBuf& pkt, std::span<PacketBuf> out) noexcept;

private:
    std::size_t max_;
    std::uint8_t seq_ = 0;
};

class Defragmenter {
public:
    enum class Verdict : std::uint8_t { Complete, Pending, Bad };

    // on_payload: strip the header from `pkt`. Whole -> Complete (pkt is the
    // packet). A piece -> Pending, or Complete with the whole packet copied
    // into pkt. Bad: short, Test type, inconsistent sizes (counted drop).
    Verdict on_payload(PacketBuf& pkt, TimePoint now) noexcept;

private:
    static constexpr std::size_t kSlots = 4;
    static constexpr std::size_t kMaxPacket = 2048;
    struct Slot {
        bool used = false;
        std::uint8_t seq = 0;
        std::uint32_t have = 0; // bitmask of frag ids received
        int last = -1;          // frag id of the last piece, once seen
        std::size_t piece = 0;  // size of non-last pieces
        std::size_t total = 0;  // known once the last piece arrived
        TimePoint started{};
        std::array<std::uint8_t, kMaxPacket> data{};
    };
    Slot& slot_for(std::uint8_t seq, TimePoint now) noexcept;
    std::array<Slot, kSlots> slots_{};
};

} // namespace ovpn::data
