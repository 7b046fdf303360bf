// session/make_data_plane.cpp: see make_data_plane.hpp.
#include "openvpn/session/make_data_plane.hpp"

#include "openvpn/data/userspace_data_plane.hpp"
#include "openvpn/tun/tun_device.hpp"

namespace ovpn::session {

namespace {

constexpr Verb kV1 = Verb::Error; // 2.6's M_INFO lines

// open_userspace: the tun device (or --dev null) and a UserspaceDataPlane
// on it.
Result<std::unique_ptr<data::DataPlane>> open_userspace(const options::Options& o, PlaneMode mode,
                                                        Logger& log)
{
    tun::TunConfig tc;
    tc.dev = o.dev.value_or("tun");
    tc.persist = o.persist_tun;
    auto t =
        tc.dev == "null" ? Result<std::unique_ptr<tun::TunDevice>>(tun::make_null_tun()) : tun::open_tun(tc);
    if (!t)
        return Err(t.error());
    data::UserspaceConfig uc;
    uc.persistent = o.persist_tun;
    uc.static_key = o.secret.has_value();
    uc.multi_peer = mode == PlaneMode::MultiPeer;
    uc.client_to_client = uc.multi_peer && o.client_to_client;
    auto dp = std::make_unique<data::UserspaceDataPlane>(std::move(*t), uc);
    log.logf(kV1, "TUN/TAP device %s opened", dp->device().name.c_str());
    return std::unique_ptr<data::DataPlane>(std::move(dp));
}

} // namespace

Result<std::unique_ptr<data::DataPlane>> make_data_plane(const options::Options& o,
                                                         const options::DcoVerdict& dco, PlaneMode mode,
                                                         io::EventLoop& loop, data::EventSink sink,
                                                         Logger& log)
{
    if (dco.enabled()) {
        // ==== the DCO branch (issue 9, step 2) goes here ====
        // auto k = dco::KernelDataPlane::open(dco::KernelDataPlaneConfig{
        //     .dev = o.dev.value_or("tun"),
        //     .mode = mode == PlaneMode::MultiPeer ? dco::LinkMode::MP : dco::LinkMode::P2P, ...});
        // On success: 2.6's "DCO device X opened" (or "... already exists,
        // won't be destroyed at shutdown"), attach it and return it. On
        // failure: 2.6's note for why, and fall through to userspace.
        log.write(Verb::Info, "Note: data channel offload is possible for this configuration, but this build "
                              "does not use it yet; the data channel runs in userspace.");
    }
    auto dp = open_userspace(o, mode, log);
    if (!dp)
        return dp;
    if (auto s = (*dp)->attach(loop, std::move(sink)); !s)
        return Err(s.error());
    return dp;
}

} // namespace ovpn::session
