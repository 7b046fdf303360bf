#include "openvpn/control/control_channel.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "openvpn/control/data_keys.hpp"
#include "openvpn/control/dynamic_wrap.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/crypto/key_expansion.hpp"
#include "openvpn/wire/push_message.hpp"

namespace ovpn::control {

using wire::Opcode;

namespace {

std::uint32_t secs(TimePoint now)
{
    return static_cast<std::uint32_t>(std::chrono::duration_cast<seconds>(now.time_since_epoch()).count());
}

// ack_size: the ACK block for n acks (ACK_SIZE in 2.6).
constexpr std::size_t ack_size(std::size_t n)
{
    return 1 + (n ? wire::kSessionIdLen : 0) + 4 * n;
}

void append(std::vector<std::uint8_t>& v, Bytes b)
{
    v.insert(v.end(), b.begin(), b.end());
}

} // namespace

const char* to_string(KeyStateName s) noexcept
{
    switch (s) {
    case KeyStateName::Initial:
        return "S_INITIAL";
    case KeyStateName::PreStart:
        return "S_PRE_START";
    case KeyStateName::Start:
        return "S_START";
    case KeyStateName::SentKey:
        return "S_SENT_KEY";
    case KeyStateName::GotKey:
        return "S_GOT_KEY";
    case KeyStateName::Active:
        return "S_ACTIVE";
    case KeyStateName::Error:
        return "S_ERROR";
    }
    return "?";
}

Result<std::unique_ptr<ControlChannel>> ControlChannel::create(ControlConfig cfg, TimePoint now)
{
    if (!cfg.tls)
        return Err(std::string("control channel needs a TLS context"));
    if (!cfg.wrap)
        return Err(std::string("control channel needs a wrapping (none/tls-auth/tls-crypt)"));
    if (cfg.local_session_id && !wire::is_defined(*cfg.local_session_id))
        return Err(std::string("control channel: the given session id is undefined (all zero)"));
    std::unique_ptr<ControlChannel> cc(new ControlChannel(std::move(cfg)));
    if (cc->cfg_.local_session_id)
        cc->local_sid_ = *cc->cfg_.local_session_id;
    while (!wire::is_defined(cc->local_sid_))
        cc->random_bytes(cc->local_sid_);
    cc->primary_ = cc->new_key_state(0, now);
    if (!cc->primary_)
        return Err(std::string("cannot create the TLS session"));
    return cc;
}

void ControlChannel::random_bytes(MutBytes out) const
{
    if (cfg_.random)
        cfg_.random(out);
    else
        RAND_bytes(out.data(), static_cast<int>(out.size()));
}

std::size_t ControlChannel::max_payload(const KeyState& ks) const
{
    std::size_t overhead =
        wire::kControlHeaderLen + ack_size(wire::kMaxPiggybackAcks) + 4 + wrap_for(ks.key_id).overhead();
    return cfg_.max_packet_size > overhead + 64 ? cfg_.max_packet_size - overhead : 64;
}

ControlWrap& ControlChannel::wrap_for(std::uint8_t key_id) const
{
    return key_id > 0 && dyn_wrap_ ? *dyn_wrap_ : *cfg_.wrap;
}

std::unique_ptr<KeyState> ControlChannel::new_key_state(std::uint8_t key_id, TimePoint now)
{
    auto tls = TlsSession::create(cfg_.tls);
    if (!tls)
        return nullptr;
    ReliableConfig rc;
    rc.initial_timeout = cfg_.tls_timeout;
    rc.max_timeout = 2 * cfg_.tls_timeout;
    auto ks = std::make_unique<KeyState>();
    ks->rel = Reliable(rc);
    ks->key_id = key_id;
    ks->tls = std::move(*tls);
    ks->started = now;
    ks->must_negotiate = now + cfg_.hand_window;
    return ks;
}

KeyState* ControlChannel::find_key(std::uint8_t key_id)
{
    if (primary_ && primary_->key_id == key_id)
        return primary_.get();
    if (lame_duck_ && lame_duck_->key_id == key_id)
        return lame_duck_.get();
    return nullptr;
}

const KeyState* ControlChannel::find_key(std::uint8_t key_id) const
{
    return const_cast<ControlChannel*>(this)->find_key(key_id);
}

void ControlChannel::start(TimePoint now)
{
    if (cfg_.is_server || primary_->our_reset_sent)
        return;
    bool v3 = !cfg_.wrap->wkc().empty();
    auto op = v3 ? Opcode::ControlHardResetClientV3 : Opcode::ControlHardResetClientV2;
    primary_->rel.queue(static_cast<std::uint8_t>(op), {});
    primary_->our_reset_sent = true;
    primary_->state = KeyStateName::PreStart;
    (void)now;
}

void ControlChannel::on_packet(Bytes pkt, TimePoint now)
{
    ++stats_.packets_in;
    auto peek = wire::peek_control(pkt);
    if (!peek) {
        ++stats_.drop_parse;
        return;
    }
    std::vector<std::uint8_t> plain(pkt.size());
    auto n = wrap_for(wire::key_id_of(pkt[0])).unwrap(pkt, plain, secs(now));
    if (!n) {
        ++stats_.drop_unwrap;
        return;
    }
    auto p = wire::parse_control(Bytes(plain.data(), *n));
    if (!p) {
        ++stats_.drop_parse;
        return;
    }
    handle_plain(*p, now);
}

// accept_reset: session-id bookkeeping for a hard reset from the peer.
bool ControlChannel::accept_reset(const wire::ControlPacket& p, TimePoint now)
{
    bool from_client = p.opcode != Opcode::ControlHardResetServerV2;
    if (from_client != cfg_.is_server || p.key_id != 0)
        return false; // client->client or server->server
    if (wire::is_defined(remote_sid_))
        return p.session_id == remote_sid_; // a retransmission
    remote_sid_ = p.session_id;
    if (cfg_.is_server && !primary_->our_reset_sent) {
        primary_->rel.queue(static_cast<std::uint8_t>(Opcode::ControlHardResetServerV2), {});
        primary_->our_reset_sent = true;
        primary_->state = KeyStateName::PreStart;
    }
    (void)now;
    return true;
}

void ControlChannel::handle_plain(const wire::ControlPacket& p, TimePoint now)
{
    if (wire::is_hard_reset(p.opcode)) {
        if (!accept_reset(p, now)) {
            ++stats_.drop_session;
            return;
        }
    } else if (!wire::is_defined(remote_sid_) || p.session_id != remote_sid_) {
        ++stats_.drop_session;
        return;
    }
    if (p.num_acks > 0 && p.remote_session_id != local_sid_) {
        ++stats_.drop_session;
        return;
    }
    KeyState* ks = find_key(p.key_id);
    if (ks == nullptr && p.opcode == Opcode::ControlSoftResetV1 && primary_ &&
        p.key_id == wire::next_key_id(primary_->key_id)) {
        if (peer_finished(*primary_)) {
            primary_->rel.forget_sent(); // the peer has it: no retransmissions
            activate(*primary_, now);
        }
        if (primary_->is_active()) {
            start_soft_reset(p.key_id, true, now);
            ks = primary_.get();
        }
    }
    if (ks == nullptr) {
        ++stats_.drop_key_id;
        return;
    }
    ks->rel.on_acks(std::span<const std::uint32_t>(p.acks.data(), p.num_acks), now);
    if (p.message_id) {
        if (ks->rel.on_message(*p.message_id, static_cast<std::uint8_t>(p.opcode), p.payload) ==
            RecvVerdict::OutOfWindow)
            ++stats_.drop_window;
    }
    process_key(*ks, now);
}

// drain_received: the peer's in-order messages: its reset at once, TLS
// records only once TLS may start (our reset ACKed). Until then they stay in
// the bounded receive window (issue 15, finding 2: a peer that never ACKs
// our reset could else have any number of messages ACKed and buffered).
void ControlChannel::drain_received(KeyState& ks)
{
    while (auto next = ks.rel.next_received_opcode()) {
        auto op = static_cast<Opcode>(*next);
        const bool reset = wire::is_hard_reset(op) || op == Opcode::ControlSoftResetV1;
        if (!reset && (ks.state == KeyStateName::Initial || ks.state == KeyStateName::PreStart))
            return;
        auto m = ks.rel.pop_received();
        if (reset) {
            if (!ks.peer_reset_seen) {
                ks.peer_reset_seen = true;
                if (op == Opcode::ControlHardResetServerV2 && !cfg_.wrap->wkc().empty()) {
                    auto en = wire::parse_early_negotiation(m->payload);
                    ks.wkc_pending = en && (en->flags & wire::kEarlyNegFlagResendWkc) != 0;
                }
            }
            continue;
        }
        if (op == Opcode::ControlV1 || op == Opcode::ControlWkcV1)
            ks.tls->put_ciphertext(m->payload);
    }
}

void ControlChannel::write_local_km2(KeyState& ks)
{
    wire::KeyMethod2& km = ks.local_km2;
    bool tls_client = !cfg_.is_server;
    km.random1.resize(wire::kKm2RandomLen);
    km.random2.resize(wire::kKm2RandomLen);
    random_bytes(km.random1.span());
    random_bytes(km.random2.span());
    if (tls_client) {
        km.pre_master.resize(wire::kKm2PreMasterLen);
        random_bytes(km.pre_master.span());
    }
    km.options = cfg_.options_string;
    km.username = cfg_.username;
    km.password = cfg_.password;
    km.peer_info = cfg_.peer_info;
    auto enc = wire::write_key_method2(km, tls_client);
    if (!enc) {
        fail_key(ks, enc.error());
        return;
    }
    km.password.wipe(); // not needed after sending
    if (auto s = ks.tls->write_record(*enc); !s) {
        fail_key(ks, s.error());
        return;
    }
    ks.sent_km2 = true;
    if (ks.state == KeyStateName::Start)
        ks.state = KeyStateName::SentKey;
}

void ControlChannel::handle_record(KeyState& ks, Bytes record)
{
    if (!ks.got_km2) {
        auto km = wire::parse_key_method2(record, cfg_.is_server);
        if (!km) {
            fail_key(ks, "TLS Error: Unknown key_method/flags in key exchange: " + km.error());
            return;
        }
        ks.peer_km2 = std::move(*km);
        ks.got_km2 = true;
        ks.state = KeyStateName::GotKey;
        return;
    }
    std::size_t bad = 0;
    for (auto& text : wire::split_control_record(record, &bad)) {
        ControlEvent e{ControlEvent::Kind::Message, {}, {}, {}, {}, {}};
        e.message.text = std::move(text);
        emit(std::move(e));
    }
    stats_.bad_messages += bad;
}

void ControlChannel::fail_key(KeyState& ks, std::string why)
{
    if (ks.state == KeyStateName::Error)
        return;
    ks.state = KeyStateName::Error;
    ks.error = why;
    ControlEvent e{ControlEvent::Kind::Failed, {}, {}, {}, {}, {}};
    e.failed.key_id = ks.key_id;
    e.failed.reason = std::move(why);
    e.failed.fatal = &ks == primary_.get();
    emit(std::move(e));
}

void ControlChannel::feed_tls_output(KeyState& ks)
{
    while (ks.tls->has_ciphertext()) {
        std::size_t room = max_payload(ks);
        Opcode op = Opcode::ControlV1;
        if (ks.wkc_pending) {
            op = Opcode::ControlWkcV1;
            room = room > cfg_.wrap->wkc().size() + 64 ? room - cfg_.wrap->wkc().size() : 64;
            ks.wkc_pending = false;
        }
        auto chunk = ks.tls->take_ciphertext(room);
        ks.rel.queue(static_cast<std::uint8_t>(op), chunk);
    }
}

void ControlChannel::process_key(KeyState& ks, TimePoint now)
{
    drain_received(ks);
    if (ks.state == KeyStateName::Error || ks.state == KeyStateName::Initial)
        return;
    if (ks.state == KeyStateName::PreStart) {
        // Our reset ACKed and the peer's seen: TLS may start.
        if (!ks.peer_reset_seen || ks.rel.num_in_flight() > 0 || !ks.rel.all_acked())
            return;
        ks.state = KeyStateName::Start;
        drain_received(ks); // the TLS records that waited for this
    }
    if (!cfg_.is_server && !ks.sent_km2)
        write_local_km2(ks); // starts the TLS handshake (ClientHello)
    if (ks.state == KeyStateName::Error)
        return;
    if (auto s = ks.tls->advance(); !s) {
        feed_tls_output(ks); // let the alert go out
        fail_key(ks, "TLS Error: TLS handshake failed: " + s.error());
        return;
    }
    while (ks.state != KeyStateName::Error) {
        auto rec = ks.tls->read_record();
        if (!rec) {
            fail_key(ks, "TLS Error: " + rec.error());
            return;
        }
        if (!rec->has_value())
            break;
        handle_record(ks, **rec);
        if (cfg_.is_server && ks.got_km2 && !ks.sent_km2)
            write_local_km2(ks);
    }
    feed_tls_output(ks);
    if (peer_finished(ks) && ks.rel.all_acked())
        activate(ks, now);
}

// peer_finished: both key-method-2 records went through TLS on this key
// state (the handshake is done on our side); at most our ACKs are missing.
bool ControlChannel::peer_finished(const KeyState& ks) const
{
    return ks.state != KeyStateName::Active && ks.state != KeyStateName::Error && ks.sent_km2 && ks.got_km2;
}

// activate: the key state becomes Active (its data keys may be used).
// Normally once the peer ACKed all we sent; also when the peer's soft reset
// for the next key id arrives first: a peer renegotiates only from an active
// key, so it got our records and only its ACKs were lost. Without this a
// few lost ACKs left that soft reset unanswered while our retransmissions
// backed off, and the rekey stalled for tens of seconds (issue 15).
void ControlChannel::activate(KeyState& ks, TimePoint now)
{
    ks.state = KeyStateName::Active;
    ks.established = now;
    for (const std::string& text : std::exchange(ks.pending_messages, {}))
        if (ks.tls->write_record(wire::encode_control_message(text)))
            feed_tls_output(ks);
    ks.bytes_at_start = data_bytes_;
    ks.packets_at_start = data_packets_;
    ControlEvent e{ControlEvent::Kind::KeyActive, {}, {}, {}, {}, {}};
    e.key_active.key_id = ks.key_id;
    e.key_active.renegotiated = first_key_done_;
    first_key_done_ = true;
    emit(std::move(e));
}

bool ControlChannel::send_message(std::string_view text)
{
    if (!primary_ || !primary_->is_active())
        return false;
    auto rec = wire::encode_control_message(text);
    if (auto s = primary_->tls->write_record(rec); !s)
        return false;
    feed_tls_output(*primary_);
    return true;
}

bool ControlChannel::queue_message(std::string_view text)
{
    if (!primary_)
        return false;
    if (primary_->is_active())
        return send_message(text);
    primary_->pending_messages.emplace_back(text);
    return true;
}

std::optional<std::vector<std::uint8_t>> ControlChannel::build_packet(KeyState& ks, Transmit t, TimePoint now)
{
    wire::ControlPacket p;
    p.opcode = t.message ? static_cast<Opcode>(t.message->opcode) : Opcode::AckV1;
    p.key_id = ks.key_id;
    p.session_id = local_sid_;
    p.num_acks = static_cast<std::uint8_t>(std::min(t.acks.size(), wire::kMaxAcks));
    std::copy_n(t.acks.begin(), p.num_acks, p.acks.begin());
    if (p.num_acks > 0)
        p.remote_session_id = remote_sid_;
    if (t.message) {
        p.message_id = t.message->msg_id;
        p.payload = t.message->payload;
    }
    std::vector<std::uint8_t> plain(wire::control_size(p));
    auto n = wire::write_control(plain, p);
    if (!n)
        return std::nullopt;
    ControlWrap& wrap = wrap_for(ks.key_id);
    Bytes wkc = wire::carries_wkc(p.opcode) ? wrap.wkc() : Bytes{};
    std::vector<std::uint8_t> out(*n + wrap.overhead() + wkc.size() + 64);
    auto w = wrap.wrap(Bytes(plain.data(), *n), out, secs(now));
    if (!w)
        return std::nullopt;
    out.resize(*w);
    append(out, wkc);
    ++stats_.packets_out;
    return out;
}

std::optional<std::vector<std::uint8_t>> ControlChannel::poll_transmit(TimePoint now)
{
    for (KeyState* ks : {primary_.get(), lame_duck_.get()}) {
        if (ks == nullptr)
            continue;
        if (ks->state != KeyStateName::Error)
            feed_tls_output(*ks);
        while (auto t = ks->rel.poll_transmit(now)) {
            if (auto pkt = build_packet(*ks, std::move(*t), now))
                return pkt;
        }
    }
    return std::nullopt;
}

std::optional<ControlEvent> ControlChannel::poll_event()
{
    if (events_.empty())
        return std::nullopt;
    ControlEvent e = std::move(events_.front());
    events_.pop_front();
    return e;
}

TimePoint ControlChannel::next_timeout() const
{
    TimePoint t = TimePoint::max();
    for (const KeyState* ks : {primary_.get(), lame_duck_.get()}) {
        if (ks == nullptr)
            continue;
        t = std::min(t, ks->rel.next_timeout());
        if (ks->tls->has_ciphertext())
            t = TimePoint::min();
        if (ks->state != KeyStateName::Active && ks->state != KeyStateName::Error)
            t = std::min(t, ks->must_negotiate);
        if (ks->expires)
            t = std::min(t, *ks->expires);
    }
    if (primary_ && primary_->is_active() && cfg_.reneg_sec > Duration::zero())
        t = std::min(t, primary_->established + cfg_.reneg_sec);
    return t;
}

void ControlChannel::on_timer(TimePoint now)
{
    for (KeyState* ks : {primary_.get(), lame_duck_.get()}) {
        if (ks != nullptr && ks->state != KeyStateName::Active && ks->state != KeyStateName::Error &&
            now >= ks->must_negotiate) {
            fail_key(*ks, strfmt("TLS Error: TLS key negotiation failed to occur within %lld seconds "
                                 "(check your network connectivity)",
                                 static_cast<long long>(
                                     std::chrono::duration_cast<seconds>(cfg_.hand_window).count())));
        }
    }
    if (lame_duck_ && lame_duck_->expires && now >= *lame_duck_->expires) {
        ControlEvent e{ControlEvent::Kind::LameDuckExpired, {}, {}, {}, {}, {}};
        e.lame_duck.key_id = lame_duck_->key_id;
        lame_duck_.reset();
        emit(std::move(e));
    }
    if (primary_ && primary_->is_active() && cfg_.reneg_sec > Duration::zero() &&
        now >= primary_->established + cfg_.reneg_sec)
        renegotiate(now);
}

void ControlChannel::start_soft_reset(std::uint8_t new_key_id, bool by_peer, TimePoint now)
{
    auto ks = new_key_state(new_key_id, now);
    if (!ks)
        return;
    if (lame_duck_) {
        ControlEvent e{ControlEvent::Kind::LameDuckExpired, {}, {}, {}, {}, {}};
        e.lame_duck.key_id = lame_duck_->key_id;
        emit(std::move(e));
    }
    lame_duck_ = std::move(primary_);
    lame_duck_->expires = now + cfg_.tran_window;
    primary_ = std::move(ks);
    primary_->rel.queue(static_cast<std::uint8_t>(Opcode::ControlSoftResetV1), {});
    primary_->our_reset_sent = true;
    primary_->state = KeyStateName::PreStart;
    ControlEvent e{ControlEvent::Kind::RenegotiationStarted, {}, {}, {}, {}, {}};
    e.reneg.key_id = new_key_id;
    e.reneg.by_peer = by_peer;
    emit(std::move(e));
}

bool ControlChannel::renegotiate(TimePoint now)
{
    if (!primary_ || !primary_->is_active())
        return false;
    start_soft_reset(wire::next_key_id(primary_->key_id), false, now);
    return true;
}

void ControlChannel::note_data_traffic(std::uint64_t bytes, std::uint64_t packets, bool send_pid_exhausted,
                                       TimePoint now)
{
    data_bytes_ = bytes;
    data_packets_ = packets;
    if (!primary_ || !primary_->is_active())
        return;
    bool by_bytes = cfg_.reneg_bytes > 0 &&
                    bytes - primary_->bytes_at_start >= static_cast<std::uint64_t>(cfg_.reneg_bytes);
    bool by_pkts = cfg_.reneg_packets > 0 &&
                   packets - primary_->packets_at_start >= static_cast<std::uint64_t>(cfg_.reneg_packets);
    if (by_bytes || by_pkts || send_pid_exhausted)
        renegotiate(now);
}

Result<data::DataKeys> ControlChannel::derive_keys(std::uint8_t key_id, std::string_view cipher,
                                                   std::string_view auth, bool use_ekm) const
{
    const KeyState* ks = find_key(key_id);
    if (ks == nullptr || !ks->is_active() || !ks->peer_km2)
        return Err(std::string("no active key state for this key id"));
    SecureBytes block;
    if (use_ekm) {
        auto k = ks->tls->export_keying_material(kEkmDataKeysLabel, kKeyBlockLen);
        if (!k)
            return Err(k.error());
        block = std::move(*k);
    } else {
        bool we_client = !cfg_.is_server;
        const wire::KeyMethod2& c = we_client ? ks->local_km2 : *ks->peer_km2;
        const wire::KeyMethod2& s = we_client ? *ks->peer_km2 : ks->local_km2;
        const wire::SessionId& csid = we_client ? local_sid_ : remote_sid_;
        const wire::SessionId& ssid = we_client ? remote_sid_ : local_sid_;
        std::vector<std::uint8_t> seed;
        append(seed, as_bytes("OpenVPN master secret"));
        append(seed, c.random1);
        append(seed, s.random1);
        auto master = crypto::tls1_prf(c.pre_master, seed, 48);
        if (!master)
            return Err(master.error());
        seed.clear();
        append(seed, as_bytes("OpenVPN key expansion"));
        append(seed, c.random2);
        append(seed, s.random2);
        append(seed, csid);
        append(seed, ssid);
        auto k = crypto::tls1_prf(*master, seed, kKeyBlockLen);
        if (!k)
            return Err(k.error());
        block = std::move(*k);
    }
    return make_data_keys(block, key_id, cipher, auth, !cfg_.is_server);
}

Result<SecureBytes> ControlChannel::export_keying_material(std::string_view label, std::size_t len) const
{
    if (!primary_ || !primary_->tls->established())
        return Err(std::string("TLS session not established"));
    return primary_->tls->export_keying_material(label, len);
}

Status<> ControlChannel::enable_dynamic_tls_crypt(std::uint32_t wall_secs)
{
    if (dyn_wrap_ || !primary_ || primary_->key_id != 0 || !primary_->tls->established())
        return Ok{};
    auto w = make_dynamic_wrap(*primary_->tls, cfg_.wrap->original_key(), cfg_.is_server, wall_secs);
    if (!w)
        return Err(w.error());
    dyn_wrap_ = std::move(*w);
    return Ok{};
}

const wire::KeyMethod2* ControlChannel::peer_km2(std::uint8_t key_id) const
{
    const KeyState* ks = find_key(key_id);
    return ks != nullptr && ks->peer_km2 ? &*ks->peer_km2 : nullptr;
}

const TlsSession* ControlChannel::tls_session(std::uint8_t key_id) const
{
    const KeyState* ks = find_key(key_id);
    return ks != nullptr ? ks->tls.get() : nullptr;
}

std::optional<std::uint8_t> ControlChannel::primary_key_id() const
{
    if (!primary_)
        return std::nullopt;
    return primary_->key_id;
}

bool ControlChannel::primary_active() const
{
    return primary_ && primary_->is_active();
}

void ControlChannel::update_credentials(std::string username, SecureBytes password)
{
    cfg_.username = std::move(username);
    cfg_.password = std::move(password);
}

} // namespace ovpn::control
