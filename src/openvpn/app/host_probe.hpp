// app/host_probe.hpp: the host facts the DCO verdict needs (options/dco.hpp
// keeps the verdict pure): whether the ovpn-dco-v2 genl family resolves,
// the kind of an existing interface (rtnetlink), and our capabilities.
// Read-only queries: nothing is created.
#pragma once

#include "openvpn/options/dco.hpp"

namespace ovpn::app {

options::DcoHost probe_host();

} // namespace ovpn::app
