// data/userspace/packet_path.cpp: the userspace packet path.
//
// Send:    tun batch -> mssfix -> compression framing -> (fragment) ->
//          encrypt (crypto/DataChannel prepends header, packet id,
//          tag/HMAC/IV in the headroom) -> one LinkSocket::send per batch.
// Receive: key select by key id -> decrypt + replay -> (defragment) ->
//          unframe -> ping/OCC filter -> mssfix -> one TunDevice::write.
// Routing between peers (P2MP server): by vpn address and iroute, longest
// prefix, with the source check and client-to-client of 2.6's multi.c.
#include <algorithm>
#include <cstring>

#include "openvpn/data/ethernet.hpp"
#include "openvpn/data/ip_rewrite.hpp"
#include "openvpn/data/mssfix.hpp"
#include "openvpn/data/userspace/peer.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "openvpn/wire/opcode.hpp"
#include "openvpn/wire/ping_occ.hpp"

namespace ovpn::data {

namespace {

constexpr std::size_t kMaxBatchesPerWakeup = 8;

Drop map_drop(wire::Drop d) noexcept
{
    switch (d) {
    case wire::Drop::TooShort:
        return Drop::TooShort;
    case wire::Drop::BadOpcode:
        return Drop::BadOpcode;
    case wire::Drop::BadKeyId:
        return Drop::UnknownKeyId;
    case wire::Drop::BadHmac:
    case wire::Drop::BadTag:
    case wire::Drop::BadPadding:
    case wire::Drop::Crypto:
        return Drop::AuthFailed;
    case wire::Drop::Replay:
    case wire::Drop::PacketIdZero:
        return Drop::Replay;
    case wire::Drop::PacketIdRollover:
        return Drop::PacketIdWrap;
    case wire::Drop::BadCompression:
    case wire::Drop::DecompressFailed:
        return Drop::BadCompression;
    default:
        return Drop::TooBig;
    }
}

bool is_data_opcode(std::uint8_t byte0) noexcept
{
    auto op = wire::opcode_of(byte0);
    return op && wire::is_data(*op);
}

bool is_multicast(const PacketBuf& pkt) noexcept
{
    const std::uint8_t ver = pkt.size() ? pkt.data()[0] >> 4 : 0;
    return (ver == 4 && pkt.size() >= 20 && (pkt.data()[16] & 0xf0) == 0xe0) ||
           (ver == 6 && pkt.size() >= 40 && pkt.data()[24] == 0xff);
}

} // namespace

// ---- routing (multi_peer) ----

UserspaceDataPlane::Peer* UserspaceDataPlane::route_tun_packet(const PacketBuf& pkt, std::uint16_t vid)
{
    if (peers_.size() == 1 && !cfg_.multi_peer)
        return peers_.begin()->second.get();
    return peer_by_vpn_dest(pkt, vid);
}

// group_dest: a packet for every peer: IPv4/IPv6 multicast on tun, a
// broadcast/multicast destination MAC on tap (2.6 treats both as broadcast).
bool UserspaceDataPlane::group_dest(const PacketBuf& pkt) const noexcept
{
    if (!cfg_.tap)
        return is_multicast(pkt);
    auto f = parse_ethernet(pkt.span());
    return f && f->dst.group();
}

// peer_by_mac: the peer that owns the frame's destination MAC on VLAN
// `vid` (tap; 0 without --vlan-tagging, whatever tag the frame has, as 2.6).
UserspaceDataPlane::Peer* UserspaceDataPlane::peer_by_mac(const PacketBuf& frame, std::uint16_t vid)
{
    auto f = parse_ethernet(frame.span());
    if (!f)
        return nullptr;
    auto id = macs_.lookup(f->dst, vid);
    return id ? find_live(*id) : nullptr;
}

// rewrite_ip: --mssfix and --client-nat on the IP packet, which on tap is
// inside the frame (2.6 looks at IPv4/IPv6 behind the Ethernet and 802.1Q
// headers and leaves other frames alone).
void UserspaceDataPlane::rewrite_ip(const Peer& p, PacketBuf& b, NatDirection dir) const noexcept
{
    if (!p.spec.mssfix && cfg_.client_nat.empty())
        return;
    std::span<std::uint8_t> ip = b.span();
    if (cfg_.tap) {
        auto off = ip_offset(b.span());
        if (!off)
            return;
        ip = ip.subspan(*off);
    }
    if (p.spec.mssfix)
        clamp_mss(ip, p.spec.mssfix);
    if (!cfg_.client_nat.empty())
        (void)client_nat(cfg_.client_nat, ip, dir);
}

// peer_by_addr: the peer owning address `a`: its own vpn address, else the
// longest iroute (RouteTable), as 2.6's multi_get_instance_by_virtual_addr
// with CIDR routing.
UserspaceDataPlane::Peer* UserspaceDataPlane::peer_by_addr(int family, const std::uint8_t* a)
{
    const auto id = routes_.lookup(family, a);
    return id ? find(*id) : nullptr;
}

// learn_mac: the frame's source MAC is p's from now on, unless the table is
// full for p or the learner (--learn-address) refuses it.
bool UserspaceDataPlane::learn_mac(Peer& p, const MacAddr& mac)
{
    const std::uint16_t vid = vid_of(p);
    const MacTable::Learn st = macs_.probe(mac, vid, p.spec.id);
    if (st == MacTable::Learn::Refused)
        return false;
    if (st != MacTable::Learn::Known && learner_ &&
        !learner_(p.spec.id, mac.b, vid, st == MacTable::Learn::Moved))
        return false;
    return macs_.learn(mac, vid, p.spec.id) != MacTable::Learn::Refused;
}

// source_ok: multi_peer's check that a decrypted packet's source belongs to
// the peer it came from; non-IP packets fail too (2.6 drops what it cannot
// parse).
bool UserspaceDataPlane::source_ok(Peer& p, const PacketBuf& pkt)
{
    if (cfg_.tap) { // learn where the source MAC lives (multi_learn_addr)
        auto f = parse_ethernet(pkt.span());
        return f && learn_mac(p, f->src);
    }
    if (pkt.size() < 1)
        return false;
    const std::uint8_t ver = pkt.data()[0] >> 4;
    if (ver == 4 && pkt.size() >= 20)
        return peer_by_addr(AF_INET, pkt.data() + 12) == &p;
    if (ver == 6 && pkt.size() >= 40)
        return peer_by_addr(AF_INET6, pkt.data() + 8) == &p;
    return false;
}

UserspaceDataPlane::Peer* UserspaceDataPlane::peer_by_vpn_dest(const PacketBuf& pkt, std::uint16_t vid)
{
    if (cfg_.tap)
        return peer_by_mac(pkt, vid);
    if (pkt.size() < 1)
        return nullptr;
    // Without iroutes (only a multi_peer server sets them) this is the
    // plain match on each peer's vpn address.
    const std::uint8_t ver = pkt.data()[0] >> 4;
    if (ver == 4 && pkt.size() >= 20)
        return peer_by_addr(AF_INET, pkt.data() + 16);
    if (ver == 6 && pkt.size() >= 40)
        return peer_by_addr(AF_INET6, pkt.data() + 24);
    return nullptr;
}

// broadcast: a copy of `pkt` to every peer that can send, but `except`
// (2.6 treats multicast as broadcast); with vid (--vlan-tagging), only to
// the peers of that VLAN.
void UserspaceDataPlane::broadcast(const PacketBuf& pkt, const Peer* except, std::uint16_t vid, TimePoint now)
{
    auto wants = [&](const Peer& q) { return &q != except && (vid == 0 || vid_of(q) == vid); };
    std::size_t queued = 0; // 2.6 queues one copy per client (its mbuf)
    for (auto& [id, q] : peers_)
        queued += wants(*q) && !q->gone ? 1 : 0;
    max_bcast_ = std::max(max_bcast_, queued);
    for (auto& [id, q] : peers_) {
        if (!wants(*q) || !q->can_send())
            continue;
        PacketBuf& copy = ctl_buf_[0];
        copy.reset();
        if (!copy.append(pkt.span())) {
            drops_.add(Drop::TooBig);
            continue;
        }
        if (except != nullptr)
            ++c2c_packets_;
        encrypt_and_send(*q, std::span<PacketBuf>(ctl_buf_), now);
    }
}

// forward_c2c: `one` (a single decrypted packet of `from`) goes to the peer
// owning its destination address when that is another peer. Returns false
// when the packet is not for another peer (the caller writes it to tun).
bool UserspaceDataPlane::forward_c2c(Peer& from, std::span<PacketBuf> one, TimePoint now)
{
    const PacketBuf& pkt = one[0];
    if (group_dest(pkt)) {
        broadcast(pkt, &from, vid_of(from), now); // and it still goes to tun
        return false;
    }
    Peer* to = peer_by_vpn_dest(pkt, vid_of(from));
    if (!to || to == &from)
        return false;
    if (!to->can_send()) {
        drops_.add(!to->primary ? Drop::NoKey : to->gone ? Drop::UnknownPeer : Drop::NoLink);
        return true;
    }
    ++c2c_packets_;
    encrypt_and_send(*to, one, now);
    return true;
}

// ---- send ----

std::size_t UserspaceDataPlane::frag_payload(Peer& p) const noexcept
{
    const std::size_t ovh = p.primary->overhead(p.spec.fragment) + kFragHeaderSize;
    return p.spec.fragment > ovh + 64 ? p.spec.fragment - ovh : 64;
}

// frame_one: mssfix and compression framing of one plaintext packet; with
// --fragment a big one is split and sent here. true: `b` is ready to seal.
bool UserspaceDataPlane::frame_one(Peer& p, PacketBuf& b, TimePoint now)
{
    const std::size_t plain_len = b.size();
    rewrite_ip(p, b, NatDirection::ToPeer);
    auto cf = wire::compress_frame(b, p.spec.compression, cfg_.allow_compression, scratch_);
    if (!cf) {
        drops_.add(map_drop(cf.error()));
        return false;
    }
    p.st.plain_tx_bytes += plain_len;
    ++p.st.plain_tx_packets;
    if (!p.spec.fragment)
        return true;
    if (!p.frag)
        p.frag.emplace(frag_payload(p));
    if (p.frag->needs_split(b)) {
        const std::size_t n = p.frag->split(b, frag_bufs_);
        if (n == 0)
            drops_.add(Drop::TooBig);
        else
            seal_and_send(p, std::span<PacketBuf>(frag_bufs_).first(n), now);
        return false;
    }
    if (!p.frag->mark_whole(b)) {
        drops_.add(Drop::TooBig);
        return false;
    }
    return true;
}

// pass_tos: --passtos for one packet about to be sent to p: an IPv4
// packet's TOS goes on the socket (only when it changes).
void UserspaceDataPlane::pass_tos(Peer& p, const PacketBuf& pkt)
{
    const auto tos = ipv4_tos(inner_ip(pkt.span()));
    if (!tos || !p.spec.link || (tos_link_ == p.spec.link && tos_ == *tos))
        return;
    p.spec.link->set_tos(*tos);
    tos_link_ = p.spec.link;
    tos_ = *tos;
}

void UserspaceDataPlane::encrypt_and_send(Peer& p, std::span<PacketBuf> pkts, TimePoint now)
{
    if (cfg_.passtos && pkts.size() > 1) {
        for (std::size_t i = 0; i < pkts.size(); ++i)
            encrypt_and_send(p, pkts.subspan(i, 1), now);
        return;
    }
    if (cfg_.passtos && !pkts.empty())
        pass_tos(p, pkts[0]);
    std::size_t good = 0;
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        if (!frame_one(p, pkts[i], now))
            continue;
        if (good != i)
            std::swap(pkts[good], pkts[i]);
        ++good;
    }
    seal_and_send(p, pkts.first(good), now);
}

