#include "openvpn/daemon/daemon.hpp"

#include <lzo/lzoconf.h>
#include <openssl/crypto.h>

#include <string>

#include "dco/availability.hpp"

#include "openvpn/client/client.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/options/dco.hpp"
#include "openvpn/options/options.hpp"
#include "openvpn/options/startup_warnings.hpp"
#include "openvpn/plugin/plugin.hpp"
#include "openvpn/process/lifecycle.hpp"
#include "openvpn/process/status.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/management.hpp"

namespace ovpn::daemon {

namespace {

// MgmtOnLoop: the management interface served on one run's loop, taken off
// it again before the loop goes.
class MgmtOnLoop {
public:
    explicit MgmtOnLoop(session::Management* m) : m_(m) {}
    ~MgmtOnLoop()
    {
        if (m_ != nullptr)
            m_->unbind();
    }
    MgmtOnLoop(const MgmtOnLoop&) = delete;
    MgmtOnLoop& operator=(const MgmtOnLoop&) = delete;

private:
    session::Management* m_;
};

} // namespace

// The options come through app/admission, which refuses the modes this
// build does not run (a peer without --secret or TLS) before we get here.
int run(const options::Options& opts, const options::DcoVerdict& dco, Logger& log, session::Management* mgmt)
{
    // 2.6 starts its log with the title of --version and the libraries
    // (OpenSSL and LZO only)
    log.write(Verb::Error, process::title_string());
    log.write(Verb::Error, std::string("library versions: ") + OpenSSL_version(OPENSSL_VERSION) + ", LZO " +
                               lzo_version_string());
    log.write(Verb::Error, "DCO version: " + dco::dco_module_version()); // as 2.6 at start-up
    for (const auto& w :
         options::in_phase(options::startup_warnings(opts, options::stat_mode), options::Phase::Init))
        log.write(Verb::Error, w);
    // 2.6 looks --group and --user up once, before anything is opened, and
    // stops when one does not exist (every mode: one check).
    if (auto s = process::check_user_group(opts); !s) {
        log.write(Verb::Fatal, s.error());
        log.write(Verb::Fatal, "Exiting due to fatal error");
        return session::kExitError;
    }
    // --plugin: opened once, before any privileges go (down-root and
    // auth-pam fork their root helpers here) and kept across SIGUSR1
    // restarts, as 2.6 does; closed when this run of the config ends.
    plugin::PluginList plugins(log);
    if (auto s = plugin::open_plugins(plugins, opts); !s) {
        log.write(Verb::Fatal, s.error());
        log.write(Verb::Fatal, "Exiting due to fatal error");
        return session::kExitError;
    }
    SystemClock clock;
    try {
        int code = session::kRunAgain;
        bool first = true;
        while (code == session::kRunAgain) {
            // A fresh loop each time: nothing of the last run (timers,
            // sockets, signal handlers) carries over, as in 2.6's restart.
            io::EventLoop loop(clock);
            MgmtOnLoop on_loop(mgmt);
            if (mgmt != nullptr) {
                if (auto s = mgmt->bind(loop); !s) {
                    log.write(Verb::Fatal, s.error());
                    log.write(Verb::Fatal, "Exiting due to fatal error");
                    return session::kExitError;
                }
                // 2.6's open_management: the hold before the first instance
                if (first && !mgmt->startup_hold(loop))
                    return session::kExitOk;
            }
            first = false;
            if (opts.is_server()) {
                server::Server s(opts, dco, log, loop);
                s.set_management(mgmt);
                s.set_plugins(&plugins);
                code = s.run();
            } else {
                client::Client c(opts, dco, log, loop);
                c.set_management(mgmt);
                c.set_plugins(&plugins);
                code = c.run();
            }
        }
        if (code == kReloadConfig)
            return code;
        log.write(Verb::Error, code == session::kExitOk ? "Exiting" : "Exiting due to fatal error");
        return code;
    } catch (const std::exception& e) {
        plugin::abort_all();
        log.logf(Verb::Fatal, "Exiting due to fatal error: %s", e.what());
        return session::kExitError;
    }
}

} // namespace ovpn::daemon
