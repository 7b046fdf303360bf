// dco/genl_socket.hpp: the only code of src/dco that talks to the kernel over
// netlink (style G3, G11). NlSocket is a libnl socket that sends one request
// and collects the replies that belong to it (matched by sequence number) up
// to the ACK, NLMSG_DONE or error; errors carry the errno text and the
// module's extended-ACK message. GenlSocket resolves the ovpn-dco-v2 family
// and has one method per command; the bytes come from messages.hpp.
//
// Notifications never share a socket with requests here: the data plane
// opens one GenlSocket for commands and a second one subscribed to "peers",
// so a DEL_PEER that arrives while a request waits for its ACK can never be
// lost or mistaken for a reply (the OpenVPN 2.6.14 bug, openvpn#900/#918).
//
// Threading: a socket is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dco/messages.hpp"
#include "openvpn/core/result.hpp"

struct nl_sock;

namespace ovpn::dco {

// One reply of a request: the netlink type and, for generic netlink, the
// genl command with a copy of its attribute stream.
struct NlReply {
    std::uint16_t type = 0;
    std::uint8_t cmd = 0;
    std::vector<std::uint8_t> attrs;   // generic netlink: after the genl header
    std::vector<std::uint8_t> payload; // everything after the nlmsghdr (rtnetlink)
};

// NlError text convention used by every request: "<what>: <strerror>
// (errno N)[: <extended ack>]". last_errno() keeps N for callers that branch.
class NlSocket {
public:
    // open: a connected netlink socket of `protocol` (NETLINK_GENERIC or
    // NETLINK_ROUTE), extended ACKs on, ACKs capped, 1 MiB buffers.
    static Result<std::unique_ptr<NlSocket>> open(int protocol);
    ~NlSocket();
    NlSocket(const NlSocket&) = delete;
    NlSocket& operator=(const NlSocket&) = delete;

    int fd() const;
    nl_sock* raw() const { return sk_; }
    std::uint32_t next_seq();

    // transact: send one complete message whose nlmsg_seq is `seq` (it must
    // request an ACK or be a dump), then read until its ACK/DONE/error.
    // `what` names the request in the error text.
    Result<std::vector<NlReply>> transact(Bytes msg, std::uint32_t seq, std::string_view what);

    // recv_datagram: one non-blocking read; empty when nothing is pending.
    Result<std::vector<std::uint8_t>> recv_datagram();

    // join: add the socket to multicast group `group`; a refusal (EPERM when
    // the module admits only CAP_NET_ADMIN) keeps its errno in last_errno().
    Status<> join(int group, std::string_view what);

    int last_errno() const { return last_errno_; }

private:
    explicit NlSocket(nl_sock* sk) : sk_(sk) {}
    Status<> collect(std::uint32_t seq, std::string_view what, std::vector<NlReply>& out, bool& done);

    nl_sock* sk_ = nullptr;
    int last_errno_ = 0;
};

class GenlSocket {
public:
    // open: connect and resolve `family` (fails if the module is absent).
    static Result<std::unique_ptr<GenlSocket>> open(std::string_view family = uapi::kFamilyName);

    std::uint16_t family_id() const { return family_; }
    int fd() const { return sock_->fd(); }
    int last_errno() const { return sock_->last_errno(); }

    // subscribe_peers: join multicast group "peers" and make the socket
    // non-blocking; use this socket only for read_notifications() afterwards.
    Status<> subscribe_peers();
    // read_notifications: drain what is pending (non-blocking); DEL_PEER
    // events for `ifindex` (0 = all) plus counts of malformed/ignored ones
    // and of overruns (ENOBUFS: notifications were lost).
    Result<NotificationBatch> read_notifications(std::uint32_t ifindex);

    Status<> new_peer(std::uint32_t ifindex, const NewPeerMsg& m);
    Status<> set_peer(std::uint32_t ifindex, std::uint32_t peer_id, std::uint32_t interval,
                      std::uint32_t timeout);
    Status<> del_peer(std::uint32_t ifindex, std::uint32_t peer_id);
    Status<> new_key(std::uint32_t ifindex, const NewKeyMsg& m);
    Status<> swap_keys(std::uint32_t ifindex, std::uint32_t peer_id);
    Status<> del_key(std::uint32_t ifindex, std::uint32_t peer_id, std::uint8_t slot);
    Result<PeerInfo> get_peer(std::uint32_t ifindex, std::uint32_t peer_id);
    Result<std::vector<PeerInfo>> get_peer_dump(std::uint32_t ifindex);

    // request: send any attribute stream as `cmd` (with ACK) and return the
    // replies; the typed methods above use it, and so does the CLI to send
    // deliberately malformed requests in negative tests.
    Result<std::vector<NlReply>> request(std::uint8_t cmd, Bytes attrs, std::uint16_t extra_flags,
                                         std::string_view what);

private:
    GenlSocket(std::unique_ptr<NlSocket> s, std::uint16_t family) : sock_(std::move(s)), family_(family) {}
    Status<> simple(std::uint8_t cmd, Result<SecureBytes> attrs, std::string_view what);

    std::unique_ptr<NlSocket> sock_;
    std::uint16_t family_ = 0;
};

} // namespace ovpn::dco