void UserspaceDataPlane::seal_and_send(Peer& p, std::span<PacketBuf> pkts, TimePoint now)
{
    std::size_t good = 0;
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        auto enc = p.primary->encrypt(pkts[i], secs(now));
        if (!enc) {
            drops_.add(map_drop(enc.error()));
            continue;
        }
        if (good != i)
            std::swap(pkts[good], pkts[i]);
        ++good;
    }
    if (!p.exhaust_reported && p.primary->needs_renegotiation()) {
        p.exhaust_reported = true;
        post_event(PeerEvent{p.spec.id, PeerEventKind::KeyExhausted, DelReason::Teardown});
    }
    if (good == 0)
        return;
    auto sent = p.spec.link->send_from(pkts.first(good), p.to(), p.spec.local);
    if (!sent) {
        for (std::size_t i = 0; i < good; ++i)
            drops_.add(Drop::LinkSendFailed);
        return;
    }
    for (std::size_t i = 0; i < *sent; ++i) {
        p.mtu.sent(pkts[i].size());
        p.st.link_tx_bytes += pkts[i].size();
        ++p.st.link_tx_packets;
    }
    if (cfg_.shaper > 0)
        shaper_wrote(p, pkts.first(*sent), now);
    for (std::size_t i = *sent; i < good; ++i)
        drops_.add(Drop::LinkWouldBlock);
    if (*sent)
        p.last_tx = now;
}

