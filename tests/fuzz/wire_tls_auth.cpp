// Fuzz: tls-auth unwrap (SHA1 and SHA256) with fixed keys.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/tls_auth.hpp"

using namespace ovpn;
using namespace ovpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<std::uint8_t> key(64, 0x5a);
    std::vector<std::uint8_t> out(size + 16);
    for (const char* digest : {"SHA1", "SHA256"}) {
        auto ta = TlsAuth::create(digest, key, key, 0);
        if (!ta)
            __builtin_trap();
        auto n = ta->unwrap(Bytes(data, size), out, 0);
        if (n)
            (void)parse_control(Bytes(out.data(), *n));
        (void)ta->unwrap(Bytes(data, size), out, 0, ReplayCheck::Skip);
    }
    return 0;
}
