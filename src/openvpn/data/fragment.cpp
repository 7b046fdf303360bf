// data/fragment.cpp: --fragment split and reassembly.
#include "openvpn/data/fragment.hpp"

#include <cstring>

namespace ovpn::data {

namespace {
constexpr unsigned kSeqShift = 2, kIdShift = 10, kSizeShift = 15;
constexpr std::uint32_t kTypeMask = 0x3, kSeqMask = 0xFF, kIdMask = 0x1F, kSizeMask = 0x3FFF;
constexpr auto kFragTtl = std::chrono::seconds(10);

void put_header(std::uint8_t* p, std::uint32_t v)
{
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}
} // namespace

std::uint32_t encode_frag_header(const FragHeader& h) noexcept
{
    return (static_cast<std::uint32_t>(h.type) & kTypeMask) | ((h.seq_id & kSeqMask) << kSeqShift) |
           ((h.frag_id & kIdMask) << kIdShift) | (((h.size >> 2) & kSizeMask) << kSizeShift);
}

FragHeader decode_frag_header(std::uint32_t v) noexcept
{
    FragHeader h;
    h.type = static_cast<FragType>(v & kTypeMask);
    h.seq_id = static_cast<std::uint8_t>((v >> kSeqShift) & kSeqMask);
    h.frag_id = static_cast<std::uint8_t>((v >> kIdShift) & kIdMask);
    h.size = static_cast<std::uint16_t>(((v >> kSizeShift) & kSizeMask) << 2);
    return h;
}

bool Fragmenter::mark_whole(PacketBuf& pkt) noexcept
{
    auto h = pkt.prepend(kFragHeaderSize);
    if (h.size() != kFragHeaderSize)
        return false;
    put_header(h.data(), encode_frag_header(FragHeader{}));
    return true;
}

std::size_t Fragmenter::split(const PacketBuf& pkt, std::span<PacketBuf> out) noexcept
{
    if (max_ == 0)
        return 0;
    const std::size_t n = (pkt.size() + max_ - 1) / max_;
    if (n > kMaxFragPieces || n > out.size())
        return 0;
    seq_ = static_cast<std::uint8_t>(seq_ + 1);
    for (std::size_t i = 0; i < n; ++i) {
        const bool last = i + 1 == n;
        const std::size_t off = i * max_;
        const std::size_t len = last ? pkt.size() - off : max_;
        FragHeader h{last ? FragType::Last : FragType::NotLast, seq_, static_cast<std::uint8_t>(i),
                     static_cast<std::uint16_t>(last ? max_ : 0)};
        out[i].reset();
        auto dst = out[i].append(kFragHeaderSize + len);
        if (dst.size() != kFragHeaderSize + len)
            return 0;
        put_header(dst.data(), encode_frag_header(h));
        std::memcpy(dst.data() + kFragHeaderSize, pkt.data() + off, len);
    }
    return n;
}

Defragmenter::Slot& Defragmenter::slot_for(std::uint8_t seq, TimePoint now) noexcept
{
    Slot* victim = &slots_[0];
    for (auto& s : slots_) {
        if (s.used && now - s.started > kFragTtl)
            s.used = false; // stale: 2.6 drops incomplete packets after 10 s
        if (s.used && s.seq == seq)
            return s;
    }
    for (auto& s : slots_) {
        if (!s.used) {
            victim = &s;
            break;
        }
        if (s.started < victim->started)
            victim = &s;
    }
    victim->used = true;
    victim->seq = seq;
    victim->have = 0;
    victim->last = -1;
    victim->piece = 0;
    victim->total = 0;
    victim->started = now;
    return *victim;
}

Defragmenter::Verdict Defragmenter::on_payload(PacketBuf& pkt, TimePoint now) noexcept
{
    if (pkt.size() < kFragHeaderSize)
        return Verdict::Bad;
    const std::uint8_t* p = pkt.data();
    const FragHeader h = decode_frag_header((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                            (std::uint32_t{p[2]} << 8) | p[3]);
    pkt.consume_front(kFragHeaderSize);
    if (h.type == FragType::Whole)
        return Verdict::Complete;
    if (h.type == FragType::Test)
        return Verdict::Bad;
    Slot& s = slot_for(h.seq_id, now);
    const bool last = h.type == FragType::Last;
    const std::size_t piece = last ? h.size : pkt.size();
    if (piece == 0 || (s.piece && s.piece != piece) || (h.frag_id + 1) * piece > kMaxPacket + piece ||
        h.frag_id * piece + pkt.size() > kMaxPacket || (!last && pkt.size() != piece)) {
        s.used = false;
        return Verdict::Bad;
    }
    s.piece = piece;
    std::memcpy(s.data.data() + h.frag_id * piece, pkt.data(), pkt.size());
    s.have |= 1u << h.frag_id;
    if (last) {
        s.last = h.frag_id;
        s.total = h.frag_id * piece + pkt.size();
    }
    if (s.last < 0)
        return Verdict::Pending;
    const std::uint32_t all = s.last == 31 ? 0xFFFFFFFFu : ((1u << (s.last + 1)) - 1);
    if ((s.have & all) != all)
        return Verdict::Pending;
    s.used = false;
    pkt.reset();
    if (!pkt.append(std::span<const std::uint8_t>(s.data.data(), s.total)))
        return Verdict::Bad;
    return Verdict::Complete;
}

} // namespace ovpn::data
