// Fuzz: the TCP length framing. The stream is fed in chunks whose sizes come
// from the input; every packet out is a record scan_frames also counts, and
// the two readers agree on where the stream goes bad.
#include <cstddef>
#include <cstdint>
#include <span>

#include "openvpn/io/tcp_framing.hpp"

using namespace ovpn;
using namespace ovpn::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::size_t max_packet = 64 + data[0] * 8;
    const std::span<const std::uint8_t> stream(data + 1, size - 1);
    const FrameScan scan = scan_frames(stream, max_packet);
    if (scan.whole > stream.size())
        __builtin_trap();
    StreamReassembler r(max_packet);
    PacketBuf out(max_packet + 256);
    std::size_t pos = 0, packets = 0, bytes = 0;
    bool bad = false;
    while (pos < stream.size() && !bad) {
        const std::size_t chunk = 1 + stream[pos] % 97;
        const std::size_t n = chunk < stream.size() - pos ? chunk : stream.size() - pos;
        r.feed(stream.subspan(pos, n));
        pos += n;
        for (;;) {
            const auto next = r.next(out);
            if (next == StreamReassembler::Next::BadLength) {
                bad = true;
                break;
            }
            if (next == StreamReassembler::Next::NeedMore)
                break;
            if (out.size() == 0 || out.size() > max_packet)
                __builtin_trap();
            ++packets;
            bytes += kTcpLenSize + out.size();
        }
    }
    if (packets > scan.records || (packets == scan.records && !bad && bytes != scan.whole))
        __builtin_trap();
    if (bad != scan.bad)
        __builtin_trap();
    return 0;
}
