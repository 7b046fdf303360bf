// app/persist_tun.cpp: --mktun / --rmtun, as 2.6.14's do_persist_tuntap and
// tuncfg: create (or attach to) the device named by --dev, set its persist
// flag, its owner (--user) and group (--group), close it and exit. Nothing
// else of the configuration runs.
#include <string>

#include "openvpn/app/app.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/process/lifecycle.hpp"
#include "openvpn/tun/tun_device.hpp"

namespace ovpn::app {

namespace {

// persist_wanted: 2.6 keeps one persist mode, set by each --mktun (on) and
// --rmtun (off): the last one given wins.
bool persist_wanted(const options::Options& o)
{
    for (auto it = o.directives.rbegin(); it != o.directives.rend(); ++it) {
        if (it->name == "mktun")
            return true;
        if (it->name == "rmtun")
            return false;
    }
    return o.mktun;
}

// mixed_with_tunnel: the options 2.6 refuses beside --mktun/--rmtun, checked
// before its post-processing (so --client and --server, expanded later, pass).
bool mixed_with_tunnel(const options::Options& o)
{
    return o.ifconfig || o.secret || o.tls_server || o.tls_client;
}

// set_ids: TUNSETOWNER for --user, then TUNSETGROUP for --group (2.6's
// order), each name looked up as the process does.
Status<> set_ids(const tun::TunDevice& dev, const options::Options& o)
{
    if (o.user) {
        auto uid = process::lookup_user(*o.user);
        if (!uid)
            return Err(uid.error());
        if (auto s = tun::set_owner(dev, *uid, *o.user); !s)
            return s;
    }
    if (o.group) {
        auto gid = process::lookup_group(*o.group);
        if (!gid)
            return Err(gid.error());
        if (auto s = tun::set_group(dev, *gid, *o.group); !s)
            return s;
    }
    return Ok{};
}

int fatal(Logger& log, const std::string& line)
{
    log.write(Verb::Fatal, line);
    log.write(Verb::Fatal, "Exiting due to fatal error");
    return 1;
}

} // namespace

int persist_tun(const options::Options& o, Logger& log)
{
    if (!o.dev) {
        std::fflush(stdout);
        std::fprintf(stderr, "Options error: You must define TUN/TAP device (--dev)\n"
                             "Use --help for more information.\n");
        return 1;
    }
    if (mixed_with_tunnel(o))
        return fatal(log,
                     "Options error: options --mktun or --rmtun should only be used together with --dev");
    const std::string type = options::effective_dev_type(o);
    // 2.6 turns DCO off for the device it makes, saying so for a tun device
    // (a warning: shown at every verb).
    if (type == "tun" && !o.disable_dco)
        log.write(Verb::Fatal, mute::None, Severity::Warning,
                  "Note: --mktun does not support DCO. Creating TUN interface.");
    tun::TunConfig cfg;
    cfg.dev = *o.dev;
    cfg.tap = type == "tap";
    cfg.node = o.dev_node.value_or(cfg.node);
    auto dev =
        type == "null" ? Result<std::unique_ptr<tun::TunDevice>>(tun::make_null_tun()) : tun::open_tun(cfg);
    if (!dev)
        return fatal(log, dev.error());
    if (type != "null")
        log.logf(Verb::Error, "TUN/TAP device %s opened", (*dev)->name().c_str());
    if (type != "null" && o.txqueuelen.value_or(0) > 0) {
        if (auto q = tun::set_txqueuelen((*dev)->name(), *o.txqueuelen); !q)
            log.write(Verb::Error, mute::None, Severity::Warning, q.error());
    }
    const bool on = persist_wanted(o);
    if (auto s = tun::set_persist(**dev, on); !s)
        return fatal(log, s.error());
    if (auto s = set_ids(**dev, o); !s)
        return fatal(log, s.error());
    dev->reset();
    log.logf(Verb::Error, "Persist state set to: %s", on ? "ON" : "OFF");
    return 0;
}

} // namespace ovpn::app
