// data/userspace_data_plane.hpp: the DataPlane in userspace: it owns a tun
// device and runs the data channel with our OpenSSL crypto. Once attached
// to the event loop it drives itself:
//
//   tun readable  -> read a batch, mssfix, compress-frame, fragment, encrypt
//                    in place (header into the headroom), send the batch on
//                    the peer's LinkSocket
//   on_link_data  <- the caller read data packets off a link: decrypt in
//                    place, replay-check, defragment, unframe, drop pings,
//                    write the batch to tun
//   its own timer -> keepalive pings (--ping) and Gone/Expired events
//                    (--ping-restart / --ping-exit)
//
// Packet path rules (G9): nothing allocates, throws or logs per packet;
// every dropped packet increments a named counter (drops()).
// Keys: per peer a primary slot (encrypts, decrypts) and a secondary slot
// (decrypts only: the lame-duck key after swap_keys, or the new key before
// it). A packet selects its key by the key id in its first byte.
// Events (Gone/Expired, RemoteExit, KeyExhausted) are queued and handed to
// the sink from a zero-delay loop timer, never from inside a call.
//
// Threading: every method from the event-loop thread; the batch shape and
// per-peer state are laid out so workers can later own peers.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/core/packet_buf.hpp"
#include "openvpn/data/client_nat.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/data/mac_table.hpp"
#include "openvpn/data/route_table.hpp"
#include "openvpn/data/vlan.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/tun/tun_device.hpp"
#include "openvpn/wire/compress.hpp"

namespace ovpn::data {

// Compression framing on the data path (protocol-facts §6.7), done by
// wire/compress.hpp; the caller picks it per peer from --compress /
// --comp-lzo / the pushed value.
using Compression = wire::CompressMode;

enum class Drop : std::uint8_t {
    TooShort,     // shorter than header + packet id + tag
    UnknownPeer,  // no such peer id (or the peer is Gone)
    NoKey,        // no key in any slot (keys not installed yet)
    UnknownKeyId, // key id matches neither slot
    BadOpcode,    // not P_DATA_V1/V2
    AuthFailed,   // AEAD tag or HMAC mismatch, bad padding
    Replay,       // packet id seen or too old
    PacketIdWrap, // send counter exhausted: needs a new key
    BadCompression,
    BadFragment,
    NoLink, // no socket attached to the peer
    LinkSendFailed,
    LinkWouldBlock,
    TunWriteFailed,
    TooBig,       // does not fit the buffer after headers
    BadSource,    // multi_peer: source not the peer's address or iroute (2.6 "bad source address")
    Ipv6Blocked,  // --block-ipv6: an IPv6 packet from tun, answered with ICMPv6 unreachable
    VlanFiltered, // --vlan-tagging: refused by --vlan-accept or a client's VLAN, tagged by a client
    Count
};
const char* drop_name(Drop d) noexcept;

struct DropCounters {
    std::array<std::uint64_t, static_cast<std::size_t>(Drop::Count)> n{};
    void add(Drop d) noexcept { ++n[static_cast<std::size_t>(d)]; }
    std::uint64_t get(Drop d) const noexcept { return n[static_cast<std::size_t>(d)]; }
    std::uint64_t total() const noexcept;
};

struct UserspaceConfig {
    bool persistent = false;                       // --persist-tun: the device outlives us
    bool static_key = false;                       // --secret: long packet id (id|time) inside CBC
    bool allow_compression = false;                // --allow-compression yes: LZ4 may compress
    unsigned replay_window = 64, replay_time = 15; // --replay-window
    bool client_to_client = false;                 // --client-to-client: see on_link_data
    // multi_peer (P2MP server): a tun packet goes to the peer whose vpn
    // address or iroute matches its destination best (longest prefix; no
    // match: dropped), and a peer's packet is written to tun only if that
    // same lookup on its source finds the peer (else Drop::BadSource), as
    // 2.6's multi.c. Off (client, p2p): everything goes to the one peer.
    bool multi_peer = false;
    // tap (--dev tap): the device carries Ethernet frames. --mssfix looks at
    // the IPv4/IPv6 packet inside; multi_peer routes by MAC address instead
    // of vpn address and iroute: a peer's frames teach the MacTable their
    // source MAC (instead of the source check), frames to a known MAC go to
    // its peer, broadcast/multicast frames go to every peer (from tun; from
    // a peer with client_to_client, to the others and to tun), unknown
    // unicast from tun is dropped and from a peer goes to tun, as 2.6.
    bool tap = false;
    // vlan: --vlan-tagging (tap && multi_peer only; data/vlan.hpp): a frame
    // from tun belongs to a VLAN (its tag, removed, or the global pvid) and
    // goes only to the peers of that VLAN (PeerSpec::vlan_pvid); a peer's
    // frames are learnt, flooded and forwarded client-to-client within its
    // VLAN and tagged with it on the way to tun, as 2.6's multi.c and vlan.c.
    // Refused frames count as Drop::VlanFiltered.
    VlanConfig vlan;
    std::size_t batch = 32;
    // block_ipv6: --block-ipv6: every IPv6 packet read from tun is dropped
    // and answered, into tun, with an ICMPv6 unreachable from this address
    // (2.6: the --ifconfig-ipv6 remote, else fe80::7).
    std::optional<in6_addr> block_ipv6;
    // passtos: --passtos: before an IPv4 packet from tun is sent, its TOS
    // byte becomes the link socket's (kept for what follows, pings too, as
    // 2.6's). Packets then go out one by one.
    bool passtos = false;
    // shaper: --shaper bytes per second (0: off), 2.6's rule: after a
    // send of n bytes (with the UDP/TCP and IP headers; at least 100) nothing
    // more is read from tun for n / shaper seconds (at most 10 s); tun is
    // read one packet at a time.
    int shaper = 0;
    // client_nat: --client-nat rules (data/client_nat.hpp), applied to what
    // goes to the peer after mssfix and to what comes from it before tun.
    std::vector<ClientNatRule> client_nat;
    // tx_packet_id_start: keys send ids from this + 1 (tests reach 2.6's
    // renegotiation mark with it; 0 in the daemon).
    std::uint32_t tx_packet_id_start = 0;
    // mtu_load_crypto: --mtu-test: the crypto overhead (packet id included,
    // no opcode) 2.6 takes off a requested load, that of the configured
    // cipher and auth (session/mtu_frame.hpp); nullopt: the key's own.
    std::optional<std::size_t> mtu_load_crypto;
};

class UserspaceDataPlane final : public DataPlane {
public:
    // UserspaceDataPlane: takes the opened tun device (or the --dev null one).
    UserspaceDataPlane(std::unique_ptr<tun::TunDevice> tun, const UserspaceConfig& cfg);
    ~UserspaceDataPlane() override;
    UserspaceDataPlane(const UserspaceDataPlane&) = delete;
    UserspaceDataPlane& operator=(const UserspaceDataPlane&) = delete;

