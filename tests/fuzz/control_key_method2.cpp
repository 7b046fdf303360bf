// Fuzz: key-method-2 parsing in both directions, and re-encoding what parsed.
#include <cstddef>
#include <cstdint>

#include "openvpn/wire/key_method2.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ovpn::Bytes in(data, size);
    for (bool from_client : {true, false}) {
        auto km = ovpn::wire::parse_key_method2(in, from_client);
        if (km) {
            (void)ovpn::wire::parse_peer_info(km->peer_info);
            (void)ovpn::wire::write_key_method2(*km, from_client);
        }
    }
    return 0;
}
