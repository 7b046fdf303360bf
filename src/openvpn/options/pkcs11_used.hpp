// options/pkcs11_used.hpp: whether the key is on a PKCS#11 token.
#pragma once

#include "openvpn/options/options.hpp"

namespace ovpn::options {

// pkcs11_used: --pkcs11-providers, or an id without them (Debian's 2.6 then
// loads its default provider, p11-kit-proxy).
bool pkcs11_used(const Options& o);

} // namespace ovpn::options
