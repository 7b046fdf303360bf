// dco/genl_socket.cpp: see genl_socket.hpp.
#include "dco/genl_socket.hpp"

#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

namespace ovpn::dco {
namespace {

constexpr int kSocketBuffer = 1 << 20;
constexpr std::size_t kRecvBuffer = 64 * 1024;
// A safety net only: the module answers every request at once, so a reply
// that never comes means a broken kernel, and we must not hang forever.
constexpr int kReplyTimeoutSec = 10;

std::string errno_text(std::string_view what, int err, std::string_view ext = {})
{
    std::string s(what);
    s += ": ";
    s += std::strerror(err);
    s += " (errno " + std::to_string(err) + ")";
    if (!ext.empty()) {
        s += ": ";
        s += ext;
    }
    return s;
}

} // namespace

// ---- NlSocket --------------------------------------------------------------

Result<std::unique_ptr<NlSocket>> NlSocket::open(int protocol)
{
    nl_sock* sk = nl_socket_alloc();
    if (!sk)
        return Err{std::string("netlink: out of memory")};
    std::unique_ptr<NlSocket> s(new NlSocket(sk));
    if (int rc = nl_connect(sk, protocol); rc < 0)
        return Err{std::string("netlink connect: ") + nl_geterror(rc)};
    nl_socket_disable_seq_check(sk);
    nl_socket_set_buffer_size(sk, kSocketBuffer, kSocketBuffer);
    int fd = nl_socket_get_fd(sk);
    int one = 1;
    // Both are best effort: kernels before 4.12 lack extended ACKs.
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    timeval tv{kReplyTimeoutSec, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return s;
}

NlSocket::~NlSocket()
{
    if (sk_)
        nl_socket_free(sk_);
}

int NlSocket::fd() const
{
    return nl_socket_get_fd(sk_);
}

std::uint32_t NlSocket::next_seq()
{
    return nl_socket_use_seq(sk_);
}

Result<std::vector<std::uint8_t>> NlSocket::recv_datagram()
{
    last_errno_ = 0;
    std::vector<std::uint8_t> buf(kRecvBuffer);
    ssize_t n = ::recv(fd(), buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return std::vector<std::uint8_t>{};
        last_errno_ = errno;
        return Err{errno_text("netlink recv", errno)};
    }
    if (static_cast<std::size_t>(n) > buf.size()) {
        last_errno_ = EMSGSIZE;
        return Err{std::string("netlink recv: datagram truncated")};
    }
    buf.resize(static_cast<std::size_t>(n));
    return buf;
}

Status<> NlSocket::join(int group, std::string_view what)
{
    last_errno_ = 0;
    if (::setsockopt(fd(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0) {
        last_errno_ = errno;
        return Err{errno_text(what, errno)};
    }
    return Ok{};
}

Status<> NlSocket::collect(std::uint32_t seq, std::string_view what, std::vector<NlReply>& out, bool& done)
{
    std::vector<std::uint8_t> buf(kRecvBuffer);
    ssize_t n;
    do {
        n = ::recv(fd(), buf.data(), buf.size(), MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        last_errno_ = errno;
        return Err{errno_text(std::string(what) + " (waiting for reply)", errno)};
    }
    if (static_cast<std::size_t>(n) > buf.size())
        return Err{std::string(what) + ": reply truncated"};
    auto msgs = split_messages(Bytes(buf.data(), static_cast<std::size_t>(n)));
    if (!msgs)
        return Err{std::string(what) + ": " + msgs.error()};
    for (const auto& m : *msgs) {
        if (m.seq != seq)
            continue; // a stray message of an earlier, abandoned request
        if (m.type == NLMSG_DONE) {
            // A dump that failed half-way reports the errno in DONE.
            done = true;
            std::int32_t err = 0;
            if (m.payload.size() >= sizeof err)
                std::memcpy(&err, m.payload.data(), sizeof err);
            if (err < 0) {
                last_errno_ = -err;
                return Err{errno_text(what, -err)};
            }
            continue;
        }
        if (m.type == NLMSG_ERROR) {
            auto e = parse_nlmsgerr(m);
            if (!e)
                return Err{std::string(what) + ": " + e.error()};
            done = true;
            if (e->error != 0) {
                last_errno_ = -e->error;
                return Err{errno_text(what, -e->error, e->ext_msg)};
            }
            continue;
        }
        NlReply r;
        r.type = m.type;
        r.payload.assign(m.payload.begin(), m.payload.end());
        if (auto g = parse_genl(m)) {
            r.cmd = g->cmd;
            r.attrs.assign(g->attrs.begin(), g->attrs.end());
        }
        out.push_back(std::move(r));
    }
    return Ok{};
}

Result<std::vector<NlReply>> NlSocket::transact(Bytes msg, std::uint32_t seq, std::string_view what)
{
    last_errno_ = 0;
    if (int rc = nl_sendto(sk_, const_cast<std::uint8_t*>(msg.data()), msg.size()); rc < 0) {
        last_errno_ = EIO;
        return Err{std::string(what) + ": send failed: " + nl_geterror(rc)};
    }
    std::vector<NlReply> replies;
    bool done = false;
    while (!done) {
        if (auto st = collect(seq, what, replies, done); !st)
            return Err{st.error()};
    }
    return replies;
}

// ---- GenlSocket ------------------------------------------------------------

Result<std::unique_ptr<GenlSocket>> GenlSocket::open(std::string_view family)
{
    auto s = NlSocket::open(NETLINK_GENERIC);
    if (!s)
        return Err{s.error()};
    std::string name(family);
    int id = genl_ctrl_resolve((*s)->raw(), name.c_str());
    if (id < 0)
        return Err{"generic netlink family '" + name + "' not found: " + nl_geterror(id)};
    return std::unique_ptr<GenlSocket>(new GenlSocket(std::move(*s), static_cast<std::uint16_t>(id)));
}

Status<> GenlSocket::subscribe_peers()
{
    int grp = genl_ctrl_resolve_grp(sock_->raw(), uapi::kFamilyName, uapi::kMcastGroupPeers);
    if (grp < 0)
        return Err{std::string("multicast group 'peers' not found: ") + nl_geterror(grp)};
    if (auto st = sock_->join(grp, "joining multicast group 'peers'"); !st)
        return st;
    if (int rc = nl_socket_set_nonblocking(sock_->raw()); rc < 0)
        return Err{std::string("netlink non-blocking: ") + nl_geterror(rc)};
    return Ok{};
}

Result<NotificationBatch> GenlSocket::read_notifications(std::uint32_t ifindex)
{
    NotificationBatch all;
    for (;;) {
        auto dgram = sock_->recv_datagram();
        if (!dgram) {
            // ENOBUFS: the socket overran and notifications were lost; the
            // caller must resynchronise. Keep reading what is still queued.
            if (sock_->last_errno() == ENOBUFS) {
                ++all.lost;
                continue;
            }
            if (all.del_peer.empty() && all.lost == 0)
                return Err{dgram.error()};
            return all;
        }
        if (dgram->empty())
            return all;
        auto batch = parse_notifications(*dgram, family_, ifindex);
        if (!batch) {
            ++all.malformed;
            continue;
        }
        all.del_peer.insert(all.del_peer.end(), batch->del_peer.begin(), batch->del_peer.end());
        all.malformed += batch->malformed;
        all.ignored += batch->ignored;
    }
}

Result<std::vector<NlReply>> GenlSocket::request(std::uint8_t cmd, Bytes attrs, std::uint16_t extra_flags,
                                                 std::string_view what)
{
    std::uint32_t seq = sock_->next_seq();
    auto msg = frame_genl(family_, cmd, static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | extra_flags),
                          seq, attrs);
    if (!msg)
        return Err{std::string(what) + ": " + msg.error()};
    return sock_->transact(*msg, seq, what);
}

Status<> GenlSocket::simple(std::uint8_t cmd, Result<SecureBytes> attrs, std::string_view what)
{
    if (!attrs)
        return Err{std::string(what) + ": " + attrs.error()};
    auto r = request(cmd, *attrs, 0, what);
    if (!r)
        return Err{r.error()};
    return Ok{};
}

Status<> GenlSocket::new_peer(std::uint32_t ifindex, const NewPeerMsg& m)
{
    return simple(uapi::CMD_NEW_PEER, build_new_peer(ifindex, m), "NEW_PEER");
}

Status<> GenlSocket::set_peer(std::uint32_t ifindex, std::uint32_t peer_id, std::uint32_t interval,
                              std::uint32_t timeout)
{
    return simple(uapi::CMD_SET_PEER, build_set_peer(ifindex, peer_id, interval, timeout), "SET_PEER");
}

Status<> GenlSocket::del_peer(std::uint32_t ifindex, std::uint32_t peer_id)
{
    return simple(uapi::CMD_DEL_PEER, build_del_peer(ifindex, peer_id), "DEL_PEER");
}

Status<> GenlSocket::new_key(std::uint32_t ifindex, const NewKeyMsg& m)
{
    return simple(uapi::CMD_NEW_KEY, build_new_key(ifindex, m), "NEW_KEY");
}

Status<> GenlSocket::swap_keys(std::uint32_t ifindex, std::uint32_t peer_id)
{
    return simple(uapi::CMD_SWAP_KEYS, build_swap_keys(ifindex, peer_id), "SWAP_KEYS");
}

Status<> GenlSocket::del_key(std::uint32_t ifindex, std::uint32_t peer_id, std::uint8_t slot)
{
    return simple(uapi::CMD_DEL_KEY, build_del_key(ifindex, peer_id, slot), "DEL_KEY");
}

Result<PeerInfo> GenlSocket::get_peer(std::uint32_t ifindex, std::uint32_t peer_id)
{
    auto attrs = build_get_peer(ifindex, peer_id);
    if (!attrs)
        return Err{attrs.error()};
    auto replies = request(uapi::CMD_GET_PEER, *attrs, 0, "GET_PEER");
    if (!replies)
        return Err{replies.error()};
    for (const auto& r : *replies) {
        if (r.type == family_ && r.cmd == uapi::CMD_GET_PEER)
            return parse_get_peer_reply(r.attrs);
    }
    return Err{std::string("GET_PEER: no reply from the module")};
}

Result<std::vector<PeerInfo>> GenlSocket::get_peer_dump(std::uint32_t ifindex)
{
    auto attrs = build_get_peer_dump(ifindex);
    if (!attrs)
        return Err{attrs.error()};
    auto replies = request(uapi::CMD_GET_PEER, *attrs, NLM_F_DUMP, "GET_PEER dump");
    if (!replies)
        return Err{replies.error()};
    std::vector<PeerInfo> peers;
    for (const auto& r : *replies) {
        if (r.type != family_ || r.cmd != uapi::CMD_GET_PEER)
            continue;
        auto p = parse_get_peer_reply(r.attrs);
        if (!p)
            return Err{"GET_PEER dump: " + p.error()};
        peers.push_back(std::move(*p));
    }
    return peers;
}

} // namespace ovpn::dco