    std::string name() const override { return "userspace"; }
    const Device& device() const override { return device_; }
    bool needs_net_admin() const override { return false; }
    Status<> attach(io::EventLoop& loop, EventSink sink) override;

    Status<> add_peer(const PeerSpec& peer) override;
    Status<> del_peer(PeerId id) override;
    Status<> update_remote(PeerId id, const io::SockAddr& remote, const io::LocalEnd& local) override;
    // set_iroutes: used with multi_peer. Host bits beyond prefix_len are
    // ignored.
    Status<> set_iroutes(PeerId id, std::vector<IRoute> routes) override;
    // expire_routes: addresses and iroutes (tun) or learned MACs (tap) no
    // packet used for `idle`; lookups stamp them with a per-batch clock.
    std::vector<StaleRoute> expire_routes(std::chrono::seconds idle) override;

    // install_key: the header kind follows the peer's tx_peer_id (P_DATA_V2
    // with it, P_DATA_V1 without) or --secret (no opcode byte).
    Status<> install_key(PeerId id, KeySlot slot, const DataKeys& keys) override;
    Status<> swap_keys(PeerId id) override;
    Status<> del_key(PeerId id, KeySlot slot) override;
    Status<> set_keepalive(PeerId id, std::chrono::seconds interval, std::chrono::seconds timeout) override;

    // on_link_data: decrypt in place (the bufs are the caller's scratch)
    // and write the good ones to tun. With client_to_client, a packet whose
    // IPv4/IPv6 destination is the vpn address of another peer is encrypted
    // for that peer and sent on its link instead (never reaches tun;
    // counted in c2c_packets()). A packet to the sender's own address, or
    // to no peer's, still goes to tun. Multicast (224.0.0.0/4, ff00::/8) is
    // copied to every other peer and also goes to tun, as 2.6 does.
    std::size_t on_link_data(PeerId id, std::span<PacketBuf> pkts, TimePoint now) override;
    void note_control(PeerId id, bool rx, TimePoint now) override;
    Status<> send_exit_notify(PeerId id, TimePoint now) override;
    Status<> send_mtu_probe(PeerId id, wire::OccType type, std::uint16_t load_size, TimePoint now) override;

    Result<PeerStats> stats(PeerId id) override;
    Result<std::vector<std::pair<PeerId, PeerStats>>> stats_all() override;
    std::vector<std::pair<std::string, std::uint64_t>> drop_counts() const override;

    // on_tun_readable: read and send up to a few batches from tun (bounded
    // work per call, so the loop stays fair). Returns the packets read. The
    // loop calls it once attached; public for tests that drive it by hand.
    std::size_t on_tun_readable(TimePoint now);