// refuse_ipv6: --block-ipv6: each IPv6 packet of the batch is answered into
// tun and dropped (2.6's process_incoming_tun, client and server alike).
// Returns how many packets are left, at the front.
std::size_t UserspaceDataPlane::refuse_ipv6(std::span<PacketBuf> pkts)
{
    std::size_t left = 0;
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        const auto ip = inner_ip(pkts[i].span());
        if (!is_ipv6_packet(ip)) {
            if (left != i)
                std::swap(pkts[left], pkts[i]);
            ++left;
            continue;
        }
        drops_.add(Drop::Ipv6Blocked);
        if (icmp6_unreachable(ip, *cfg_.block_ipv6, reply_buf_[0]) && frame_reply(pkts[i], reply_buf_[0]))
            (void)tun_->write(std::span<PacketBuf>(reply_buf_));
    }
    return left;
}

// inner_ip: the IP packet of what tun gave: all of it on tun; on tap the
// part behind the Ethernet (and 802.1Q) header, empty for ARP and the like,
// as 2.6's is_ipv4/is_ipv6 look for --passtos and --block-ipv6.
std::span<const std::uint8_t> UserspaceDataPlane::inner_ip(std::span<const std::uint8_t> pkt) const noexcept
{
    if (!cfg_.tap)
        return pkt;
    const auto off = ip_offset(pkt);
    return off ? pkt.subspan(*off) : std::span<const std::uint8_t>{};
}

