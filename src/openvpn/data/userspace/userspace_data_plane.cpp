// data/userspace/userspace_data_plane.cpp: the userspace packet path.
//
// Send:    tun batch -> mssfix -> compression framing -> encrypt (crypto/
//          DataChannel prepends header, packet id, tag/HMAC/IV in the
//          headroom) -> one LinkSocket::send for the batch.
// Receive: key select by key id -> decrypt + replay -> unframe -> ping/OCC
//          filter -> mssfix -> one TunDevice::write for the batch.
#include "openvpn/data/userspace_data_plane.hpp"

#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/data/fragment.hpp"
#include "openvpn/data/mssfix.hpp"
#include "openvpn/wire/opcode.hpp"
#include "openvpn/wire/ping_occ.hpp"

namespace ovpn::data {

namespace {
constexpr std::size_t kMaxBatchesPerWakeup = 8;
constexpr std::size_t kScratchSize = 4096;

std::uint32_t secs(TimePoint now)
{
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}
} // namespace

struct UserspaceDataPlane::Peer {
    PeerSpec spec;
    io::LinkSocket* link = nullptr;
    io::SockAddr to;
    std::unique_ptr<crypto::DataChannel> primary, secondary;
    std::optional<std::uint32_t> wire_peer_id;
    std::chrono::seconds ping_interval{0}, ping_timeout{0};
    TimePoint last_rx{}, last_tx{};
    bool expired = false;
    bool remote_exit = false;
    PeerStats st;
    std::optional<Fragmenter> frag; // built at first send, from the key's overhead
    Defragmenter defrag;
    std::vector<IRoute> iroutes;

    crypto::DataChannel* key_for(std::uint8_t kid, bool static_key)
    {
        if (static_key)
            return primary.get();
        if (primary && primary->key_id() == kid)
            return primary.get();
        if (secondary && secondary->key_id() == kid)
            return secondary.get();
        return nullptr;
    }
};

const char* drop_name(Drop d) noexcept
{
    static constexpr const char* kNames[] = {
        "too-short",        "unknown-peer",     "no-key",  "unknown-key-id",
        "bad-opcode",       "auth-failed",      "replay",  "packet-id-wrap",
        "bad-compression",  "bad-fragment",     "no-link", "link-send-failed",
        "link-would-block", "tun-write-failed", "too-big", "bad-source"};
    auto i = static_cast<std::size_t>(d);
    return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::uint64_t DropCounters::total() const noexcept
{
    std::uint64_t t = 0;
    for (auto v : n)
        t += v;
    return t;
}

static Drop map_drop(wire::Drop d) noexcept
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

UserspaceDataPlane::UserspaceDataPlane(const UserspaceConfig& cfg)
    : cfg_(cfg), scratch_(kScratchSize), event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    const std::size_t batch = cfg_.batch ? cfg_.batch : 1;
    tx_batch_.reserve(batch);
    for (std::size_t i = 0; i < batch; ++i)
        tx_batch_.emplace_back();
    ctl_buf_.emplace_back();
    for (std::size_t i = 0; i < kMaxFragPieces; ++i)
        frag_bufs_.emplace_back();
}

UserspaceDataPlane::~UserspaceDataPlane()
{
    if (event_fd_ >= 0)
        ::close(event_fd_);
}

UserspaceDataPlane::Peer* UserspaceDataPlane::find(PeerId id)
{
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : it->second.get();
}

void UserspaceDataPlane::post_event(PeerEvent ev)
{
    events_.push_back(ev);
    std::uint64_t one = 1;
    (void)!::write(event_fd_, &one, sizeof one);
}

Status<> UserspaceDataPlane::add_peer(const PeerSpec& peer)
{
    if (peers_.count(peer.id))
        return Err{strfmt("peer %u exists", peer.id)};
    auto p = std::make_unique<Peer>();
    p->spec = peer;
    p->to.ss = peer.remote;
    p->to.len = peer.remote.ss_family == AF_INET    ? sizeof(sockaddr_in)
                : peer.remote.ss_family == AF_INET6 ? sizeof(sockaddr_in6)
                                                    : 0;
    const TimePoint now = cfg_.clock ? cfg_.clock->now() : TimePoint{};
    p->last_rx = p->last_tx = now;
    peers_.emplace(peer.id, std::move(p));
    return Ok{};
}

Status<> UserspaceDataPlane::del_peer(PeerId id)
{
    if (peers_.erase(id) == 0)
        return Err{strfmt("no peer %u", id)};
    return Ok{};
}

Status<> UserspaceDataPlane::attach_link(PeerId id, io::LinkSocket& link, const io::SockAddr& to)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    p->link = &link;
    if (!to.empty())
        p->to = to;
    return Ok{};
}

