// app/check_config.cpp: --check-config (ours, not in 2.6). Parse and
// validate everything, files included, without creating a device, socket or
// file; then report the DCO verdict, one line per blocker:
//
//   DCO blocker: --fragment: Note: --fragment disables data channel offload.
//   DCO: the options are compatible with data channel offload
//   DCO blocker: kernel: Note: Kernel support for ovpn-dco missing, ...
//
// Before that, every warning and note 2.6 prints at start-up about the
// config (options/startup_warnings.hpp), each followed by what to write
// instead and, where OpenVPN 2.7 removes or changes the thing, what 2.7
// does:
//
//   WARNING: file 'k.key' is group or others accessible
//     -> chmod 600 k.key
//
// Warnings alone do not fail the check.
//
// Exit 0 exactly when the daemon would get past its start-up checks
// (app/admission.hpp decides both), 1 with the errors and the options this
// build would not act on.
#include "openvpn/app/admission.hpp"
#include "openvpn/app/app.hpp"
#include "openvpn/app/host_probe.hpp"
#include "openvpn/options/startup_warnings.hpp"

namespace ovpn::app {
namespace {

void print_warnings(const options::Options& o, std::FILE* out)
{
    for (const auto& w : options::startup_warnings(o, options::stat_mode)) {
        std::fprintf(out, "%s\n  -> %s\n", w.text.c_str(), w.fix.c_str());
        if (!w.in_27.empty())
            std::fprintf(out, "  -> OpenVPN 2.7: %s\n", w.in_27.c_str());
    }
}

} // namespace

int check_config(const options::Options& o, Logger& log, std::FILE* out)
{
    const Admission a = admission(o, log, probe_host());
    print_warnings(o, out);
    for (const auto& e : a.errors)
        std::fprintf(out, "%s\n", e.c_str());
    bool option_blocker = false;
    for (const auto& b : a.dco.blockers) {
        if (b.option == "kernel")
            continue;
        option_blocker = true;
        std::fprintf(out, "DCO blocker: --%s: %s\n", b.option.c_str(), b.message.c_str());
    }
    if (!option_blocker)
        std::fprintf(out, "DCO: the options are compatible with data channel offload\n");
    for (const auto& b : a.dco.blockers)
        if (b.option == "kernel")
            std::fprintf(out, "DCO blocker: kernel: %s\n", b.message.c_str());
    for (const auto& g : a.gaps)
        std::fprintf(out, "Not supported by this build: --%s: %s\n", g.option.c_str(), g.why.c_str());
    if (!a.admitted()) {
        std::fprintf(out, "Configuration check FAILED: %zu error(s)\n", a.errors.size() + a.gaps.size());
        return 1;
    }
    std::fprintf(out, "Configuration check OK\n");
    return 0;
}

} // namespace ovpn::app
