// Fuzz: tls-crypt unwrap with a fixed key, both roles.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/tls_crypt.hpp"

using namespace ovpn;
using namespace ovpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<std::uint8_t> key(256, 0xa5);
    std::vector<std::uint8_t> out(size + 16);
    for (Role role : {Role::Client, Role::Server}) {
        auto tc = TlsCrypt::create(key, role, 0);
        if (!tc)
            __builtin_trap();
        auto n = tc->unwrap(Bytes(data, size), out, 0);
        if (n)
            (void)parse_control(Bytes(out.data(), *n));
    }
    return 0;
}