Status<> UserspaceDataPlane::set_tx_peer_id(PeerId id, std::optional<std::uint32_t> wire_peer_id)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    p->wire_peer_id = wire_peer_id;
    for (auto* k : {p->primary.get(), p->secondary.get()})
        if (k && wire_peer_id)
            k->set_peer_id(*wire_peer_id);
    return Ok{};
}

Status<> UserspaceDataPlane::set_iroutes(PeerId id, std::vector<IRoute> routes)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    for (IRoute& r : routes) {
        const unsigned host = r.family == AF_INET ? 32 : 128;
        if ((r.family != AF_INET && r.family != AF_INET6) || r.prefix_len > host)
            return Err{strfmt("bad iroute for peer %u", id)};
        for (unsigned bit = r.prefix_len; bit < 128; ++bit)
            r.addr[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    }
    p->iroutes = std::move(routes);
    return Ok{};
}

Status<> UserspaceDataPlane::install_key(PeerId id, KeySlot slot, const DataKeys& keys)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    crypto::DataChannelConfig dc;
    if (cfg_.static_key) {
        dc.header = crypto::DataHeader::None;
        dc.long_packet_id = true;
        dc.session_time = cfg_.clock ? secs(cfg_.clock->now()) : 0;
    } else if (p->wire_peer_id) {
        dc.header = crypto::DataHeader::DataV2;
        dc.peer_id = *p->wire_peer_id;
    } else {
        dc.header = crypto::DataHeader::DataV1;
    }
    dc.replay_window = cfg_.replay_window;
    dc.replay_time = cfg_.replay_time;
    auto ch = crypto::DataChannel::create(keys, dc);
    if (!ch)
        return Err{ch.error()};
    auto& dst = slot == KeySlot::Primary ? p->primary : p->secondary;
    dst = std::make_unique<crypto::DataChannel>(std::move(*ch));
    return Ok{};
}

Status<> UserspaceDataPlane::swap_keys(PeerId id)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    std::swap(p->primary, p->secondary);
    return Ok{};
}

Status<> UserspaceDataPlane::del_key(PeerId id, KeySlot slot)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    (slot == KeySlot::Primary ? p->primary : p->secondary).reset();
    return Ok{};
}

Status<> UserspaceDataPlane::set_keepalive(PeerId id, std::chrono::seconds interval,
                                           std::chrono::seconds timeout)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    p->ping_interval = interval;
    p->ping_timeout = timeout;
    const TimePoint now = cfg_.clock ? cfg_.clock->now() : TimePoint{};
    p->last_rx = now;
    p->expired = false;
    return Ok{};
}

Result<PeerStats> UserspaceDataPlane::stats(PeerId id)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    return p->st;
}

std::vector<PeerEvent> UserspaceDataPlane::poll_events()
{
    std::uint64_t v;
    (void)!::read(event_fd_, &v, sizeof v);
    std::vector<PeerEvent> out;
    out.swap(events_);
    return out;
}

bool UserspaceDataPlane::is_data_packet(std::uint8_t byte0) noexcept
{
    const unsigned op = byte0 >> 3;
    return op == 6 || op == 9;
}

UserspaceDataPlane::Peer* UserspaceDataPlane::route_tun_packet(const PacketBuf& pkt)
{
    if (peers_.size() == 1 && !cfg_.multi_peer)
        return peers_.begin()->second.get();
    return peer_by_vpn_dest(pkt);
}

namespace {

bool is_multicast(const PacketBuf& pkt) noexcept
{
    const std::uint8_t ver = pkt.size() ? pkt.data()[0] >> 4 : 0;
    return (ver == 4 && pkt.size() >= 20 && (pkt.data()[16] & 0xf0) == 0xe0) ||
           (ver == 6 && pkt.size() >= 40 && pkt.data()[24] == 0xff);
}

// prefix_match: the first `len` bits of a and net agree.
bool prefix_match(const std::uint8_t* a, const std::uint8_t* net, unsigned len) noexcept
{
    const unsigned bytes = len / 8, bits = len % 8;
    if (std::memcmp(a, net, bytes) != 0)
        return false;
    if (bits == 0)
        return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    return (a[bytes] & mask) == (net[bytes] & mask);
}

} // namespace

