// client/static_mode.cpp: --secret, the static-key point-to-point mode that
// 2.6 still runs (deprecated). There is no control channel at all:
//
//   1. at start-up the static key file is read and cut into the send and
//      receive halves by the key direction (protocol-facts §3.1: 0 sends with
//      keys[0], 1 with keys[1], none uses keys[0] both ways);
//   2. per connection attempt: open the link, open tun and set its addresses,
//      run --up, install the key (id 0) in the data plane, arm keepalive;
//   3. every datagram is a data packet with no opcode byte and a long packet
//      id (id || time) inside the CBC plaintext (the data plane's
//      static_key mode);
//   4. the first packet that authenticates "initiates" the peer: 2.6 logs
//      "Peer Connection Initiated with <addr>" and then "Initialization
//      Sequence Completed"; a listening peer (no --remote) or --float learns
//      or changes the peer's address from authenticated packets only;
//   5. ping-restart restarts, OCC_EXIT from the peer restarts
//      ("remote-exit"), SIGTERM sends OCC_EXIT with explicit-exit-notify.
#include <sys/socket.h>

#include <ctime>

#include "openvpn/client/client.hpp"
#include "openvpn/core/secure_file.hpp"
#include "openvpn/crypto/key_expansion.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/session/replay_persist.hpp"
#include "openvpn/session/tls_config.hpp"
#include "openvpn/tun/tun_device.hpp"

