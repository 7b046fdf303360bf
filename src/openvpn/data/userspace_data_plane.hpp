// data/userspace_data_plane.hpp: the DataPlane in userspace (tun fd + our
// OpenSSL crypto). The daemon's event loop feeds it:
//
//   tun readable  -> on_tun_readable(now): read a batch, compress-frame,
//                    fragment, encrypt in place (header into the headroom),
//                    send the batch on the peer's LinkSocket
//   link packets  -> on_link_packets(id, batch, now): the caller read them
//                    and saw data opcodes (is_data_packet); decrypt in place,
//                    replay-check, defragment, unframe, drop pings, write the
//                    batch to tun
//   timers        -> next_deadline() / on_timer(now): keepalive pings
//                    (--ping) and Expired events (--ping-restart/-exit)
//
// Packet path rules (G9): nothing allocates, throws or logs per packet;
// every dropped packet increments a named counter (drops()).
// Keys: per peer a primary slot (encrypts, decrypts) and a secondary slot
// (decrypts only: the lame-duck key after swap_keys, or the new key before
// it). A packet selects its key by the key id in its first byte.
//
// Threading: every method from the event-loop thread; the batch shape and
// per-peer state are laid out so workers can later own peers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/core/packet_buf.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/io/link_socket.hpp"
#include "openvpn/tun/tun_device.hpp"
#include "openvpn/wire/compress.hpp"

namespace ovpn::data {

// Compression framing on the data path (protocol-facts §6.7), done by
// wire/compress.hpp; the daemon picks it from --compress / --comp-lzo / the
// pushed value.
using Compression = wire::CompressMode;

enum class Drop : std::uint8_t {
    TooShort,     // shorter than header + packet id + tag
    UnknownPeer,  // no such peer id
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
    TooBig,    // does not fit the buffer after headers
    BadSource, // multi_peer: source not the peer's address or iroute (2.6 "bad source address")
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
    tun::TunDevice* tun = nullptr;      // not owned; outlives the data plane
    const ClockSource* clock = nullptr; // not owned; for set_keepalive
    Logger* log = nullptr;              // not owned; rate-limited use only
    Compression compression = Compression::None;
    std::size_t fragment = 0;                      // --fragment max (0 = off; UDP only)
    std::uint16_t mssfix = 0;                      // max MSS written into TCP SYNs (0 = off); see mssfix.hpp
    bool static_key = false;                       // --secret: long packet id (id|time) inside CBC
    bool allow_compression = false;                // --allow-compression yes: LZ4 may compress
    unsigned replay_window = 64, replay_time = 15; // --replay-window
    bool client_to_client = false;                 // --client-to-client: see on_link_packets
    // multi_peer (P2MP server): a tun packet goes to the peer whose vpn
    // address or iroute matches its destination best (longest prefix; no
    // match: dropped), and a peer's packet is written to tun only if that
    // same lookup on its source finds the peer (else Drop::BadSource), as
    // 2.6's multi.c. Off (client, p2p): everything goes to the one peer.
    bool multi_peer = false;
    std::size_t batch = 32;
};

// IRoute: a network routed through one peer (--iroute / --iroute-ipv6).
struct IRoute {
    int family = AF_INET;                // AF_INET or AF_INET6
    std::array<std::uint8_t, 16> addr{}; // network bytes (first 4 for IPv4)
    std::uint8_t prefix_len = 32;
};

class UserspaceDataPlane final : public DataPlane {
public:
    explicit UserspaceDataPlane(const UserspaceConfig& cfg);
    ~UserspaceDataPlane() override;

    std::string name() const override { return "userspace"; }
    Status<> add_peer(const PeerSpec& peer) override;
    Status<> del_peer(PeerId id) override;
    Status<> install_key(PeerId id, KeySlot slot, const DataKeys& keys) override;
    Status<> swap_keys(PeerId id) override;
    Status<> del_key(PeerId id, KeySlot slot) override;
    Status<> set_keepalive(PeerId id, std::chrono::seconds interval, std::chrono::seconds timeout) override;
    Result<PeerStats> stats(PeerId id) override;
    int event_fd() const override { return event_fd_; }
    std::vector<PeerEvent> poll_events() override;

