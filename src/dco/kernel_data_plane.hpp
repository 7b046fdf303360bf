// dco/kernel_data_plane.hpp: KernelDataPlane, the data::DataPlane that hands
// the data channel to the ovpn-dco-v2 module, driven the way OpenVPN 2.6.14
// drives it (docs/dco-facts.md §3), with 2.6.20's notification handling.
//
// It owns one `ovpn-dco` device (P2P for a client or p2p, MP for a server),
// a command socket, a notification socket joined to "peers" and an
// rtnetlink socket, all opened in the network namespace of open() and used
// only there. The control plane keeps the transport sockets and the TLS
// session; control packets keep arriving on its sockets (the module passes
// every non-DATA_V2 packet up, over TCP as length-prefixed records).
//
//   open          RTM_NEWLINK kind ovpn-dco ("--dev tun": tun0..tun255, the
//                 first that can be created; else exactly --dev; an existing
//                 ovpn-dco device is reused and left in place; an existing
//                 device of another kind is refused)
//   attach        the notification socket joins the event loop
//   add_peer      NEW_PEER {PEER_ID = tx_peer_id, fd, UDP: remote (+LOCAL_IP
//                 with --multihome), MP: VPN IPv4/IPv6}; TCP: the socket must
//                 not hold part of a record, and it reads in bulk afterwards
//   install_key   NEW_KEY (AEAD only), swap_keys SWAP_KEYS, del_key DEL_KEY
//   set_keepalive SET_PEER {interval, timeout}
//   stats         GET_PEER; stats_all: GET_PEER dump (MP) / each peer (P2P)
//   set_iroutes   kernel routes "net/bits via <peer VPN address> dev <ifindex>
//                 metric 100" (2.6's DCO_IROUTE_METRIC), replaced as a set,
//                 removed with the peer and at close
//   del_peer      DEL_PEER (a peer the kernel already dropped, or one reported
//                 Gone, is not an error)
//   events        every DEL_PEER notification for our device is handled on
//                 its own when the loop sees the socket readable: USERSPACE
//                 (the echo of our own DEL_PEER) is ignored, any other reason
//                 is PeerEvent Gone with that reason
//   on_link_data  data packets userspace still read (before the hand-over,
//                 or P_DATA_V1) are counted and dropped; DATA_V1 is logged as
//                 2.6 does, at most once a minute
//   send_exit_notify  Err: the module cannot send data-channel OCC packets
//
// Threading: event-loop thread only. Nothing throws; errors carry the errno
// text and the module's extended-ACK message.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dco/genl_socket.hpp"
#include "dco/link.hpp"
#include "dco/mapping.hpp"
#include "dco/messages.hpp"
#include "openvpn/core/log.hpp"
#include "openvpn/data/data_plane.hpp"

namespace ovpn::dco {

struct KernelDataPlaneConfig {
    // dev: --dev. "tun" picks tun0..tun255 (the first that can be created),
    // anything else is that exact name (reused if it is an ovpn-dco device).
    std::string dev = "tun";
    LinkMode mode = LinkMode::P2P; // MP for --mode server
    // create: false = only use an existing ovpn-dco device (tools, tests).
    bool create = true;
    Logger* log = nullptr; // not owned; for the DATA_V1 warning only
};

// OpenError: why open() failed, so the caller can fall back to the
// userspace data plane and say why with 2.6's words.
enum class OpenErrorKind : std::uint8_t {
    FamilyMissing, // no ovpn-dco-v2 generic netlink family: module not loaded/loadable
    NotPermitted,  // EPERM / EACCES creating the device or talking to the family
    NotDcoDevice,  // a fixed --dev name exists and is not an ovpn-dco device
    NoFreeName,    // --dev tun: tun0..tun255 all exist
    CreateFailed,  // RTM_NEWLINK failed otherwise (err says why)
    Netlink,       // a netlink socket could not be opened or used
};
struct OpenError {
    OpenErrorKind kind = OpenErrorKind::Netlink;
    int err = 0; // errno, when there is one
    // message: 2.6's wording where it has one, e.g. "Kernel support for
    // ovpn-dco missing", "Interface tun7 exists and is non-DCO", "Cannot open
    // DCO device tun0: Operation not permitted (-1)".
    std::string message;
};
const char* open_error_name(OpenErrorKind k) noexcept;

class KernelDataPlane final : public data::DataPlane {
public:
    // open: the device is there and usable when this returns. The caller
    // logs 2.6's line from device(): persistent ? "DCO device X already
    // exists, won't be destroyed at shutdown" : "DCO device X opened".
    static Result<std::unique_ptr<KernelDataPlane>, OpenError> open(const KernelDataPlaneConfig& cfg);
    // ~KernelDataPlane: removes our iroutes, deletes our peers, leaves the
    // loop, and deletes the device unless it existed before open().
    ~KernelDataPlane() override;
    KernelDataPlane(const KernelDataPlane&) = delete;
    KernelDataPlane& operator=(const KernelDataPlane&) = delete;