namespace ovpn::client {

namespace {

constexpr Verb kV1 = Verb::Error;
// 2.6 writes the --replay-persist file every 60 s (and at close).
constexpr Duration kReplaySaveInterval = seconds(60);

// 2.6's default --cipher when none is given in static-key mode.
constexpr const char* kStaticDefaultCipher = "BF-CBC";
constexpr const char* kStaticDefaultAuth = "SHA1";

} // namespace

Result<data::DataKeys> static_mode_keys(const options::Options& o)
{
    auto text = session::read_secret_ref(*o.secret);
    if (!text)
        return Err(text.error());
    auto key = crypto::parse_static_key(secret_text(*text));
    if (!key)
        return Err("Static key (--secret) " +
                   (o.secret->is_inline ? std::string("[[INLINE]]") : o.secret->path) + ": " + key.error());
    crypto::KeyDirection dir = crypto::KeyDirection::Bidirectional;
    if (o.ce.key_direction)
        dir = *o.ce.key_direction == 0 ? crypto::KeyDirection::Normal : crypto::KeyDirection::Inverse;
    const std::string cipher = o.cipher.value_or(kStaticDefaultCipher);
    const std::string auth = o.auth.value_or(kStaticDefaultAuth);
    auto keys = crypto::static_data_keys(*key, dir, cipher, auth);
    if (!keys) {
        if (!o.cipher)
            return Err(strfmt("Cipher %s (the default of --secret mode) is not available in this build "
                              "(OpenSSL 3 without the legacy provider): set --cipher on both peers, "
                              "e.g. --cipher AES-256-CBC (%s)",
                              kStaticDefaultCipher, keys.error().c_str()));
        return Err(strfmt("Cipher '%s' / auth '%s' cannot be used with --secret: %s", cipher.c_str(),
                          auth.c_str(), keys.error().c_str()));
    }
    // Only CBC (or none) gets here: admission refuses the other modes with
    // 2.6's "Cipher '...' mode not supported" (options/openssl_checks.cpp).
    return std::move(*keys);
}

Status<> Client::load_static_key()
{
    auto keys = static_mode_keys(base_);
    if (!keys)
        return Err(keys.error());
    static_keys_ = std::move(*keys);
    log_.write(kV1, "DEPRECATED OPTION: The option --secret is deprecated.");
    return open_replay_persist();
}

// open_replay_persist: --replay-persist, once per process (2.6 keeps it
// across SIGUSR1 restarts). A file that cannot be opened is a warning in
// 2.6 (nothing persists then); one another process holds is fatal.
Status<> Client::open_replay_persist()
{
    const options::Directive* d = base_.last("replay-persist");
    if (d == nullptr || d->args.empty() || replay_persist_)
        return Ok{};
    auto rp = session::ReplayPersist::open(d->args[0]);
    if (!rp) {
        if (rp.error().starts_with("Cannot obtain"))
            return Err(rp.error());
        log_.write(kV1, mute::None, Severity::Warning, rp.error());
        return Ok{};
    }
    replay_persist_ = std::move(*rp);
    if (auto st = replay_persist_->state())
        log_.logf(Verb::Info, "PID Persist Read from %s: [ #%u / time = (%u) ]", d->args[0].c_str(), st->id,
                  st->time);
    return Ok{};
}

// save_replay_state: the primary key's receive state into the
// --replay-persist file (when it changed).
void Client::save_replay_state(TimePoint now)
{
    if (!replay_persist_)
        return;
    replay_save_at_ = now + kReplaySaveInterval;
    if (dp_ && dp_peer_added_)
        if (auto st = dp_->stats(data::kP2pPeerId))
            replay_persist_->note(st->rx_highest);
    if (auto s = replay_persist_->save(); !s)
        log_.logf(kV1, "Cannot write to --replay-persist file %s: %s", replay_persist_->path().c_str(),
                  s.error().c_str());
}

Status<> Client::start_static()
{
    Negotiated n;
    n.cipher = static_keys_->cipher_name;
    n.auth = static_keys_->auth_name;
    neg_ = n;
    static_peer_seen_ = false;
    // the long packet id's time field: the wall clock at start, as 2.6
    static_keys_->long_pid_time = static_cast<std::uint32_t>(std::time(nullptr));
    static_keys_->rx_replay_start =
        replay_persist_ ? replay_persist_->state().value_or(wire::PacketId{}) : wire::PacketId{};
    replay_save_at_ = loop_.now() + kReplaySaveInterval;
    if (auto s = gate_wanted() ? open_static_gate() : open_static_plane(); !s)
        return s;
    last_rx_ = loop_.now();
    phase_ = tcp_ != nullptr ? Phase::Connecting : Phase::Handshake;
    arm_tick();
    return Ok{};
}

// open_static_plane: the device (if there is none yet) and the data plane
// with the static key.
Status<> Client::open_static_plane()
{
    if (auto s = open_data_plane(); !s)
        return s;
    if (auto s = dp_->install_key(data::kP2pPeerId, data::KeySlot::Primary, *static_keys_); !s)
        return Err("ERROR: installing the static key failed: " + s.error());
    return Ok{};
}

void Client::on_static_packets(std::size_t n, TimePoint now)
{
    if (static_gate_ && !gate_packets(n))
        return;
    if (!dp_ || !dp_peer_added_ || n == 0)
        return;
    // A connected socket only delivers the peer's packets.
    if (!udp_unconnected_) {
        if (dp_->on_link_data(data::kP2pPeerId, std::span<PacketBuf>(rx_.data(), n), now) > 0)
            on_static_authenticated(remote_, local_, now);
        return;
    }
    // Unconnected (listening peer or --float): runs of packets from one
    // source; a source is taken as the peer only once a packet from it
    // authenticated.
    std::size_t i = 0;
    while (i < n) {
        std::size_t j = i + 1;
        while (j < n && rx_from_[j] == rx_from_[i])
            ++j;
        if (dp_->on_link_data(data::kP2pPeerId, std::span<PacketBuf>(rx_.data() + i, j - i), now) > 0)
            on_static_authenticated(rx_from_[i], rx_via_[i], now);
        i = j;
    }
}

void Client::on_static_authenticated(const io::SockAddr& from, const io::LocalEnd& via, TimePoint now)
{
    last_rx_ = now;
    if (udp_unconnected_ && !(from == remote_)) {
        if (static_peer_seen_)
            log_.logf(kV1, "Peer address changed (float): %s -> %s", remote_.to_string().c_str(),
                      from.to_string().c_str());
        remote_ = from;
        local_ = via;
        (void)dp_->update_remote(data::kP2pPeerId, remote_, local_);
    }
    if (static_peer_seen_)
        return;
    static_peer_seen_ = true;
    phase_ = Phase::Up;
    log_.logf(kV1, "Peer Connection Initiated with %s%s", remote_.to_string().c_str(),
              local_.via_string().c_str());
    run_ipchange();
    if (auto s = initialization_completed(); !s) {
        exit_now(kExitError, s.error());
        return;
    }
    log_.logf(kV1, "Data Channel: cipher '%s', auth '%s'", neg_->cipher.c_str(), neg_->auth.c_str());
    log_.logf(kV1, "Timers: ping %d, ping-restart %d", pushed_.ping.value_or(0),
              pushed_.ping_restart.value_or(pushed_.ping_exit.value_or(0)));
}

} // namespace ovpn::client
