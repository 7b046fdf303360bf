// Fuzz: plain control packets, early-negotiation TLVs, TCP framing, OCC.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/ping_occ.hpp"
#include "openvpn/wire/session_cookie.hpp"

using namespace ovpn;
using namespace ovpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    Bytes in(data, size);
    auto p = parse_control(in);
    if (p) {
        // Whatever parses must serialise back to the same bytes.
        std::uint8_t out[2048 + 64];
        if (size <= 2048) {
            auto n = write_control(out, *p);
            if (!n || *n != size || std::memcmp(out, data, size) != 0)
                __builtin_trap();
        }
        (void)parse_early_negotiation(p->payload);
        (void)cookie_reply_ok(*p);
    }
    (void)peek_control(in);
    Bytes rest = in;
    for (int i = 0; i < 64; ++i) {
        auto f = parse_tcp_frame(rest, 1600);
        if (f.status != TcpFrame::Status::Frame)
            break;
        (void)parse_control(f.packet);
        rest = rest.subspan(f.consumed);
    }
    (void)parse_occ(in);
    (void)is_ping(in);
    return 0;
}
