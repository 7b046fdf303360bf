// client/mtu_test.cpp: --mtu-test on a client or p2p peer (2.6's occ.c
// through data/mtu_test.hpp): from when this session's peer is in the data
// plane, a tick every 3 s sends the sequence's next question through the
// DataPlane seam; the MtuReply event gives the result lines. A data plane
// that cannot send OCC messages (the kernel's) makes the test run out as
// 2.6's does under DCO, with its "failed to empirically measure" note.
#include "openvpn/client/client.hpp"
#include "openvpn/client/internal.hpp"
#include "openvpn/session/mtu_frame.hpp"

namespace ovpn::client {

void Client::start_mtu_test(wire::CompressMode comp, std::size_t fragment)
{
    stop_mtu_test();
    if (!base_.given("mtu-test") || tcp_ != nullptr)
        return;
    auto f = data_frame(comp, fragment); // header, compression, fragment, tap room
    if (!f)
        return;
    session::use_occ_key_type(*f, base_); // 2.6 counts the configured cipher, not the negotiated one
    const options::ConnectionEntry& ce = current_ce();
    if (fragment > 0)
        log_.write(kV1,
                   "WARNING: using --fragment and --mtu-test together may produce an inaccurate MTU test "
                   "result");
    data::MtuTestConfig cfg;
    cfg.load_size = data::mtu_load_size(*f, pushed_.ce.tun_mtu.value_or(ce.tun_mtu.value_or(1500)));
    cfg.fragment = fragment > 0;
    cfg.dgram = true;
    mtu_test_.emplace(cfg);
    mtu_timer_ = loop_.add_timer(loop_.now() + data::kMtuTestInterval, [this] { on_mtu_tick(); });
}

void Client::on_mtu_tick()
{
    mtu_timer_.reset();
    if (!mtu_test_ || !dp_ || !dp_peer_added_)
        return;
    // 2.6's connection_established: TLS keys are in use once the peer is
    // in the plane; a --secret peer waits for its first authenticated packet
    const bool established = !static_mode() || static_peer_seen_;
    data::MtuTestStep st = mtu_test_->tick(established);
    for (const auto& line : st.lines)
        log_.write(kV1, line);
    if (st.send) {
        auto s = dp_->send_mtu_probe(data::kP2pPeerId, *st.send, mtu_test_->load_size(), loop_.now());
        if (!s)
            log_.logf(Verb::Debug, "--mtu-test: %s", s.error().c_str());
    }
    if (mtu_test_->running())
        mtu_timer_ = loop_.add_timer(loop_.now() + data::kMtuTestInterval, [this] { on_mtu_tick(); });
    else
        mtu_test_.reset();
}

void Client::on_mtu_reply(const data::MtuReport& r)
{
    if (!mtu_test_)
        return;
    for (const auto& line : mtu_test_->on_reply(r))
        log_.write(kV1, line);
    stop_mtu_test();
}

void Client::stop_mtu_test()
{
    if (mtu_timer_)
        loop_.cancel_timer(*mtu_timer_);
    mtu_timer_.reset();
    mtu_test_.reset();
}

} // namespace ovpn::client
