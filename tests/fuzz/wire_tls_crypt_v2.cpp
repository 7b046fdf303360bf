// Fuzz: tls-crypt-v2 packets with WKc appended, and WKc blobs alone, with
// the Appendix A.6 server key (so the seed packet unwraps fully).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "openvpn/crypto/pem.hpp"
#include "openvpn/wire/control_packet.hpp"
#include "openvpn/wire/tls_crypt.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"

using namespace ovpn;
using namespace ovpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const auto server_key =
        crypto::base64_decode("DlmvT5ZW1mtyVRf+Tm/UTpJ7LNH0lNx6xUAJrF3+ykwnemrR9Z2Prdta1HPmz6vV"
                              "PdjbVmyYYHbngTLdGgrVVrphhvLF91E7xlee72cLPOPpLHPKphX333+w1fIfSQP1"
                              "QPru+1x/bNkOWmF8L8tMU2k6gN99+8lukoQhgmXSuvc=");
    if (!server_key)
        __builtin_trap();
    Bytes in(data, size);
    (void)unwrap_client_key(*server_key, in);
    auto opened = open_wkc_packet(*server_key, in);
    if (!opened)
        return 0;
    auto tc = TlsCrypt::create(opened->key.kc, Role::Server, 0);
    if (!tc)
        __builtin_trap();
    std::vector<std::uint8_t> out(size + 16);
    auto n = tc->unwrap(opened->packet, out, 0);
    if (n)
        (void)parse_control(Bytes(out.data(), *n));
    return 0;
}