// frame_reply: on tap, the answer to `asked` goes back as a frame from the
// MAC it was sent to, to the MAC that sent it (untagged); on tun as it is.
bool UserspaceDataPlane::frame_reply(const PacketBuf& asked, PacketBuf& reply) const noexcept
{
    if (!cfg_.tap)
        return true;
    const auto f = parse_ethernet(asked.span());
    auto h = reply.prepend(kEthHeaderLen);
    if (!f || h.size() != kEthHeaderLen)
        return false;
    std::copy(f->src.b.begin(), f->src.b.end(), h.begin());
    std::copy(f->dst.b.begin(), f->dst.b.end(), h.begin() + 6);
    h[12] = kEthTypeIpv6 >> 8;
    h[13] = kEthTypeIpv6 & 0xff;
    return true;
}

// send_tun_batch: one batch read from tun, to the one peer (client, p2p) or
// routed packet by packet (server; batches per peer come with workers).
void UserspaceDataPlane::send_tun_batch(std::span<PacketBuf> pkts, TimePoint now)
{
    if (cfg_.block_ipv6)
        pkts = pkts.first(refuse_ipv6(pkts));
    if (pkts.empty())
        return;
    if (peers_.size() == 1 && !cfg_.multi_peer) {
        Peer& p = *peers_.begin()->second;
        if (!p.can_send()) {
            const Drop why = p.gone ? Drop::UnknownPeer : !p.spec.link ? Drop::NoLink : Drop::NoKey;
            for (std::size_t i = 0; i < pkts.size(); ++i)
                drops_.add(why);
            return;
        }
        encrypt_and_send(p, pkts, now);
        return;
    }
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        std::uint16_t vid = 0;
        if (cfg_.vlan.enabled && !vlan_in(pkts[i], vid))
            continue;
        if (cfg_.multi_peer && group_dest(pkts[i])) {
            broadcast(pkts[i], nullptr, vid, now); // 2.6: multicast from tun goes to all clients
            continue;
        }
        Peer* p = route_tun_packet(pkts[i], vid);
        if (!p || !p->can_send()) {
            drops_.add(!p || p->gone ? Drop::UnknownPeer : !p->primary ? Drop::NoKey : Drop::NoLink);
            continue;
        }
        encrypt_and_send(*p, pkts.subspan(i, 1), now);
    }
}

std::size_t UserspaceDataPlane::on_tun_readable(TimePoint now)
{
    if (!tun_)
        return 0;
    stamp_routes(now);
    std::size_t total = 0;
    // --shaper: one packet per read, and none while the shaper holds
    const std::size_t want = cfg_.shaper > 0 ? 1 : tx_batch_.size();
    for (std::size_t round = 0; round < kMaxBatchesPerWakeup; ++round) {
        if (cfg_.shaper > 0 && shaper_holds(now))
            break;
        auto r = tun_->read(std::span<PacketBuf>(tx_batch_).first(want));
        if (!r || *r == 0)
            break;
        send_tun_batch(std::span<PacketBuf>(tx_batch_).first(*r), now);
        total += *r;
        if (*r < want)
            break;
    }
    return total;
}