    std::string name() const override { return "dco"; }
    const data::Device& device() const override { return device_; }
    // needs_net_admin: every peer and key change is a netlink request that
    // needs CAP_NET_ADMIN (2.6 keeps it through libcap-ng under --user).
    bool needs_net_admin() const override { return true; }

    // attach: `loop` must outlive the data plane (the destructor leaves it).
    Status<> attach(io::EventLoop& loop, data::EventSink sink) override;

    Status<> add_peer(const data::PeerSpec& peer) override;
    Status<> del_peer(data::PeerId id) override;
    Status<> update_remote(data::PeerId id, const io::SockAddr& remote, const io::LocalEnd& local) override;
    Status<> set_iroutes(data::PeerId id, std::vector<data::IRoute> routes) override;

    Status<> install_key(data::PeerId id, data::KeySlot slot, const data::DataKeys& keys) override;
    Status<> swap_keys(data::PeerId id) override;
    Status<> del_key(data::PeerId id, data::KeySlot slot) override;
    Status<> set_keepalive(data::PeerId id, std::chrono::seconds interval,
                           std::chrono::seconds timeout) override;

    std::size_t on_link_data(data::PeerId id, std::span<PacketBuf> pkts, TimePoint now) override;
    void note_control(data::PeerId, bool, TimePoint) override {}
    Status<> send_exit_notify(data::PeerId id, TimePoint now) override;

    Result<data::PeerStats> stats(data::PeerId id) override;
    Result<std::vector<std::pair<data::PeerId, data::PeerStats>>> stats_all() override;
    std::vector<std::pair<std::string, std::uint64_t>> drop_counts() const override;

    LinkMode mode() const { return mode_; }
    // kernel_peer_id: the module's id for our peer `id` (tests, logs).
    std::optional<std::uint32_t> kernel_peer_id(data::PeerId id) const;
    // read_notifications: what the loop calls when the notification socket
    // is readable (public for tools that run without a loop).
    void read_notifications();

private:
    struct Sockets {
        std::unique_ptr<GenlSocket> cmd, events;
        std::unique_ptr<RtnlSocket> rtnl;
    };
    KernelDataPlane(const KernelDataPlaneConfig& cfg, Sockets s, data::Device dev);

    Result<const PeerBook::Peer*> peer(data::PeerId id) const;
    Status<> install_routes(PeerBook::Peer& p, std::vector<RouteSpec> want);
    void remove_routes(PeerBook::Peer& p);
    void resync_after_overrun(std::vector<data::PeerEvent>& events);
    void deliver(std::vector<data::PeerEvent> events);
    void note_data_v1(TimePoint now);

    LinkMode mode_;
    Logger* log_;
    Sockets s_;
    data::Device device_;
    bool created_ = false;
    io::EventLoop* loop_ = nullptr;
    data::EventSink sink_;
    PeerBook book_;
    // gone_: handles reported Gone and not deleted yet; del_peer of one is
    // allowed and harmless (data_plane.hpp), any other use is an error.
    std::set<data::PeerId> gone_;
    // counters for drop_counts()
    std::uint64_t data_in_userspace_ = 0, data_v1_ = 0;
    std::uint64_t notifications_lost_ = 0, notifications_malformed_ = 0;
    std::optional<TimePoint> data_v1_logged_;
    std::uint64_t data_v1_unlogged_ = 0;
};

} // namespace ovpn::dco
