// app/admission.hpp: the one decision whether a configuration may start.
//
// Everything the start-up refuses before it touches the system is decided
// here, and only here: the option checks of 2.6 (options/validate.hpp,
// files included), the options this build parses but would not act on
// (options/runtime_support.hpp) and the modes it does not run. The DCO
// verdict is part of the answer. The normal start (app.cpp's admit) and
// --check-config both call admission(), so --check-config says "OK" exactly
// when the daemon gets past this point.
#pragma once

#include <string>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/options/dco.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/options/runtime_support.hpp"

namespace ovpn::app {

struct Admission {
    // errors: "Options error: ..." lines, in 2.6's order (the first is the
    // one start-up prints).
    std::vector<std::string> errors;
    // gaps: options 2.6 acts on and this build would ignore.
    std::vector<options::Unsupported> gaps;
    options::DcoVerdict dco;

    bool admitted() const { return errors.empty() && gaps.empty(); }
};

// admission: over finalized options; log receives 2.6's warnings the checks
// print (deprecations). host: the DCO facts (app/host_probe.hpp).
Admission admission(const options::Options& o, Logger& log, const options::DcoHost& host);

} // namespace ovpn::app