// peer_by_addr: longest prefix over every peer's vpn address (a host route)
// and iroutes, as 2.6's multi_get_instance_by_virtual_addr with CIDR routing.
UserspaceDataPlane::Peer* UserspaceDataPlane::peer_by_addr(int family, const std::uint8_t* a)
{
    Peer* best = nullptr;
    int best_len = -1;
    const unsigned host = family == AF_INET ? 32 : 128;
    for (auto& [id, p] : peers_) {
        if (family == AF_INET && p->spec.vpn_ipv4 && std::memcmp(a, &p->spec.vpn_ipv4->s_addr, 4) == 0)
            return p.get(); // a host route is as long as a prefix gets
        if (family == AF_INET6 && p->spec.vpn_ipv6 && std::memcmp(a, p->spec.vpn_ipv6->s6_addr, 16) == 0)
            return p.get();
        for (const IRoute& r : p->iroutes) {
            if (r.family != family || r.prefix_len > host || static_cast<int>(r.prefix_len) <= best_len)
                continue;
            if (prefix_match(a, r.addr.data(), r.prefix_len)) {
                best = p.get();
                best_len = r.prefix_len;
            }
        }
    }
    return best;
}

// source_ok: multi_peer's check that a decrypted packet's source belongs to
// the peer it came from; non-IP packets fail too (2.6 drops what it cannot
// parse).
bool UserspaceDataPlane::source_ok(Peer& p, const PacketBuf& pkt)
{
    if (pkt.size() < 1)
        return false;
    const std::uint8_t ver = pkt.data()[0] >> 4;
    if (ver == 4 && pkt.size() >= 20)
        return peer_by_addr(AF_INET, pkt.data() + 12) == &p;
    if (ver == 6 && pkt.size() >= 40)
        return peer_by_addr(AF_INET6, pkt.data() + 8) == &p;
    return false;
}

