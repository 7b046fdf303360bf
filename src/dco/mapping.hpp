// dco/mapping.hpp: the pure half of KernelDataPlane (no syscalls, all
// unit-tested in tests/unit/dco/): how DataPlane calls become ovpn-dco-v2
// requests, how replies and notifications become DataPlane results, 2.6's
// device naming and the iroute routes. docs/dco-facts.md §2-§3 is the spec.
//
// Peer ids: a DataPlane peer has our handle (PeerSpec::id) and the id the
// kernel knows it by, which is the id on the wire in both directions. 2.6
// uses the peer-id the server pushed as PEER_ID on the client, and the
// instance id (the very value it pushes) on the server, so the kernel id is
// always PeerSpec::tx_peer_id; the handle is only ours (a client's is 0).
#pragma once

#include <netinet/in.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dco/messages.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/io/sock_addr.hpp"

namespace ovpn::io {
class LinkSocket;
}

namespace ovpn::dco {

enum class LinkMode : std::uint8_t { P2P = 0, MP = 1 };

inline constexpr std::uint32_t kMaxKernelPeerId = 0xFFFFFF; // 24 bits on the wire
// kIrouteMetric: 2.6's DCO_IROUTE_METRIC; its --route default under DCO is
// 200 (DCO_DEFAULT_METRIC), so an iroute always wins.
inline constexpr std::uint32_t kIrouteMetric = 100;

// ---- device naming (2.6's open_tun_dco_generic) ----------------------------

// candidate_names: "--dev tun" tries tun0 .. tun255 and takes the first that
// can be created; any other --dev is exactly that name.
std::vector<std::string> candidate_names(std::string_view dev);

// ---- NEW_PEER --------------------------------------------------------------

// LinkFacts: what NEW_PEER needs from the transport socket.
struct LinkFacts {
    int fd = -1;
    bool udp = true;
    io::SockAddr connected_remote; // the connected peer, or empty
};
LinkFacts link_facts(const io::LinkSocket& link);

// to_new_peer_msg: NEW_PEER for `peer` (dco-facts §3.4/3.5):
//   PEER_ID = *tx_peer_id (nullopt = P_DATA_V1, refused: DCO has no V1);
//   UDP: SOCKADDR_REMOTE = peer.remote, or the socket's connected peer
//        (v4-mapped sent as AF_INET); LOCAL_IP only for a --multihome local;
//   TCP: neither (the kernel uses the connected socket);
//   MP:  the VPN IPv4/IPv6 (at least one; the kernel routes by them);
//   P2P: no VPN addresses (the one peer takes everything).
// Compression other than None is refused with 2.6's message; --fragment
// (PeerSpec::fragment != 0) is refused too.
Result<NewPeerMsg> to_new_peer_msg(const data::PeerSpec& peer, const LinkFacts& link, LinkMode mode);

// ---- keys, keepalive, stats, reasons ---------------------------------------

// to_new_key_msg: AEAD only; checks key (16/24/32 AES-GCM, 32 ChaCha20) and
// nonce-tail (8) lengths and key id (0..7); Primary -> slot 0, Secondary -> 1.
Result<NewKeyMsg> to_new_key_msg(std::uint32_t kernel_id, data::KeySlot slot, const data::DataKeys& keys);
std::uint8_t to_uapi_slot(data::KeySlot slot);
// keepalive_secs: a --ping / --ping-restart value as SET_PEER's u32 seconds.
Result<std::uint32_t> keepalive_secs(std::chrono::seconds s);
// to_peer_stats: the documented direction (data_plane.hpp): LINK_RX/TX ->
// link_rx/tx (encrypted, from/to the peer), VPN_RX (decrypted from the
// peer) -> plain_rx, VPN_TX (taken for the peer before encryption) -> plain_tx.
data::PeerStats to_peer_stats(const PeerInfo& info);
data::DelReason to_del_reason(std::uint8_t reason);

// ---- iroutes ---------------------------------------------------------------

// RouteSpec: "dst/prefix via gw dev ifindex metric N" in the main table.
struct RouteSpec {
    int family = AF_INET;
    std::array<std::uint8_t, 16> dst{}; // host bits cleared
    std::uint8_t prefix_len = 0;
    std::array<std::uint8_t, 16> gw{}; // the peer's VPN address
    std::uint32_t ifindex = 0;
    std::uint32_t metric = kIrouteMetric;
    friend bool operator==(const RouteSpec&, const RouteSpec&) = default;
};
// to_route_spec: the kernel route for one iroute of a peer. nullopt when
// the peer has no VPN address of the route's family (2.6 skips the route
// then); an error for a bad family or prefix length.
Result<std::optional<RouteSpec>> to_route_spec(const data::IRoute& r, const std::optional<in_addr>& vpn4,
                                               const std::optional<in6_addr>& vpn6, std::uint32_t ifindex);
// route_text: "10.0.0.0/24 via 10.8.0.2 dev #7 metric 100" for errors/logs.
std::string route_text(const RouteSpec& r);

// ---- the peer book ---------------------------------------------------------

// PeerBook: our peers by handle and by kernel id, and the decision what a
// DEL_PEER notification means (2.6.20's handling, independent of requests):
//   - after our DEL_PEER exactly one notification for that kernel id is
//     still to come, whatever its reason: the echo (USERSPACE, or TEARDOWN
//     when the module's racy delete_reason write loses, dco-facts §4.11),
//     or the notification of the kernel's own earlier deletion when
//     DEL_PEER said ENOENT. It is swallowed, so it can never hit a new peer
//     that reuses the id;
//   - reason USERSPACE is otherwise ignored too (2.6 does the same);
//   - a notification for a kernel id we do not know is ignored;
//   - anything else is Gone for that peer's handle, which leaves the book.
class PeerBook {
public:
    struct Peer {
        data::PeerId handle = 0;
        std::uint32_t kernel_id = 0;
        io::LinkSocket* link = nullptr;
        bool udp = true;
        io::SockAddr remote;
        std::optional<in_addr> vpn_ipv4;
        std::optional<in6_addr> vpn_ipv6;
        std::vector<RouteSpec> routes; // installed iroutes
    };

    // add: a new peer; refuses a handle or kernel id already in use.
    Status<> add(Peer p);
    Peer* find(data::PeerId handle);
    const Peer* find(data::PeerId handle) const;
    std::optional<data::PeerId> handle_of(std::uint32_t kernel_id) const;
    // remove: forget a peer; `notification_pending`: a DEL_PEER
    // notification for it will still arrive (after our DEL_PEER: always).
    void remove(data::PeerId handle, bool notification_pending);
    // on_notification: the Gone event and the peer it took out of the book
    // (its routes are still to be removed), if the notification means one.
    struct Gone {
        data::PeerEvent event;
        Peer peer;
    };
    std::optional<Gone> on_notification(std::uint32_t kernel_id, std::uint8_t reason);
    // forget_pending: after lost notifications (socket overrun) nothing
    // that is still expected can be trusted to come.
    void forget_pending() { pending_.clear(); }

    std::size_t size() const { return peers_.size(); }
    const std::map<data::PeerId, Peer>& all() const { return peers_; }

private:
    std::map<data::PeerId, Peer> peers_;
    std::map<std::uint32_t, unsigned> pending_; // kernel id -> stale notifications to swallow
};

} // namespace ovpn::dco
