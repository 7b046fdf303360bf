// server/push_reply.cpp: the messages of an admitted client: PUSH_REQUEST
// answered with the PUSH_REPLY (push.hpp builds it), EXIT, CR_RESPONSE
// (auth_deferred.cpp).
#include "openvpn/server/instance.hpp"

#include "openvpn/server/push.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/wire/push_message.hpp"

namespace ovpn::server {

void Server::send_push_reply(Instance& in)
{
    PushInput pi;
    pi.configured = apply_push(o_.push, in.ccfg);
    pi.ifconfig = in.push_ifconfig;
    pi.ifconfig_ipv6 = in.push_ifconfig_ipv6;
    if (in.ncp->data_v2)
        pi.peer_id = in.id;
    pi.ncp = *in.ncp;
    pi.auth_token = token_push_option(in);
    auto msgs = build_push_messages(pi);
    if (!msgs) {
        log_.logf(kV1, "%s ERROR: building the PUSH_REPLY failed: %s", in.prefix().c_str(),
                  msgs.error().c_str());
        return;
    }
    for (const auto& m : *msgs) {
        (void)in.cc->send_message(m);
        log_.logf(Verb::Info, "%s SENT CONTROL [%s]: '%s' (status=1)", in.prefix().c_str(), in.cn.c_str(),
                  session::redact_control_message(m).c_str());
    }
    in.last_push = loop_.now();
    flush(in);
}

void Server::handle_message(Instance& in, const std::string& text)
{
    auto m = wire::classify_control_message(text);
    switch (m.kind) {
    case wire::ControlMessageKind::PushRequest:
        log_.logf(Verb::Info, "%s PUSH: Received control message: '%s'", in.prefix().c_str(), text.c_str());
        if (in.auth_failed) {
            (void)in.cc->send_message("AUTH_FAILED");
            flush(in);
            return;
        }
        if (!in.up)
            return;
        if (in.last_push && loop_.now() - *in.last_push < kPushRepeatIgnore)
            return;
        send_push_reply(in);
        break;
    case wire::ControlMessageKind::CrResponse: // also while the key's authentication is pending
        on_cr_response(in, m.arg);
        break;
    case wire::ControlMessageKind::Exit:
        close_instance(in, "SIGTERM[soft,remote-exit] received, client-instance exiting");
        break;
    default:
        log_.logf(Verb::Info, "%s WARNING: Received unknown control message: %s", in.prefix().c_str(),
                  text.c_str());
        break;
    }
}

} // namespace ovpn::server