UserspaceDataPlane::Peer* UserspaceDataPlane::peer_by_vpn_dest(const PacketBuf& pkt)
{
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

// forward_c2c: `one` (a single decrypted packet of `from`) goes to the peer
// owning its destination address when that is another peer. Returns false
// when the packet is not for another peer (the caller writes it to tun).
bool UserspaceDataPlane::forward_c2c(Peer& from, std::span<PacketBuf> one, TimePoint now)
{
    const PacketBuf& pkt = one[0];
    if (is_multicast(pkt)) {
        // 2.6 treats multicast as broadcast: a copy to every other client,
        // and the packet still goes to tun
        for (auto& [id, q] : peers_) {
            if (q.get() == &from || !q->primary || !q->link)
                continue;
            PacketBuf& copy = ctl_buf_[0];
            copy.reset();
            if (!copy.append(pkt.span())) {
                drops_.add(Drop::TooBig);
                continue;
            }
            ++c2c_packets_;
            encrypt_and_send(*q, std::span<PacketBuf>(ctl_buf_), now);
        }
        return false;
    }
    Peer* to = peer_by_vpn_dest(pkt);
    if (!to || to == &from)
        return false;
    if (!to->primary || !to->link) {
        drops_.add(!to->primary ? Drop::NoKey : Drop::NoLink);
        return true;
    }
    ++c2c_packets_;
    encrypt_and_send(*to, one, now);
    return true;
}

std::size_t UserspaceDataPlane::frag_payload(Peer& p) const noexcept
{
    const std::size_t ovh = p.primary->overhead(cfg_.fragment) + kFragHeaderSize;
    return cfg_.fragment > ovh + 64 ? cfg_.fragment - ovh : 64;
}

void UserspaceDataPlane::encrypt_and_send(Peer& p, std::span<PacketBuf> pkts, TimePoint now)
{
    std::size_t good = 0;
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        PacketBuf& b = pkts[i];
        const std::size_t plain_len = b.size();
        if (cfg_.mssfix)
            clamp_mss(b.span(), cfg_.mssfix);
        auto cf = wire::compress_frame(b, cfg_.compression, cfg_.allow_compression, scratch_);
        if (!cf) {
            drops_.add(map_drop(cf.error()));
            continue;
        }
        p.st.tun_rx_bytes += plain_len;
        ++p.st.tun_rx_packets;
        if (cfg_.fragment) {
            if (!p.frag)
                p.frag.emplace(frag_payload(p));
            if (p.frag->needs_split(b)) {
                const std::size_t n = p.frag->split(b, frag_bufs_);
                if (n == 0)
                    drops_.add(Drop::TooBig);
                else
                    seal_and_send(p, std::span<PacketBuf>(frag_bufs_).first(n), now);
                continue;
            }
            if (!p.frag->mark_whole(b)) {
                drops_.add(Drop::TooBig);
                continue;
            }
        }
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
    if (good == 0)
        return;
    auto sent = p.link->send(pkts.first(good), p.to.empty() ? nullptr : &p.to);
    if (!sent) {
        for (std::size_t i = 0; i < good; ++i)
            drops_.add(Drop::LinkSendFailed);
        return;
    }
    for (std::size_t i = 0; i < *sent; ++i) {
        p.st.link_tx_bytes += pkts[i].size();
        ++p.st.link_tx_packets;
    }
    for (std::size_t i = *sent; i < good; ++i)
        drops_.add(Drop::LinkWouldBlock);
    if (*sent)
        p.last_tx = now;
}

std::size_t UserspaceDataPlane::on_tun_readable(TimePoint now)
{
    if (!cfg_.tun)
        return 0;
    std::size_t total = 0;
    for (std::size_t round = 0; round < kMaxBatchesPerWakeup; ++round) {
        auto r = cfg_.tun->read(tx_batch_);
        if (!r || *r == 0)
            break;
        const std::size_t n = *r;
        if (peers_.size() == 1 && !cfg_.multi_peer) {
            Peer& p = *peers_.begin()->second;
            if (!p.primary || !p.link) {
                for (std::size_t i = 0; i < n; ++i)
                    drops_.add(p.link ? Drop::NoKey : Drop::NoLink);
            } else {
                encrypt_and_send(p, std::span<PacketBuf>(tx_batch_).first(n), now);
            }
        } else {
            // Server: group by peer one packet at a time (batches per peer
            // come with the worker split).
            for (std::size_t i = 0; i < n; ++i) {
                if (cfg_.multi_peer && is_multicast(tx_batch_[i])) {
                    // 2.6 treats multicast from tun as broadcast to all clients
                    for (auto& [id, q] : peers_) {
                        if (!q->primary || !q->link)
                            continue;
                        PacketBuf& copy = ctl_buf_[0];
                        copy.reset();
                        if (!copy.append(tx_batch_[i].span())) {
                            drops_.add(Drop::TooBig);
                            continue;
                        }
                        encrypt_and_send(*q, std::span<PacketBuf>(ctl_buf_), now);
                    }
                    continue;
                }
                Peer* p = route_tun_packet(tx_batch_[i]);
                if (!p || !p->primary || !p->link) {
                    drops_.add(!p ? Drop::UnknownPeer : !p->primary ? Drop::NoKey : Drop::NoLink);
                    continue;
                }
                encrypt_and_send(*p, std::span<PacketBuf>(tx_batch_).subspan(i, 1), now);
            }
        }
        total += n;
        if (n < tx_batch_.size())
            break;
    }
    return total;
}

bool UserspaceDataPlane::decrypt_one(Peer& p, PacketBuf& b, TimePoint now)
{
    if (b.empty()) {
        drops_.add(Drop::TooShort);
        return false;
    }
    if (!cfg_.static_key && !is_data_packet(b.data()[0])) {
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
    p.last_rx = now;
    if (cfg_.fragment) {
        auto v = p.defrag.on_payload(b, now);
        if (v == Defragmenter::Verdict::Bad)
            drops_.add(Drop::BadFragment);
        if (v != Defragmenter::Verdict::Complete)
            return false;
    }
    auto uf = wire::decompress_frame(b, cfg_.compression, scratch_);
    if (!uf) {
        drops_.add(map_drop(uf.error()));
        return false;
    }
    if (wire::is_ping(b.span()))
        return false; // keepalive: counted as life above, never to tun
    if (auto occ = wire::parse_occ(b.span())) {
        if (occ->ok() && occ->value().type == wire::OccType::Exit) {
            p.remote_exit = true;
            post_event(PeerEvent{p.spec.id, DelReason::Teardown});
        }
        return false;
    }
    if (b.empty())
        return false;
    if (cfg_.mssfix)
        clamp_mss(b.span(), cfg_.mssfix);
    p.st.tun_tx_bytes += b.size();
    ++p.st.tun_tx_packets;
    return true;
}

std::size_t UserspaceDataPlane::on_link_packets(PeerId id, std::span<PacketBuf> pkts, TimePoint now)
{
    Peer* p = find(id);
    if (!p) {
        for (std::size_t i = 0; i < pkts.size(); ++i)
            drops_.add(Drop::UnknownPeer);
        return 0;
    }
    std::size_t good = 0;
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        if (!decrypt_one(*p, pkts[i], now))
            continue;
        if (cfg_.multi_peer && !source_ok(*p, pkts[i])) {
            drops_.add(Drop::BadSource);
            continue;
        }
        if (cfg_.client_to_client && peers_.size() > 1 && forward_c2c(*p, pkts.subspan(i, 1), now))
            continue;
        if (good != i)
            std::swap(pkts[good], pkts[i]);
        ++good;
    }
    if (good == 0 || !cfg_.tun)
        return 0;
    auto w = cfg_.tun->write(pkts.first(good));
    const std::size_t written = w ? *w : 0;
    for (std::size_t i = written; i < good; ++i)
        drops_.add(Drop::TunWriteFailed);
    return written;
}

void UserspaceDataPlane::note_rx(PeerId id, TimePoint now)
{
    if (Peer* p = find(id))
        p->last_rx = now;
}

void UserspaceDataPlane::note_tx(PeerId id, TimePoint now)
{
    if (Peer* p = find(id))
        p->last_tx = now;
}

std::optional<TimePoint> UserspaceDataPlane::next_deadline() const
{
    std::optional<TimePoint> best;
    auto consider = [&best](TimePoint t) {
        if (!best || t < *best)
            best = t;
    };
    for (const auto& [id, p] : peers_) {
        if (p->ping_interval.count() > 0 && p->primary)
            consider(p->last_tx + p->ping_interval);
        if (p->ping_timeout.count() > 0 && !p->expired)
            consider(p->last_rx + p->ping_timeout);
    }
    return best;
}

bool UserspaceDataPlane::send_payload(Peer& p, std::span<const std::uint8_t> payload, TimePoint now)
{
    if (!p.primary || !p.link)
        return false;
    PacketBuf& b = ctl_buf_[0];
    b.reset();
    b.append(payload);
    encrypt_and_send(p, std::span<PacketBuf>(ctl_buf_), now);
    // a ping is not tunnel traffic: undo the tun-side counters it bumped
    p.st.tun_rx_bytes -= std::min<std::uint64_t>(p.st.tun_rx_bytes, payload.size());
    p.st.tun_rx_packets -= std::min<std::uint64_t>(p.st.tun_rx_packets, 1);
    return true;
}

void UserspaceDataPlane::on_timer(TimePoint now)
{
    for (auto& [id, p] : peers_) {
        if (p->ping_timeout.count() > 0 && !p->expired && now >= p->last_rx + p->ping_timeout) {
            p->expired = true;
            post_event(PeerEvent{id, DelReason::Expired});
        }
        if (p->ping_interval.count() > 0 && now >= p->last_tx + p->ping_interval) {
            if (!send_payload(*p, wire::kPingMagic, now))
                p->last_tx = now; // no key yet: try again one interval later
        }
    }
}

Status<> UserspaceDataPlane::send_occ_exit(PeerId id, TimePoint now)
{
    Peer* p = find(id);
    if (!p)
        return Err{strfmt("no peer %u", id)};
    auto payload = wire::occ_exit_payload();
    if (!send_payload(*p, payload, now))
        return Err{std::string("no key or link for OCC_EXIT")};
    return Ok{};
}

bool UserspaceDataPlane::take_remote_exit(PeerId id)
{
    Peer* p = find(id);
    if (!p || !p->remote_exit)
        return false;
    p->remote_exit = false;
    return true;
}

} // namespace ovpn::data
