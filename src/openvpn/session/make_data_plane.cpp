// session/make_data_plane.cpp: see make_data_plane.hpp.
#include "openvpn/session/make_data_plane.hpp"
#include "openvpn/session/mtu_frame.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "dco/availability.hpp"
#include "dco/kernel_data_plane.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/options/vlan_pvid.hpp"
#include "openvpn/tun/tun_device.hpp"

namespace ovpn::session {

namespace {

constexpr Verb kV1 = Verb::Error; // 2.6's M_INFO lines
constexpr Verb kDco = Verb::Info; // 2.6's D_DCO (verb 3)

// set_txqueuelen: --txqueuelen on a device this process opened (2.6 sets it
// only there: not on a DCO device), a warning when the kernel refuses.
void set_txqueuelen(const std::string& ifname, int qlen, Logger& log)
{
    if (auto s = tun::set_txqueuelen(ifname, qlen); !s)
        log.write(kV1, mute::None, Severity::Warning, s.error());
    else
        log.logf(Verb::Info, "TUN/TAP TX queue length set to %d", qlen);
}

// block_ipv6_source: where --block-ipv6's answers come from: the
// --ifconfig-ipv6 remote (given or pushed), else fe80::7, as 2.6.
in6_addr block_ipv6_source(const options::Options& o)
{
    in6_addr a{};
    if (o.ifconfig_ipv6 && ::inet_pton(AF_INET6, o.ifconfig_ipv6->second.c_str(), &a) == 1)
        return a;
    (void)::inet_pton(AF_INET6, "fe80::7", &a);
    return a;
}

// set_lladdr: --lladdr on a tap device this process opened, right after
// the open as 2.6 does; 2.6 logs the attempt and goes on when it fails.
void set_lladdr(const std::string& ifname, const std::string& lladdr, Logger& log)
{
    log.logf(kV1, "net_addr_ll_set: lladdr %s for %s", lladdr.c_str(), ifname.c_str());
    if (auto s = tun::set_lladdr(ifname, lladdr); !s)
        log.write(kV1, mute::None, Severity::Warning, s.error());
    else
        log.logf(kV1, "TUN/TAP link layer address set to %s", lladdr.c_str());
}

// vlan_config: --vlan-tagging, --vlan-accept, --vlan-pvid (a tap server's).
data::VlanConfig vlan_config(const options::Options& o, bool tap_server)
{
    data::VlanConfig v;
    v.enabled = tap_server && o.vlan_tagging;
    const std::string accept = o.vlan_accept.value_or("all");
    v.accept = accept == "tagged"     ? data::VlanAccept::Tagged
               : accept == "untagged" ? data::VlanAccept::Untagged
                                      : data::VlanAccept::All;
    v.pvid = static_cast<std::uint16_t>(options::vlan_pvid(o));
    return v;
}

// open_userspace: the tun device (or --dev null) and a UserspaceDataPlane
// on it.
Result<std::unique_ptr<data::DataPlane>> open_userspace(const options::Options& o, PlaneMode mode,
                                                        Logger& log)
{
    tun::TunConfig tc;
    tc.dev = o.dev.value_or("tun");
    tc.persist = o.persist_tun;
    tc.node = o.dev_node.value_or(tc.node);
    tc.tap = options::effective_dev_type(o) == "tap";
    auto t =
        tc.dev == "null" ? Result<std::unique_ptr<tun::TunDevice>>(tun::make_null_tun()) : tun::open_tun(tc);
    if (!t)
        return Err(t.error());
    data::UserspaceConfig uc;
    uc.persistent = o.persist_tun;
    uc.static_key = o.secret.has_value();
    uc.multi_peer = mode == PlaneMode::MultiPeer;
    uc.client_to_client = uc.multi_peer && o.client_to_client;
    uc.tap = tc.tap;
    uc.vlan = vlan_config(o, uc.tap && uc.multi_peer);
    if (o.block_ipv6)
        uc.block_ipv6 = block_ipv6_source(o);
    uc.passtos = o.given("passtos");
    uc.mtu_load_crypto = occ_crypto_overhead(o);
    uc.shaper = o.shaper.value_or(0);
    for (const auto& args : o.client_nat)
        if (auto r = data::parse_client_nat(args))
            uc.client_nat.push_back(*r); // checked when the option was read
    auto dp = std::make_unique<data::UserspaceDataPlane>(std::move(*t), uc);
    log.logf(kV1, "TUN/TAP device %s opened", dp->device().name.c_str());
    if (tc.dev != "null" && o.txqueuelen.value_or(0) > 0)
        set_txqueuelen(dp->device().name, *o.txqueuelen, log);
    if (tc.tap && o.lladdr)
        set_lladdr(dp->device().name, *o.lladdr, log);
    return std::unique_ptr<data::DataPlane>(std::move(dp));
}

// fallback_note: why the DCO device could not be opened, in 2.6's words
// where it has a note for it (it has none for a failed create: it exits
// there, with the message we quote).
std::string fallback_note(const dco::OpenError& e)
{
    switch (e.kind) {
    case dco::OpenErrorKind::FamilyMissing:
        return "Note: Kernel support for ovpn-dco missing, disabling data channel offload.";
    case dco::OpenErrorKind::NotDcoDevice:
        return e.message + ". Disabling data channel offload";
    default:
        return "Note: " + e.message + ", disabling data channel offload.";
    }
}

// open_dco: the ovpn-dco device with 2.6's naming and line; on failure the
// note that says why, and the reason for the choice line.
std::unique_ptr<data::DataPlane> open_dco(const options::Options& o, PlaneMode mode, Logger& log,
                                          std::string& why_not)
{
    dco::KernelDataPlaneConfig cfg;
    cfg.dev = o.dev.value_or("tun");
    cfg.mode = mode == PlaneMode::MultiPeer ? dco::LinkMode::MP : dco::LinkMode::P2P;
    cfg.log = &log;
    auto k = dco::KernelDataPlane::open(cfg);
    if (!k) {
        log.write(kV1, fallback_note(k.error()));
        why_not = k.error().kind == dco::OpenErrorKind::FamilyMissing ? "no ovpn-dco-v2 support in the kernel"
                                                                      : k.error().message;
        return nullptr;
    }
    const data::Device& d = (*k)->device();
    if (d.persistent)
        log.logf(kV1, "DCO device %s already exists, won't be destroyed at shutdown", d.name.c_str());
    else
        log.logf(kV1, "DCO device %s opened", d.name.c_str());
    return std::move(*k);
}

// blocker_reason: the verdict's first blocker as the choice line says it.
std::string blocker_reason(const options::DcoBlocker& b, const options::Options& o)
{
    if (b.option == "kernel")
        return "no ovpn-dco-v2 support in the kernel";
    if (b.option == "dev" && b.message.find("exists") != std::string::npos)
        return b.message.substr(0, b.message.find(". Disabling"));
    if (b.option == "dev" && b.message.find("no --dev") != std::string::npos)
        return "no --dev";
    if (b.option == "dev" || b.option == "dev-type")
        return "--dev " + options::effective_dev_type(o); // "--dev tap", as 2.6's note names the type
    if (b.option == "tls-client")
        return "no --tls-client or --tls-server";
    if (b.option == "user")
        return "--user and CAP_NET_ADMIN cannot be kept";
    return "--" + b.option;
}

bool pushed_compression_allowed(const options::Options& pushed)
{
    // 2.6's check_compression_settings_valid with COMP_F_ALLOW_NOCOMP_ONLY:
    // only stub-v2 (no framing for IP packets) and migrate pass.
    if (pushed.comp_lzo)
        return false;
    return !pushed.compress || *pushed.compress == "stub-v2" || *pushed.compress == "migrate";
}

} // namespace

std::string PlaneChoice::line() const
{
    if (offload)
        return "Data channel offload: on (" + why + ", device " + device + ")";
    return "Data channel offload: off (" + why + "); the data channel runs in userspace on " + device;
}

bool offloaded(const data::DataPlane& dp)
{
    return dp.name() == "dco";
}

bool dco_wanted(const options::DcoVerdict& dco, const data::DataPlane* dp)
{
    return dp != nullptr ? offloaded(*dp) : dco.enabled();
}

Result<std::unique_ptr<data::DataPlane>> make_data_plane(const options::Options& o,
                                                         const options::DcoVerdict& dco, PlaneMode mode,
                                                         io::EventLoop& loop, data::EventSink sink,
                                                         Logger& log, PlaneChoice* choice)
{
    PlaneChoice c;
    std::unique_ptr<data::DataPlane> dp;
    if (dco.enabled()) {
        dp = open_dco(o, mode, log, c.why);
        if (dp) {
            c.offload = true;
            c.why = std::string(dco::kDcoFamily) + " " + dco::dco_module_version();
        }
    } else {
        c.why = blocker_reason(dco.blockers.front(), o);
    }
    if (!dp) {
        auto u = open_userspace(o, mode, log);
        if (!u)
            return u;
        dp = std::move(*u);
    }
    c.device = dp->device().name;
    log.write(kV1, c.line());
    if (auto s = dp->attach(loop, std::move(sink)); !s)
        return Err(s.error());
    if (choice != nullptr)
        *choice = std::move(c);
    return dp;
}

Status<> pushed_options_allow(const options::Options& pushed, bool peer_id_pushed,
                              const options::DcoVerdict& dco, const data::DataPlane* dp, Logger& log)
{
    if (!dco_wanted(dco, dp))
        return Ok{};
    if (!pushed_compression_allowed(pushed)) {
        log.write(kV1, "Compression or compression stub framing is not allowed since data-channel offloading "
                       "is enabled.");
        log.write(kV1,
                  "OPTIONS ERROR: server pushed compression settings that are not allowed and will result "
                  "in a non-working connection. See also allow-compression in the manual.");
        return Err(std::string("pushed compression"));
    }
    if (!peer_id_pushed) {
        log.write(kV1,
                  "OPTIONS IMPORT: Server did not request DATA_V2 packet format required for data channel "
                  "offload");
        log.write(kV1, "OPTIONS ERROR: pushed options are incompatible with data channel offload. Use "
                       "--disable-dco to connect to this server");
        return Err(std::string("no pushed peer-id"));
    }
    // Anything else the push brought that the verdict would refuse (the
    // same function; compression was judged above, by 2.6's rule).
    auto more = options::dco_option_blockers(pushed);
    std::erase_if(more, [](const options::DcoBlocker& b) {
        return b.option == "compress" || b.option == "comp-lzo" || b.option == "allow-compression";
    });
    if (!more.empty()) {
        log.write(kDco, more.front().message);
        log.write(kV1, "OPTIONS ERROR: pushed options are incompatible with data channel offload. Use "
                       "--disable-dco to connect to this server");
        return Err("pushed --" + more.front().option);
    }
    return Ok{};
}

} // namespace ovpn::session
