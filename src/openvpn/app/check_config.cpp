// app/check_config.cpp: --check-config (ours, not in 2.6). Parse and
// validate everything, files included, without creating a device, socket or
// file; then report the DCO verdict, one line per blocker:
//
//   DCO blocker: --fragment: Note: --fragment disables data channel offload.
//   DCO: the options are compatible with data channel offload
//   DCO blocker: kernel: Note: Kernel support for ovpn-dco missing, ...
//
// Exit 0 when the config would start (DCO or not), 1 with the errors.
#include "openvpn/app/app.hpp"
#include "openvpn/app/host_probe.hpp"
#include "openvpn/options/dco.hpp"
#include "openvpn/options/runtime_support.hpp"
#include "openvpn/options/validate.hpp"

namespace ovpn::app {

int check_config(const options::Options& o, Logger& log, std::FILE* out)
{
    const auto errors = options::validate(o, log);
    for (const auto& e : errors)
        std::fprintf(out, "%s\n", e.c_str());
    const auto verdict = options::dco_verdict(o, probe_host());
    bool option_blocker = false;
    for (const auto& b : verdict.blockers) {
        if (b.option == "kernel")
            continue;
        option_blocker = true;
        std::fprintf(out, "DCO blocker: --%s: %s\n", b.option.c_str(), b.message.c_str());
    }
    if (!option_blocker)
        std::fprintf(out, "DCO: the options are compatible with data channel offload\n");
    for (const auto& b : verdict.blockers)
        if (b.option == "kernel")
            std::fprintf(out, "DCO blocker: kernel: %s\n", b.message.c_str());
    // Options 2.6 accepts and we would not act on: the daemon refuses them at
    // start-up; the check lists them but keeps 2.6's verdict on the config.
    for (const auto& g : options::runtime_unsupported(o))
        std::fprintf(out, "Not supported by this build: --%s: %s\n", g.option.c_str(), g.why.c_str());
    if (!errors.empty()) {
        std::fprintf(out, "Configuration check FAILED: %zu error(s)\n", errors.size());
        return 1;
    }
    std::fprintf(out, "Configuration check OK\n");
    return 0;
}

} // namespace ovpn::app
