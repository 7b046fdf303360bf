// session/control_events.cpp: see control_events.hpp.
#include "openvpn/session/control_events.hpp"

namespace ovpn::session {

namespace {

constexpr Verb kV1 = Verb::Error; // 2.6's M_INFO lines

// same: the session still runs on `c`.
bool same(const std::unique_ptr<control::ControlChannel>& cc, const control::ControlChannel* c,
          const ControlHandler& h)
{
    return cc.get() == c && c != nullptr && h.alive();
}

void on_failed(const control::FailedEvent& f, ControlHandler& h, Logger& log)
{
    const std::string prefix = h.log_prefix();
    log.logf(kV1, "%s%s", prefix.c_str(), f.reason.c_str());
    if (!f.fatal)
        return;
    log.logf(kV1, "%sTLS Error: TLS handshake failed", prefix.c_str());
    h.on_tls_failed();
}

} // namespace

bool feed_control_packet(control::ControlChannel& cc, Bytes pkt, TimePoint now)
{
    auto drops = [&cc] {
        const auto& st = cc.stats();
        return st.drop_unwrap + st.drop_parse + st.drop_session + st.drop_key_id;
    };
    const auto before = drops();
    cc.on_packet(pkt, now);
    return drops() == before;
}

void dispatch_control_events(const std::unique_ptr<control::ControlChannel>& cc, ControlHandler& h,
                             Logger& log)
{
    control::ControlChannel* const c = cc.get();
    while (same(cc, c, h)) {
        auto e = c->poll_event();
        if (!e)
            break;
        switch (e->kind) {
        case control::ControlEvent::Kind::KeyActive:
            h.on_key_active(e->key_active.key_id, e->key_active.renegotiated);
            break;
        case control::ControlEvent::Kind::Message:
            h.on_message(e->message.text);
            break;
        case control::ControlEvent::Kind::Failed:
            on_failed(e->failed, h, log);
            break;
        case control::ControlEvent::Kind::LameDuckExpired:
            h.on_lame_duck_expired(e->lame_duck.key_id);
            break;
        case control::ControlEvent::Kind::RenegotiationStarted:
            log.logf(Verb::Info, "%sTLS: soft reset, new key id %d (%s)", h.log_prefix().c_str(),
                     e->reneg.key_id, e->reneg.by_peer ? "by peer" : "local trigger");
            break;
        }
    }
}

void flush_control(const std::unique_ptr<control::ControlChannel>& cc, ControlHandler& h, TimePoint now)
{
    control::ControlChannel* const c = cc.get();
    while (same(cc, c, h)) {
        auto pkt = c->poll_transmit(now);
        if (!pkt)
            break;
        h.send_control(*pkt);
    }
}

void control_tick(const std::unique_ptr<control::ControlChannel>& cc, ControlHandler& h, Logger& log,
                  TimePoint now)
{
    if (!same(cc, cc.get(), h))
        return;
    cc->on_timer(now);
    dispatch_control_events(cc, h, log);
}

} // namespace ovpn::session
