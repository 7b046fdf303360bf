// options/push_options.hpp: apply a server's PUSH_REPLY option list through
// the same option table as the config file, with 2.6's pull permission mask
// (pull_permission_mask() in 2.6's init.c): only options whose class is in the
// mask are accepted; route and DNS options only without --route-nopull.
//
// As in 2.6, an option that is unknown, Windows-only or not allowed to be
// pushed is logged and skipped; a known, allowed option with a bad value is
// an error (the caller treats the push as failed). --pull-filter is applied
// first (accept / ignore / reject on the option text's prefix).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::options {

struct PushResult {
    int applied = 0;
    int skipped = 0; // unknown, not permitted, or filtered out by pull-filter
};

// pull_mask: the permission mask for this client's options.
std::uint32_t pull_mask(const Options& o);

// apply_pushed_options: `opts` are the comma-separated items of one
// PUSH_REPLY (each one option line, e.g. "route 10.8.0.0 255.255.255.0").
// A pull-filter "reject" match fails the whole push, as 2.6 does.
Result<PushResult> apply_pushed_options(Options& o, std::span<const std::string> opts, Logger& log);

// apply_client_config: the text of a client-config-dir file (or a
// --client-connect script's output) for one client, read with 2.6's
// CLIENT_CONNECT_OPT_MASK (iroute, ifconfig-push, push, push-reset, ...).
// `o` is the client's copy of the server options. Errors name file and line.
Status<> apply_client_config(Options& o, std::string_view text, const std::string& name, Logger& log);

} // namespace ovpn::options
