// data/data_plane.hpp: the one seam between the control plane and the data
// plane (docs/architecture.md). Client, p2p and server hold a
// std::unique_ptr<DataPlane> made once by session::make_data_plane and never
// learn which implementation they have:
//   - UserspaceDataPlane (src/openvpn/data/): a tun device + our OpenSSL
//     crypto, batched, in place;
//   - KernelDataPlane (src/dco/): an ovpn-dco interface driven over the
//     ovpn-dco-v2 generic netlink family; the kernel carries the data packets.
//
// The data plane owns the network device (the tun device or the ovpn-dco
// link): addresses and routes are put on device() by the caller. It shares
// the transport sockets with the control plane: the caller keeps owning
// them, reads every packet the kernel does not take, hands data-channel
// packets to on_link_data() and processes control packets itself.
//
// Keys are handed over as the per-direction slices of 2.6's key block
// (protocol-facts.md §5.1): for AEAD the cipher key and the implicit IV
// (nonce tail); for CBC+HMAC the cipher key and the HMAC key. The receiver
// of DataKeys owns a copy; SecureBytes wipes every copy when it dies.
//
// Counters (PeerStats) are always seen from our side towards one peer:
// *_rx = what came FROM the peer, *_tx = what went TO the peer.
//   link_*  : encrypted data-channel packets on the transport (no IP/UDP
//             header, no TCP length prefix); control packets are not here,
//             the caller counts those.
//   plain_* : the payload inside: plain_rx was decrypted and given to the
//             device (2.6's "TUN/TAP write bytes"), plain_tx was taken from
//             the device for this peer before encryption ("TUN/TAP read").
// ovpn-dco-v2 maps LINK_RX/TX -> link_rx/tx, VPN_RX -> plain_rx,
// VPN_TX -> plain_tx (dco-facts.md §3.8).
//
// Threading: every method is called from the event-loop thread only. Events
// reach the sink from the loop, never from inside another DataPlane call,
// so the sink may call any method (del_peer included).
#pragma once

#include <netinet/in.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/packet_buf.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/data/mtu_test.hpp"
#include "openvpn/io/sock_addr.hpp"
#include "openvpn/wire/compress.hpp"
#include "openvpn/wire/packet_id.hpp"

namespace ovpn::io {
class EventLoop;
class LinkSocket;
} // namespace ovpn::io