    // attach_link: the socket peer `id`'s packets go out on (not owned; must
    // outlive the peer or be replaced before it dies, e.g. on reconnect).
    // `to`: destination for an unconnected UDP socket (empty: connected).
    Status<> attach_link(PeerId id, io::LinkSocket& link, const io::SockAddr& to = {});
    // set_compression: after a push changed it (applies to all peers in
    // client mode; per peer later).
    void set_compression(Compression c) noexcept { cfg_.compression = c; }
    // set_tx_peer_id: send P_DATA_V2 with this peer id (pushed peer-id), or
    // P_DATA_V1 when nullopt (the default). Applies to keys installed after
    // the call; a key already installed keeps its header kind but takes the
    // new id.
    Status<> set_tx_peer_id(PeerId id, std::optional<std::uint32_t> wire_peer_id);
    // set_iroutes: the networks behind peer `id` (replaces earlier ones);
    // used with multi_peer. Host bits beyond prefix_len are ignored.
    Status<> set_iroutes(PeerId id, std::vector<IRoute> routes);

    // is_data_packet: byte0 carries P_DATA_V1 or P_DATA_V2.
    static bool is_data_packet(std::uint8_t byte0) noexcept;

    // on_tun_readable: read and send up to a few batches from tun (bounded
    // work per call, so the loop stays fair). Returns the packets sent.
    std::size_t on_tun_readable(TimePoint now);
    // on_link_packets: decrypt data packets of peer `id` in place and write
    // the good ones to tun. The bufs are modified (caller's scratch).
    // With client_to_client, a packet whose IPv4/IPv6 destination is the
    // vpn address of another peer is encrypted for that peer and sent on its
    // link instead (never reaches tun; counted in c2c_packets()). A packet
    // to the sender's own address, or to no peer's, still goes to tun.
    // Multicast (224.0.0.0/4, ff00::/8) is copied to every other peer and
    // also goes to tun, as 2.6 does.
    // Returns the packets written to tun.
    std::size_t on_link_packets(PeerId id, std::span<PacketBuf> pkts, TimePoint now);
    // note_rx / note_tx: a valid control packet was received/sent; both
    // count for keepalive like data packets do.
    void note_rx(PeerId id, TimePoint now);
    void note_tx(PeerId id, TimePoint now);

    // next_deadline / on_timer: keepalive (ping sends, expiry events).
    std::optional<TimePoint> next_deadline() const;
    void on_timer(TimePoint now);

    // send_occ_exit: one OCC_EXIT data packet (explicit-exit-notify without
    // cc-exit); the caller repeats it once a second as 2.6 does.
    Status<> send_occ_exit(PeerId id, TimePoint now);
    // remote_exit_received: an OCC_EXIT came from the peer since the last call.
    bool take_remote_exit(PeerId id);

    const DropCounters& drops() const noexcept { return drops_; }
    // c2c_packets: packets forwarded client-to-client (decrypted from one
    // peer, re-encrypted for another).
    std::uint64_t c2c_packets() const noexcept { return c2c_packets_; }

private:
    struct Peer;
    Peer* find(PeerId id);
    Peer* route_tun_packet(const PacketBuf& pkt);
    Peer* peer_by_vpn_dest(const PacketBuf& pkt);
    Peer* peer_by_addr(int family, const std::uint8_t* a);
    bool source_ok(Peer& p, const PacketBuf& pkt);
    bool forward_c2c(Peer& from, std::span<PacketBuf> one, TimePoint now);
    void encrypt_and_send(Peer& p, std::span<PacketBuf> pkts, TimePoint now);
    void seal_and_send(Peer& p, std::span<PacketBuf> pkts, TimePoint now);
    std::size_t frag_payload(Peer& p) const noexcept;
    bool decrypt_one(Peer& p, PacketBuf& pkt, TimePoint now);
    bool send_payload(Peer& p, std::span<const std::uint8_t> payload, TimePoint now);
    void post_event(PeerEvent ev);

    UserspaceConfig cfg_;
    std::unordered_map<PeerId, std::unique_ptr<Peer>> peers_;
    std::vector<PacketBuf> tx_batch_;
    std::vector<PacketBuf> ctl_buf_;    // one buffer for pings / OCC
    std::vector<PacketBuf> frag_bufs_;  // pieces of one fragmented packet
    std::vector<std::uint8_t> scratch_; // LZ4 work area
    std::vector<PeerEvent> events_;
    int event_fd_ = -1;
    DropCounters drops_;
    std::uint64_t c2c_packets_ = 0;
};

} // namespace ovpn::data
