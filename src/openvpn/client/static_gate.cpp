// client/static_gate.cpp: --up-delay with --secret. 2.6 opens no device at
// start then (init.c skips do_open_tun for up_delay) and opens it, with
// --up, once the peer is heard (do_up from check_connection_established,
// which a first authenticated packet sets off). Meanwhile its timers run:
// it pings the peer and gives up after --ping-restart.
//
// Here the data plane owns the device, so until the peer is heard there is
// no data plane; the "gate", a DataChannel on the same static key, checks
// the packets that arrive and sends the pings. The first packet that
// authenticates opens the device and the data plane, which then takes the
// batch (that packet included: its id is fresh for the new plane).
#include <ctime>

#include "openvpn/client/client.hpp"
#include "openvpn/client/internal.hpp"
#include "openvpn/data/fragment.hpp"
#include "openvpn/session/data_options.hpp"
#include "openvpn/wire/compress.hpp"
#include "openvpn/wire/ping_occ.hpp"

namespace ovpn::client {

namespace {

// wall_seconds: the long packet id's time field, the wall clock as 2.6.
std::uint32_t wall_seconds()
{
    return static_cast<std::uint32_t>(std::time(nullptr));
}

} // namespace

// gate_wanted: --up-delay on a --secret peer that has no device yet (one
// kept by --persist-tun is simply used).
bool Client::gate_wanted() const
{
    return static_mode() && base_.up_delay && !dp_;
}

Status<> Client::open_static_gate()
{
    crypto::DataChannelConfig dc;
    dc.header = crypto::DataHeader::None;
    dc.long_packet_id = true;
    // a second before the data plane's: its packets, which count from 1
    // again, start a fresh window at the peer instead of looking like
    // replays of the gate's pings
    dc.session_time = static_keys_->long_pid_time - 1;
    dc.rx_start = static_keys_->rx_replay_start; // a replay must not open the device
    auto ch = crypto::DataChannel::create(*static_keys_, dc);
    if (!ch)
        return Err("ERROR: installing the static key failed: " + ch.error());
    static_gate_ = std::make_unique<crypto::DataChannel>(std::move(*ch));
    gate_ping_at_ = loop_.now();
    log_.write(Verb::Info, "--up-delay: the device opens when the peer is heard");
    return Ok{};
}

// gate_packets: the batch meets the gate; the first packet that
// authenticates opens the data plane (remote_ is its source on an
// unconnected socket) and the batch goes on to it. false: the plane could
// not open (the process is ending).
bool Client::gate_packets(std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        if (rx_[i].empty())
            continue;
        // decrypted in a copy: the batch goes to the data plane as it came
        PacketBuf copy(rx_[i].size() + PacketBuf::kDefaultHeadroom + 64);
        if (!copy.append(rx_[i].span()) || !static_gate_->decrypt(copy, wall_seconds()))
            continue;
        if (udp_unconnected_)
            remote_ = rx_from_[i];
        static_gate_.reset();
        if (auto s = open_static_plane(); !s) {
            exit_now(kExitError, s.error());
            return false;
        }
        return true;
    }
    return false;
}

// tick_static_gate: before the peer is heard, 2.6's ping and ping-restart
// (ping-exit) run on the gate. false when it restarted or exited.
bool Client::tick_static_gate(TimePoint now)
{
    if (replay_persist_ && dp_ && now >= replay_save_at_)
        save_replay_state(now);
    if (!static_gate_)
        return true;
    const int restart = pushed_.ping_restart.value_or(pushed_.ping_exit.value_or(0));
    if (restart > 0 && now - last_rx_ >= seconds(restart)) {
        if (pushed_.ping_exit) {
            log_.write(kV1, "[UNDEF] Inactivity timeout (--ping-exit), exiting");
            exit_now(kExitOk, "SIGTERM[soft,ping-exit] received, process exiting");
            return false;
        }
        log_.write(kV1, "[UNDEF] Inactivity timeout (--ping-restart), restarting");
        schedule_restart("ping-restart");
        return false;
    }
    const int ping = pushed_.ping.value_or(0);
    if (ping > 0 && now >= gate_ping_at_) {
        send_gate_ping();
        gate_ping_at_ = now + seconds(ping);
    }
    return true;
}

// send_gate_ping: one ping, framed as the data plane frames it
// (compression byte, --fragment's whole-packet header).
void Client::send_gate_ping()
{
    if (udp_unconnected_ && remote_.empty())
        return; // a listening peer has nobody to ping yet
    PacketBuf b;
    (void)b.append(std::span<const std::uint8_t>(wire::kPingMagic));
    std::uint8_t scratch[64];
    if (!wire::compress_frame(b, session::compression_of(pushed_), false, MutBytes(scratch, sizeof scratch)))
        return;
    if (current_ce().fragment && tcp_ == nullptr) {
        data::Fragmenter f(static_cast<std::size_t>(*current_ce().fragment));
        if (!f.mark_whole(b))
            return;
    }
    if (!static_gate_->encrypt(b, wall_seconds()))
        return;
    send_packet(std::vector<std::uint8_t>(b.span().begin(), b.span().end()));
}

} // namespace ovpn::client