    const DropCounters& drops() const noexcept { return drops_; }
    // c2c_packets: packets forwarded client-to-client (decrypted from one
    // peer, re-encrypted for another).
    std::uint64_t c2c_packets() const noexcept { return c2c_packets_; }
    std::size_t max_bcast_queue() const override { return max_bcast_; }
    void set_mac_learner(MacLearner learn) override { learner_ = std::move(learn); }

private:
    struct Peer;
    Peer* find(PeerId id);
    Peer* find_live(PeerId id);
    TimePoint now() const;
    Peer* route_tun_packet(const PacketBuf& pkt, std::uint16_t vid);
    bool group_dest(const PacketBuf& pkt) const noexcept;
    Peer* peer_by_mac(const PacketBuf& frame, std::uint16_t vid);
    std::uint16_t vid_of(const Peer& p) const noexcept;
    bool vlan_in(PacketBuf& frame, std::uint16_t& vid);
    bool vlan_out(const Peer& p, PacketBuf& frame);
    bool admit(Peer& p, const PacketBuf& pkt);
    void rewrite_ip(const Peer& p, PacketBuf& b, NatDirection dir) const noexcept;
    Peer* peer_by_vpn_dest(const PacketBuf& pkt, std::uint16_t vid);
    Peer* peer_by_addr(int family, const std::uint8_t* a);
    bool source_ok(Peer& p, const PacketBuf& pkt);
    bool learn_mac(Peer& p, const MacAddr& mac);
    bool forward_c2c(Peer& from, std::span<PacketBuf> one, TimePoint now);
    void broadcast(const PacketBuf& pkt, const Peer* except, std::uint16_t vid, TimePoint now);
    void send_tun_batch(std::span<PacketBuf> pkts, TimePoint now);
    std::size_t refuse_ipv6(std::span<PacketBuf> pkts);
    std::span<const std::uint8_t> inner_ip(std::span<const std::uint8_t> pkt) const noexcept;
    bool frame_reply(const PacketBuf& asked, PacketBuf& reply) const noexcept;
    void encrypt_and_send(Peer& p, std::span<PacketBuf> pkts, TimePoint now);
    void pass_tos(Peer& p, const PacketBuf& pkt);
    void shaper_wrote(const Peer& p, std::span<const PacketBuf> sent, TimePoint now);
    bool shaper_holds(TimePoint now);
    void shaper_resume();
    bool frame_one(Peer& p, PacketBuf& b, TimePoint now);
    void seal_and_send(Peer& p, std::span<PacketBuf> pkts, TimePoint now);
    std::size_t frag_payload(Peer& p) const noexcept;
    bool decrypt_one(Peer& p, PacketBuf& pkt, TimePoint now);
    bool unwrap_one(Peer& p, PacketBuf& pkt, TimePoint now);
    bool send_payload(Peer& p, std::span<const std::uint8_t> payload, TimePoint now);
    void on_occ(Peer& p, const wire::OccMessage& m, TimePoint now);
    std::size_t load_overhead(const Peer& p) const noexcept;
    void post_event(PeerEvent ev);
    void deliver_events();
    std::optional<TimePoint> next_deadline() const;
    void on_keepalive_timer();
    void arm_keepalive();
    // stamp_routes: the coarse clock route and MAC lookups stamp entries
    // with (once per batch).
    void stamp_routes(TimePoint now) noexcept
    {
        routes_.set_now(secs_of(now));
        macs_.set_now(secs_of(now));
    }
    static std::uint32_t secs_of(TimePoint now) noexcept
    {
        return static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    }

    std::unique_ptr<tun::TunDevice> tun_;
    Device device_;
    UserspaceConfig cfg_;
    io::EventLoop* loop_ = nullptr;
    EventSink sink_;
    bool tun_watched_ = false;
    std::optional<io::TimerId> keepalive_timer_, event_timer_;
    std::deque<PeerEvent> events_;
    // alive_: false once destroyed, so an event delivery whose sink
    // destroyed the data plane stops touching it.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::unordered_map<PeerId, std::unique_ptr<Peer>> peers_;
    RouteTable routes_;  // the peers' vpn addresses and iroutes (multi_peer lookups)
    MacTable macs_;      // tap && multi_peer
    MacLearner learner_; // asked before macs_ learns (--learn-address)
    std::vector<PacketBuf> tx_batch_;
    std::vector<PacketBuf> ctl_buf_;    // one buffer for pings / OCC
    std::vector<PacketBuf> reply_buf_;  // one buffer for answers into tun (block_ipv6)
    std::vector<PacketBuf> frag_bufs_;  // pieces of one fragmented packet
    std::vector<std::uint8_t> scratch_; // LZ4 work area
    DropCounters drops_;
    std::uint64_t c2c_packets_ = 0;
    std::size_t max_bcast_ = 0; // max_bcast_queue
    // tos_link_, tos_: the socket and TOS last set by pass_tos.
    io::LinkSocket* tos_link_ = nullptr;
    std::uint8_t tos_ = 0;
    // shaper_free_: when tun may be read again (--shaper); while it is in
    // the future the tun fd is not watched and shaper_timer_ resumes it.
    TimePoint shaper_free_{};
    std::optional<io::TimerId> shaper_timer_;
};

} // namespace ovpn::data
