// options/pkcs11_used.cpp: see pkcs11_used.hpp.
#include "openvpn/options/pkcs11_used.hpp"

namespace ovpn::options {

bool pkcs11_used(const Options& o)
{
    return o.given("pkcs11-providers") || o.given("pkcs11-id") || o.given("pkcs11-id-management");
}

} // namespace ovpn::options
