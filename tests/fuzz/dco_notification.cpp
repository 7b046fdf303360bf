// Fuzz target: everything userspace parses from the ovpn-dco-v2 module. The
// input is one netlink datagram as read from the notification or command
// socket; it goes through the notification path and through the reply and
// NLMSG_ERROR parsers. None may crash or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "dco/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ovpn::dco;
    ovpn::Bytes in(data, size);
    (void)parse_notifications(in, 0x1e, 0);
    auto msgs = split_messages(in);
    if (!msgs)
        return 0;
    for (const auto& m : *msgs) {
        (void)parse_nlmsgerr(m);
        auto g = parse_genl(m);
        if (!g)
            continue;
        (void)parse_del_peer_notification(g->attrs);
        auto p = parse_get_peer_reply(g->attrs);
        if (p && p->remote)
            (void)sockaddr_to_string(*p->remote);
    }
    return 0;
}
