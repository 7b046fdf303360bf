// Fuzz: --fragment reassembly. The input is a run of pieces, each one length
// byte then that many bytes, fed to one Defragmenter as they would arrive
// from the network; then the same input, as one packet, is split by a
// Fragmenter and must reassemble to itself.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "openvpn/data/fragment.hpp"

using namespace ovpn;
using namespace ovpn::data;

namespace {

void feed_pieces(std::span<const std::uint8_t> in)
{
    Defragmenter d;
    TimePoint now{};
    PacketBuf pkt;
    while (!in.empty()) {
        const std::size_t n = in[0] < in.size() - 1 ? in[0] : in.size() - 1;
        pkt.reset();
        if (!pkt.append(in.subspan(1, n)))
            __builtin_trap();
        if (d.on_payload(pkt, now) == Defragmenter::Verdict::Complete && pkt.size() > 2048)
            __builtin_trap(); // reassembly never builds more than its buffer
        in = in.subspan(1 + n);
        now += std::chrono::milliseconds(n % 8 == 0 ? 11000 : 1); // sometimes stale
    }
}

void round_trip(std::span<const std::uint8_t> in)
{
    if (in.size() < 2 || in.size() > 1500)
        return;
    Fragmenter f(4 + (in[0] % 200));
    PacketBuf whole;
    (void)whole.append(in.subspan(1));
    PacketBuf pieces[kMaxFragPieces];
    const std::size_t n = f.split(whole, pieces);
    if (n == 0)
        return;
    Defragmenter d;
    TimePoint now{};
    for (std::size_t i = 0; i < n; ++i) {
        const auto v = d.on_payload(pieces[n - 1 - i], now); // in reverse order
        if (i + 1 < n && v != Defragmenter::Verdict::Pending)
            __builtin_trap();
        if (i + 1 == n && (v != Defragmenter::Verdict::Complete || pieces[0].size() != whole.size() ||
                           std::memcmp(pieces[0].data(), whole.data(), whole.size()) != 0))
            __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    feed_pieces({data, size});
    round_trip({data, size});
    return 0;
}
