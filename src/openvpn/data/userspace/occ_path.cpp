// data/userspace/occ_path.cpp: the OCC messages the userspace data plane
// acts on after decryption (protocol-facts §6.6): OCC_EXIT, and the
// --mtu-test exchange of 2.6's occ.c (data/mtu_test.hpp). Every peer
// answers OCC_MTU_REQUEST with its sizes and OCC_MTU_LOAD_REQUEST with one
// load, test or no test, as 2.6 does; an OCC_MTU_REPLY goes to the sink.
#include <chrono>

#include "openvpn/data/mtu_test.hpp"
#include "openvpn/data/userspace/peer.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "openvpn/wire/ping_occ.hpp"

namespace ovpn::data {

namespace {

std::uint16_t read_u16(Bytes b, std::size_t at)
{
    if (b.size() < at + 2)
        return 0;
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

// filler_seed: a different filler for each load (it is never checked).
std::uint32_t filler_seed(TimePoint now)
{
    return static_cast<std::uint32_t>(now.time_since_epoch().count());
}

} // namespace

// load_overhead: what 2.6 takes off a requested load size for this peer's
// framing: opcode (and peer-id), packet id, tag or IV and HMAC (of the
// configured key type when given, else of the key), the v1 compression
// byte and the fragment header.
std::size_t UserspaceDataPlane::load_overhead(const Peer& p) const noexcept
{
    using wire::CompressMode;
    const CompressMode c = p.spec.compression;
    const bool comp_v1 = c == CompressMode::Lz4 || c == CompressMode::Stub || c == CompressMode::Lzo ||
                         c == CompressMode::LzoNo;
    const std::size_t header = cfg_.static_key ? 0 : p.spec.tx_peer_id ? 4 : 1;
    const std::size_t key = p.primary ? p.primary->frame_overhead() : header;
    const std::size_t crypto = cfg_.mtu_load_crypto ? *cfg_.mtu_load_crypto : key - header;
    return header + crypto + (comp_v1 ? 1 : 0) + (p.spec.fragment ? 4 : 0);
}

void UserspaceDataPlane::on_occ(Peer& p, const wire::OccMessage& m, TimePoint now)
{
    switch (m.type) {
    case wire::OccType::Exit:
        post_event(PeerEvent{p.spec.id, PeerEventKind::RemoteExit, DelReason::Teardown});
        return;
    case wire::OccType::MtuRequest: {
        std::uint8_t buf[wire::kOccMagic.size() + 5];
        auto n = wire::write_occ_mtu_reply(MutBytes(buf, sizeof buf), p.mtu.max_recv, p.mtu.max_send);
        if (n)
            (void)send_payload(p, std::span<const std::uint8_t>(buf, *n), now);
        return;
    }
    case wire::OccType::MtuLoadRequest:
        if (m.body.size() >= 2)
            (void)send_mtu_probe(p.spec.id, wire::OccType::MtuLoad, read_u16(m.body, 0), now);
        return;
    case wire::OccType::MtuReply: {
        PeerEvent ev{p.spec.id, PeerEventKind::MtuReply, DelReason::Teardown};
        ev.mtu.local = p.mtu;
        ev.mtu.remote_recv = read_u16(m.body, 0);
        ev.mtu.remote_send = read_u16(m.body, 2);
        post_event(ev);
        return;
    }
    default:
        return; // OCC_REQUEST/REPLY: the options check; OCC_MTU_LOAD: counted as received
    }
}

Status<> UserspaceDataPlane::send_mtu_probe(PeerId id, wire::OccType type, std::uint16_t load_size,
                                            TimePoint now)
{
    Peer* p = find_live(id);
    if (!p)
        return Err{std::string("no such peer")};
    std::vector<std::uint8_t> payload;
    switch (type) {
    case wire::OccType::MtuLoadRequest:
        payload = mtu_load_request_payload(load_size);
        break;
    case wire::OccType::MtuLoad:
        payload = mtu_load_payload(mtu_load_length(load_size, load_overhead(*p)), filler_seed(now));
        break;
    case wire::OccType::MtuRequest:
        payload = mtu_request_payload();
        break;
    default:
        return Err{std::string("not an MTU test message")};
    }
    if (!send_payload(*p, payload, now))
        return Err{std::string("no key or link for the MTU test")};
    return Ok{};
}

} // namespace ovpn::data
