// data/client_nat.hpp: --client-nat, 2.6's stateless one-to-one NAT of the
// IPv4 addresses in tunnelled packets (clinat.c), for the userspace data
// path. A rule maps `network`/`netmask` on our side of the tunnel to
// `foreign` (the same host bits) on the peer's side:
//   snat: the source of what we send, the destination of what we receive;
//   dnat: the destination of what we send, the source of what we receive.
// Each address is rewritten by the first rule that matches it; the IPv4
// header checksum and a TCP or UDP checksum are adjusted incrementally.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "openvpn/core/result.hpp"

namespace ovpn::data {

struct ClientNatRule {
    bool dnat = false;
    std::uint32_t network = 0, netmask = 0, foreign = 0; // host byte order
};

// parse_client_nat: one --client-nat's four arguments (snat|dnat network
// netmask foreign-network, numeric IPv4), or 2.6's error text.
Result<ClientNatRule> parse_client_nat(const std::vector<std::string>& args);

// NatDirection: ToPeer: read from tun, about to be sent (2.6's
// CN_OUTGOING); FromPeer: received, about to be written to tun.
enum class NatDirection : std::uint8_t { ToPeer, FromPeer };

// client_nat: apply `rules` to the IPv4 packet `pkt` in place; anything
// else is left alone. Returns whether an address changed.
bool client_nat(std::span<const ClientNatRule> rules, std::span<std::uint8_t> pkt, NatDirection dir) noexcept;

} // namespace ovpn::data