bool UserspaceDataPlane::send_payload(Peer& p, std::span<const std::uint8_t> payload, TimePoint now)
{
    if (!p.can_send())
        return false;
    PacketBuf& b = ctl_buf_[0];
    b.reset();
    b.append(payload);
    encrypt_and_send(p, std::span<PacketBuf>(ctl_buf_), now);
    // a ping is not tunnel traffic: undo the plaintext counters it bumped
    p.st.plain_tx_bytes -= std::min<std::uint64_t>(p.st.plain_tx_bytes, payload.size());
    p.st.plain_tx_packets -= std::min<std::uint64_t>(p.st.plain_tx_packets, 1);
    return true;
}

// ---- receive ----

// decrypt_one: key selection, decryption and the replay check. true: `b`
// authenticated and holds the (still framed) plaintext.
bool UserspaceDataPlane::decrypt_one(Peer& p, PacketBuf& b, TimePoint now)
{
    if (b.empty()) {
        drops_.add(Drop::TooShort);
        return false;
    }
    if (!cfg_.static_key && !is_data_opcode(b.data()[0])) {
        drops_.add(Drop::BadOpcode);
        return false;
    }
    crypto::DataChannel* key = p.key_for(b.data()[0] & wire::kKeyIdMask, cfg_.static_key);
    if (!key) {
        drops_.add(p.primary || p.secondary ? Drop::UnknownKeyId : Drop::NoKey);
        return false;
    }
    const std::size_t wire_len = b.size();
    auto dec = key->decrypt(b, secs(now));
    if (!dec) {
        drops_.add(map_drop(dec.error()));
        return false;
    }
    p.st.link_rx_bytes += wire_len;
    ++p.st.link_rx_packets;
    if (!b.empty())
        p.mtu.received(wire_len);
    p.last_rx = now;
    return true;
}

// unwrap_one: after decrypt_one: defragment, unframe, filter pings and OCC.
// true: `b` is an IP packet for tun.
bool UserspaceDataPlane::unwrap_one(Peer& p, PacketBuf& b, TimePoint now)
{
    if (p.spec.fragment) {
        auto v = p.defrag.on_payload(b, now);
        if (v == Defragmenter::Verdict::Bad)
            drops_.add(Drop::BadFragment);
        if (v != Defragmenter::Verdict::Complete)
            return false;
    }
    auto uf = wire::decompress_frame(b, p.spec.compression, scratch_);
    if (!uf) {
        drops_.add(map_drop(uf.error()));
        return false;
    }
    if (wire::is_ping(b.span()))
        return false; // keepalive: counted as life above, never to tun
    if (auto occ = wire::parse_occ(b.span())) {
        if (occ->ok())
            on_occ(p, occ->value(), now);
        return false;
    }
    if (b.empty())
        return false;
    rewrite_ip(p, b, NatDirection::FromPeer);
    p.st.plain_rx_bytes += b.size();
    ++p.st.plain_rx_packets;
    return true;
}

std::size_t UserspaceDataPlane::on_link_data(PeerId id, std::span<PacketBuf> pkts, TimePoint now)
{
    stamp_routes(now);
    Peer* p = find_live(id);
    if (!p) {
        for (std::size_t i = 0; i < pkts.size(); ++i)
            drops_.add(Drop::UnknownPeer);
        return 0;
    }
    std::size_t good = 0, authenticated = 0;
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        if (!decrypt_one(*p, pkts[i], now))
            continue;
        ++authenticated;
        if (!unwrap_one(*p, pkts[i], now))
            continue;
        if (cfg_.multi_peer && !admit(*p, pkts[i]))
            continue;
        if (cfg_.client_to_client && peers_.size() > 1 && forward_c2c(*p, pkts.subspan(i, 1), now))
            continue;
        if (cfg_.vlan.enabled && !vlan_out(*p, pkts[i]))
            continue;
        if (good != i)
            std::swap(pkts[good], pkts[i]);
        ++good;
    }
    if (good == 0 || !tun_)
        return authenticated;
    auto w = tun_->write(pkts.first(good));
    const std::size_t written = w ? *w : 0;
    for (std::size_t i = written; i < good; ++i)
        drops_.add(Drop::TunWriteFailed);
    return authenticated;
}

} // namespace ovpn::data
