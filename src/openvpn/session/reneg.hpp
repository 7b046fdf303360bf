// session/reneg.hpp: the renegotiation period of one session, with
// 2.6's jitter (init.c do_init_crypto_tls, per instance):
//   --reneg-sec max       server: max - (r mod max(max/10, 1)), i.e. up to
//                         10 % earlier, so servers usually rekey first;
//                         client/p2p: max
//   --reneg-sec max min   max - (r mod max(max - min, 1)), both roles
// r is a fresh random number per instance (the caller's; tests fix it).
// max 0 (off) stays 0. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ovpn::session {

int reneg_seconds(int max, std::optional<int> min, bool server, std::uint32_t random) noexcept;

// reneg_seconds_of: the same from --reneg-sec's arguments (default 3600);
// nullopt when they are not numbers.
std::optional<int> reneg_seconds_of(const std::optional<std::vector<std::string>>& args, bool server,
                                    std::uint32_t random);

} // namespace ovpn::session
