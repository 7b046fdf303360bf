// Fuzz: control record splitting and every text-message parser.
#include <cstddef>
#include <cstdint>

#include "openvpn/wire/push_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ovpn::wire;
    for (const auto& m : split_control_record(ovpn::Bytes(data, size))) {
        auto c = classify_control_message(m);
        switch (c.kind) {
        case ControlMessageKind::PushReply:
            if (auto pr = parse_push_reply(m))
                (void)build_push_reply(pr->options);
            break;
        case ControlMessageKind::AuthFailed:
            (void)parse_auth_failed(c.arg);
            break;
        case ControlMessageKind::AuthPending:
            (void)parse_auth_pending_timeout(c.arg);
            break;
        case ControlMessageKind::Restart:
        case ControlMessageKind::Halt:
            (void)parse_restart_arg(c.arg);
            break;
        default:
            break;
        }
    }
    return 0;
}