namespace ovpn::data {

using PeerId = std::uint32_t;
// kP2pPeerId: the id a client or p2p process gives its one peer.
inline constexpr PeerId kP2pPeerId = 0;
inline constexpr PeerId kUndefinedPeerId = 0xFFFFFF;

enum class KeySlot : std::uint8_t { Primary = 1, Secondary = 2 };

enum class CipherAlg : std::uint8_t {
    None, // --cipher none (userspace only)
    Aes128Gcm,
    Aes192Gcm,
    Aes256Gcm,
    Chacha20Poly1305,
    CbcHmac,   // legacy CBC (or CFB/OFB) + HMAC (userspace only); names in DataKeys
    OtherAead, // another GCM cipher (ARIA-256-GCM, ...): userspace only; names in DataKeys
};

// is_aead: the three ciphers (four key sizes) DCO can carry.
constexpr bool is_aead(CipherAlg c)
{
    return c == CipherAlg::Aes128Gcm || c == CipherAlg::Aes192Gcm || c == CipherAlg::Aes256Gcm ||
           c == CipherAlg::Chacha20Poly1305;
}

struct DirectionKeys {
    SecureBytes cipher_key;  // exactly the cipher's key length
    SecureBytes implicit_iv; // AEAD: 8 bytes of nonce tail; empty otherwise
    SecureBytes hmac_key;    // CBC+HMAC: the digest's length; empty for AEAD
};

struct DataKeys {
    std::uint8_t key_id = 0; // 0..7, the key id in the opcode byte
    CipherAlg cipher = CipherAlg::None;
    std::string cipher_name; // OpenSSL/2.6 name, e.g. "AES-256-CBC"
    std::string auth_name;   // e.g. "SHA256"; "none" for AEAD
    DirectionKeys encrypt;   // what we send
    DirectionKeys decrypt;   // what we receive
    // --secret (long packet ids, userspace): the time field we send (2.6:
    // the wall clock at start; 0: the plane's clock) and the receive state
    // to start from (--replay-persist: nothing at or below it is accepted;
    // id 0: none).
    std::uint32_t long_pid_time = 0;
    wire::PacketId rx_replay_start{};
};

// Device: the interface the data plane owns.
struct Device {
    std::string name;        // "tun0"; "null" for --dev null
    unsigned ifindex = 0;    // 0 for --dev null
    bool persistent = false; // existed before us or --persist-tun: not removed by us
};

// IRoute: a network routed through one peer (--iroute / --iroute-ipv6).
struct IRoute {
    int family = AF_INET;                // AF_INET or AF_INET6
    std::array<std::uint8_t, 16> addr{}; // network bytes (first 4 for IPv4)
    std::uint8_t prefix_len = 32;
};

// StaleRoute: a route --stale-routes-check removed (expire_routes): the
// peer it led to and the network (host: the peer's own address, with the
// full prefix length).
struct StaleRoute {
    PeerId id = 0;
    IRoute route;
    bool host = false;
    // a MAC a --dev tap server learned (route unused), on VLAN `vid`
    bool is_mac = false;
    std::array<std::uint8_t, 6> mac{};
    std::uint16_t vid = 0;
};

// PeerSpec: one remote peer. A client or p2p process has one; a P2MP server
// adds one per client once it is authenticated and its keys are known.
struct PeerSpec {
    PeerId id = kP2pPeerId; // our handle; with DCO the kernel's peer id
    // link: the transport socket for this peer, owned by the caller and
    // alive until del_peer. UDP: may be shared by every peer of a server.
    // TCP: one per peer; after add_peer the kernel may own its reads of
    // data records, the caller still reads control records from it.
    io::LinkSocket* link = nullptr;
    // remote: the peer's address, set whenever it is known (DCO needs it
    // for a UDP peer). UDP: userspace sends there unless `link` is a
    // connected socket; empty: the peer is not known yet (a listening p2p
    // peer), sends fail until update_remote.
    io::SockAddr remote;
    // local: UDP --multihome: where its packets come to; userspace sends
    // from there, DCO passes the address as LOCAL_IP (empty: any)
    io::LocalEnd local;
    // tx_peer_id: send P_DATA_V2 carrying this id (pushed or assigned
    // peer-id); nullopt: P_DATA_V1 (DCO refuses this).
    std::optional<std::uint32_t> tx_peer_id;
    std::optional<in_addr> vpn_ipv4; // server: the client's tunnel addresses
    std::optional<in6_addr> vpn_ipv6;
    wire::CompressMode compression = wire::CompressMode::None; // DCO: None or StubV2
    std::uint16_t mssfix = 0; // max TCP MSS (0 = off); DCO: not applied (as 2.6)
    // fragment: --fragment max (0 = off; UDP only). Per peer because a
    // client's connection entries may differ while the device persists.
    // DCO: 0 only (the verdict refuses --fragment).
    std::size_t fragment = 0;
    // vlan_pvid: --vlan-pvid of the client (tap server with --vlan-tagging:
    // its VLAN; 0: the server's own --vlan-pvid). DCO: unused (tap only).
    std::uint16_t vlan_pvid = 0;
};

struct PeerStats {
    std::uint64_t link_rx_bytes = 0, link_tx_bytes = 0;
    std::uint64_t link_rx_packets = 0, link_tx_packets = 0;
    std::uint64_t plain_rx_bytes = 0, plain_tx_bytes = 0;
    std::uint64_t plain_rx_packets = 0, plain_tx_packets = 0;
    // --secret (userspace): the highest packet id (with its time) the
    // primary key accepted, what --replay-persist saves; id 0: none yet.
    wire::PacketId rx_highest{};
};

// Why a peer went away without being asked to (ovpn-dco-v2 DEL_PEER reasons).
enum class DelReason : std::uint8_t { Teardown, Userspace, Expired, TransportError, TransportDisconnect };

enum class PeerEventKind : std::uint8_t {
    // Gone: the data plane dropped the peer (reason says why): it carries
    // no more traffic. del_peer is not needed but allowed (and frees what
    // is left); until then stats(id) may still answer (userspace: the last
    // counts) or fail (DCO: the kernel forgot the peer).
    Gone,
    RemoteExit,   // an OCC_EXIT came from the peer on the data channel
    KeyExhausted, // the primary key's packet ids are nearly used up: renegotiate
    MtuReply,     // an OCC_MTU_REPLY came (--mtu-test): the sizes are in `mtu`
};

struct PeerEvent {
    PeerId id = 0;
    PeerEventKind kind = PeerEventKind::Gone;
    DelReason reason = DelReason::Teardown; // for Gone
    MtuReport mtu{};                        // for MtuReply
};

using EventSink = std::function<void(const PeerEvent&)>;

// MacLearner: --dev tap P2MP server: asked before a client's frame teaches
// the plane a source MAC it did not know for that client (moved: another
// client had it), as 2.6's multi_learn_addr runs --learn-address there.
// false: not learned, and the frame is dropped (2.6: "Learn FAILED"). It
// runs synchronously on the data path and must not call into the plane.
using MacLearner =
    std::function<bool(PeerId id, const std::array<std::uint8_t, 6>& mac, std::uint16_t vid, bool moved)>;

class DataPlane {
public:
    virtual ~DataPlane() = default;

    // name: "userspace" or "dco", for the log line that says which one runs.
    virtual std::string name() const = 0;
    virtual const Device& device() const = 0;
    // needs_net_admin: whether the data plane keeps talking to the kernel in
    // ways that need CAP_NET_ADMIN after start-up (DCO: every peer and key
    // change), so a --user/--group privilege drop must keep that capability
    // (and fail when it cannot), as 2.6 does with DCO.
    virtual bool needs_net_admin() const = 0;

