// dco/kernel_data_plane.hpp: KernelDataPlane, the data::DataPlane that hands
// the data channel to the ovpn-dco-v2 module (docs/architecture.md, G6). It
// owns one `ovpn-dco` interface (P2P for client/p2p, MP for a server), a
// command socket and a notification socket subscribed to "peers"; the control
// plane keeps the transport sockets and the TLS session.
//
// What it maps (docs/dco-facts.md §3.4-3.8):
//   add_peer      -> NEW_PEER {id, fd, remote (UDP only), local IP, VPN IPs}
//   install_key   -> NEW_KEY (AEAD only; CBC+HMAC or "none" is refused)
//   swap_keys     -> SWAP_KEYS, del_key -> DEL_KEY, del_peer -> DEL_PEER
//   set_keepalive -> SET_PEER {interval, timeout}
//   stats         -> GET_PEER: LINK_* -> link_*, VPN_RX (decrypted, written to
//                    the tunnel) -> tun_rx_*, VPN_TX (read from the tunnel,
//                    before encryption) -> tun_tx_*
//   poll_events   <- DEL_PEER notifications for this interface, except reason
//                    USERSPACE (the echo of our own del_peer, ignored as 2.6 does)
//
// Threading: event-loop thread only. Failure modes: every method returns the
// module's errno text and extended-ACK message; nothing throws.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dco/genl_socket.hpp"
#include "dco/link.hpp"
#include "dco/messages.hpp"
#include "openvpn/data/data_plane.hpp"

namespace ovpn::dco {

struct KernelDataPlaneConfig {
    std::string ifname;            // e.g. "tun0"
    LinkMode mode = LinkMode::P2P; // MP for --mode server
    bool create = true;            // create it unless a device of that name exists
    bool delete_on_close = true;   // RTM_DELLINK when destroyed (only if we created it)
};

class KernelDataPlane final : public data::DataPlane {
public:
    // open: resolve the family, subscribe to "peers", then use the device
    // `ifname` if it exists or else create it (when cfg.create). A reused
    // device is never deleted by us.
    static Result<std::unique_ptr<KernelDataPlane>> open(const KernelDataPlaneConfig& cfg);
    ~KernelDataPlane() override;

    std::string name() const override { return "dco"; }
    // Interim (seam helper): the new DataPlane members, mapped minimally so
    // the tree builds; the dco helper's KernelDataPlane replaces this.
    const data::Device& device() const override { return device_; }
    bool needs_net_admin() const override { return true; }
    Status<> attach(io::EventLoop& loop, data::EventSink sink) override;
    Status<> update_remote(data::PeerId id, const io::SockAddr& remote) override;
    Status<> set_iroutes(data::PeerId id, std::vector<data::IRoute> routes) override;
    std::size_t on_link_data(data::PeerId id, std::span<PacketBuf> pkts, TimePoint now) override;
    void note_control(data::PeerId, bool, TimePoint) override {}
    Status<> send_exit_notify(data::PeerId id, TimePoint now) override;
    std::vector<std::pair<std::string, std::uint64_t>> drop_counts() const override;
    Status<> add_peer(const data::PeerSpec& peer) override;
    Status<> del_peer(data::PeerId id) override;
    Status<> install_key(data::PeerId id, data::KeySlot slot, const data::DataKeys& keys) override;
    Status<> swap_keys(data::PeerId id) override;
    Status<> del_key(data::PeerId id, data::KeySlot slot) override;
    Status<> set_keepalive(data::PeerId id, std::chrono::seconds interval,
                           std::chrono::seconds timeout) override;
    Result<data::PeerStats> stats(data::PeerId id) override;
    int event_fd() const;
    std::vector<data::PeerEvent> poll_events();

    // stats_all: every peer of an MP interface in one GET_PEER dump (for the
    // status file and SIGUSR2, as 2.6 does); empty in P2P mode.
    Result<std::vector<std::pair<data::PeerId, data::PeerStats>>> stats_all() override;

    std::uint32_t ifindex() const { return ifindex_; }
    const std::string& ifname() const { return cfg_.ifname; }
    // Counted drops of the notification socket (malformed messages or reads
    // that failed), for the status output.
    std::uint64_t dropped_notifications() const { return dropped_notifications_; }

private:
    KernelDataPlane(KernelDataPlaneConfig cfg, std::uint32_t ifindex, bool created,
                    std::unique_ptr<GenlSocket> cmd, std::unique_ptr<GenlSocket> events)
        : cfg_(std::move(cfg)), ifindex_(ifindex), created_(created), cmd_(std::move(cmd)),
          events_(std::move(events))
    {
        device_.name = cfg_.ifname;
        device_.ifindex = ifindex_;
        device_.persistent = !created_;
    }

    KernelDataPlaneConfig cfg_;
    std::uint32_t ifindex_ = 0;
    bool created_ = false;
    std::unique_ptr<GenlSocket> cmd_;
    std::unique_ptr<GenlSocket> events_;
    std::uint64_t dropped_notifications_ = 0;
    std::uint64_t data_in_userspace_ = 0;
    data::Device device_;
    io::EventLoop* loop_ = nullptr;
    data::EventSink sink_;
};

// ---- pure mappings (unit-tested) -------------------------------------------

// to_new_peer_msg: the NEW_PEER fields for `peer`; `is_udp` decides whether
// the remote and local addresses are sent (TCP peers need neither). A
// v4-mapped IPv6 remote is sent as AF_INET, like 2.6 does.
Result<NewPeerMsg> to_new_peer_msg(const data::PeerSpec& peer, bool is_udp);
// to_new_key_msg: checks that the cipher is AEAD, the key length fits it
// (16/24/32 for AES-GCM, 32 for ChaCha20-Poly1305) and the nonce tail is 8
// bytes, then maps the slot (Primary -> 0, Secondary -> 1).
Result<NewKeyMsg> to_new_key_msg(data::PeerId id, data::KeySlot slot, const data::DataKeys& keys);
std::uint8_t to_uapi_slot(data::KeySlot slot);
data::PeerStats to_peer_stats(const PeerInfo& info);
data::DelReason to_del_reason(std::uint8_t reason);

} // namespace ovpn::dco
