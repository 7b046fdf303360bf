// client/internal.hpp: constants and small helpers shared by the client's
// files (not part of the client's interface).
#pragma once

#include <optional>
#include <string>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::client {

// Lines 2.6 prints at its default --verb 1 (M_INFO) use level 1.
inline constexpr Verb kV1 = Verb::Error;
inline constexpr Duration kPushRequestInterval = seconds(5);
inline constexpr Duration kPrePullPingRestart = seconds(120);
inline constexpr Duration kMaxTick = seconds(1);
// 2.6's default --connect-timeout / --server-poll-timeout.
inline constexpr int kDefaultConnectTimeout = 120;

// Remote: the remote of a connection entry with its port and proto
// (the entry's own, or the defaults around it).
struct Remote {
    std::string host, port, proto;
};
Remote remote_of(const options::ConnectionEntry& ce);

// StaticChallenge: --static-challenge's text and echo flag (credentials.cpp);
// the terminal prompt and the management query both read it from here.
struct StaticChallenge {
    std::string text;
    bool echo = false;
};
std::optional<StaticChallenge> static_challenge(const options::Options& o);

} // namespace ovpn::client