    // attach: register the device and event descriptors and the data
    // plane's own timers (keepalive) with `loop`; events go to `sink`.
    // Called once, before the first add_peer.
    virtual Status<> attach(io::EventLoop& loop, EventSink sink) = 0;

    virtual Status<> add_peer(const PeerSpec& peer) = 0;
    // del_peer: forget the peer; no Gone event follows for it.
    virtual Status<> del_peer(PeerId id) = 0;
    // update_remote: the peer floated to `remote` (UDP), and talks to
    // `local` (--multihome; else empty); the kernel follows floats itself,
    // so for DCO this only records it.
    virtual Status<> update_remote(PeerId id, const io::SockAddr& remote, const io::LocalEnd& local) = 0;
    // set_iroutes: the networks behind peer `id` (replaces earlier ones).
    // Userspace routes by longest prefix and checks sources; DCO installs
    // kernel routes "net via <peer's VPN address> dev <device> metric 100".
    virtual Status<> set_iroutes(PeerId id, std::vector<IRoute> routes) = 0;

    // install_key: put keys into a slot; the primary slot encrypts.
    virtual Status<> install_key(PeerId id, KeySlot slot, const DataKeys& keys) = 0;
    // swap_keys: exchange primary and secondary (after a renegotiation).
    virtual Status<> swap_keys(PeerId id) = 0;
    virtual Status<> del_key(PeerId id, KeySlot slot) = 0;
    // set_keepalive: send a ping after `interval` without sending; report
    // the peer Gone/Expired after `timeout` without receiving. 0 = off.
    virtual Status<> set_keepalive(PeerId id, std::chrono::seconds interval,
                                   std::chrono::seconds timeout) = 0;

    // on_link_data: data-channel packets (P_DATA_V1/V2) the caller read from
    // peer `id`'s link. Userspace decrypts them in place and delivers them;
    // DCO counts them as dropped (they arrived before the hand-over, or are
    // DATA_V1). Returns how many authenticated (for float and --secret).
    virtual std::size_t on_link_data(PeerId id, std::span<PacketBuf> pkts, TimePoint now) = 0;
    // note_control: a valid control packet crossed peer `id`'s link (rx:
    // from the peer). Userspace counts it for keepalive as 2.6 does.
    virtual void note_control(PeerId id, bool rx, TimePoint now) = 0;
    // send_exit_notify: one OCC_EXIT on the data channel (explicit-exit-
    // notify towards a peer without control-channel EXIT support). Err when
    // the data plane cannot send it (DCO).
    virtual Status<> send_exit_notify(PeerId id, TimePoint now) = 0;
    // send_mtu_probe: one step of --mtu-test towards peer `id` on the data
    // channel (data/mtu_test.hpp): OCC_MTU_LOAD_REQUEST asking for loads of
    // `load_size` bytes, an OCC_MTU_LOAD of that size, or OCC_MTU_REQUEST,
    // whose answer comes back as a MtuReply event. Every peer answers the
    // peer's questions by itself. Err when the data plane cannot send OCC
    // messages (the kernel's: it carries the data channel, as 2.6's DCO).
    virtual Status<> send_mtu_probe(PeerId id, wire::OccType type, std::uint16_t load_size, TimePoint now)
    {
        (void)id;
        (void)type;
        (void)load_size;
        (void)now;
        return Err{std::string("the data channel is offloaded: no OCC messages")};
    }

    virtual Result<PeerStats> stats(PeerId id) = 0;
    // stats_all: every peer at once (a server's status file; one GET_PEER
    // dump with DCO).
    virtual Result<std::vector<std::pair<PeerId, PeerStats>>> stats_all() = 0;
    // drop_counts: named drop counters that are not zero, for logs/status.
    virtual std::vector<std::pair<std::string, std::uint64_t>> drop_counts() const = 0;
    // max_bcast_queue: 2.6's "Max bcast/mcast queue length" of a server's
    // status: the most peers one broadcast/multicast packet from tun was
    // queued for (0 when the kernel routes tun packets, as under DCO).
    virtual std::size_t max_bcast_queue() const { return 0; }
    // set_mac_learner: see MacLearner; planes without a MAC table (tun,
    // DCO, which carries no tap) never ask it.
    virtual void set_mac_learner(MacLearner learn) { (void)learn; }
    // expire_routes: --stale-routes-check: the routes of a multi_peer plane
    // no packet used for `idle` go (they route nothing more) and are
    // returned. The kernel's plane keeps its routes (it does not say when
    // a route was used; 2.6 under DCO only forgets its own copy of them).
    virtual std::vector<StaleRoute> expire_routes(std::chrono::seconds idle)
    {
        (void)idle;
        return {};
    }
};

} // namespace ovpn::data
