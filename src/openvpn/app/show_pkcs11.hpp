// app/show_pkcs11.hpp: --show-pkcs11-ids (show_pkcs11.cpp).
#pragma once

#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::app {

// show_pkcs11_ids: the listing on stdout; the exit code.
int show_pkcs11_ids(const options::Options& o, Logger& log);

} // namespace ovpn::app
