// dco/kernel_data_plane.cpp: see kernel_data_plane.hpp.
#include "dco/kernel_data_plane.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"

namespace ovpn::dco {
namespace {

constexpr data::PeerId kMaxPeerId = 0xFFFFFF; // 24 bits on the wire

bool is_zero(const void* p, std::size_t n)
{
    const auto* b = static_cast<const std::uint8_t*>(p);
    for (std::size_t i = 0; i < n; ++i) {
        if (b[i] != 0)
            return false;
    }
    return true;
}

bool is_v4_mapped(const in6_addr& a)
{
    return IN6_IS_ADDR_V4MAPPED(&a);
}

// remote_for_kernel: the peer's address as the module wants it.
Result<sockaddr_storage> remote_for_kernel(const sockaddr_storage& in)
{
    if (in.ss_family == AF_INET)
        return in;
    if (in.ss_family != AF_INET6)
        return Err{std::string("UDP peer needs an AF_INET or AF_INET6 remote address")};
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&in);
    if (!is_v4_mapped(in6->sin6_addr))
        return in;
    sockaddr_storage out{};
    auto* in4 = reinterpret_cast<sockaddr_in*>(&out);
    in4->sin_family = AF_INET;
    in4->sin_port = in6->sin6_port;
    std::memcpy(&in4->sin_addr, in6->sin6_addr.s6_addr + 12, 4);
    return out;
}

// local_for_kernel: 4 or 16 bytes, empty when unset.
std::vector<std::uint8_t> local_for_kernel(const sockaddr_storage& local, sa_family_t remote_family)
{
    if (local.ss_family == AF_INET) {
        const auto* in4 = reinterpret_cast<const sockaddr_in*>(&local);
        if (is_zero(&in4->sin_addr, 4))
            return {};
        const auto* p = reinterpret_cast<const std::uint8_t*>(&in4->sin_addr);
        return {p, p + 4};
    }
    if (local.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&local);
        if (is_zero(&in6->sin6_addr, 16))
            return {};
        const auto* p = in6->sin6_addr.s6_addr;
        if (remote_family == AF_INET && is_v4_mapped(in6->sin6_addr))
            return {p + 12, p + 16};
        return {p, p + 16};
    }
    return {};
}

std::size_t key_len_for(data::CipherAlg c)
{
    switch (c) {
    case data::CipherAlg::Aes128Gcm:
        return 16;
    case data::CipherAlg::Aes192Gcm:
        return 24;
    case data::CipherAlg::Aes256Gcm:
    case data::CipherAlg::Chacha20Poly1305:
        return 32;
    default:
        return 0;
    }
}

Result<KeyDirMsg> to_key_dir(const data::DirectionKeys& k, std::size_t key_len, const char* dir)
{
    if (k.cipher_key.size() != key_len)
        return Err{std::string("DCO: ") + dir + " key is " + std::to_string(k.cipher_key.size()) +
                   " bytes, the cipher needs " + std::to_string(key_len)};
    if (k.implicit_iv.size() != uapi::kNonceTailSize)
        return Err{std::string("DCO: ") + dir + " nonce tail must be 8 bytes"};
    KeyDirMsg out;
    out.cipher_key = k.cipher_key;
    out.nonce_tail = k.implicit_iv;
    return out;
}

} // namespace

// ---- pure mappings ---------------------------------------------------------

Result<NewPeerMsg> to_new_peer_msg(const data::PeerSpec& peer, bool is_udp)
{
    if (peer.id > kMaxPeerId)
        return Err{"DCO: peer id " + std::to_string(peer.id) + " does not fit in 24 bits"};
    if (peer.link == nullptr || peer.link->fd() < 0)
        return Err{std::string("DCO: peer has no transport socket")};
    NewPeerMsg m;
    m.peer_id = peer.id;
    m.socket_fd = static_cast<std::uint32_t>(peer.link->fd());
    if (is_udp) {
        auto remote = remote_for_kernel(peer.remote.ss);
        if (!remote)
            return Err{remote.error()};
        m.remote = *remote;
        m.local_ip = local_for_kernel(peer.local.ss, remote->ss_family);
    }
    if (peer.vpn_ipv4 && peer.vpn_ipv4->s_addr != 0)
        m.vpn_ipv4 = peer.vpn_ipv4;
    if (peer.vpn_ipv6 && !is_zero(&*peer.vpn_ipv6, sizeof(in6_addr)))
        m.vpn_ipv6 = peer.vpn_ipv6;
    return m;
}

std::uint8_t to_uapi_slot(data::KeySlot slot)
{
    return slot == data::KeySlot::Primary ? uapi::KEY_SLOT_PRIMARY : uapi::KEY_SLOT_SECONDARY;
}

Result<NewKeyMsg> to_new_key_msg(data::PeerId id, data::KeySlot slot, const data::DataKeys& keys)
{
    if (!data::is_aead(keys.cipher))
        return Err{"DCO supports only AEAD ciphers (AES-GCM, CHACHA20-POLY1305), not '" +
                   (keys.cipher_name.empty() ? std::string("none") : keys.cipher_name) + "'"};
    if (keys.key_id > 7)
        return Err{"DCO: key id " + std::to_string(keys.key_id) + " out of range 0..7"};
    std::size_t len = key_len_for(keys.cipher);
    auto enc = to_key_dir(keys.encrypt, len, "encrypt");
    if (!enc)
        return Err{enc.error()};
    auto dec = to_key_dir(keys.decrypt, len, "decrypt");
    if (!dec)
        return Err{dec.error()};
    NewKeyMsg m;
    m.peer_id = id;
    m.slot = to_uapi_slot(slot);
    m.key_id = keys.key_id;
    m.cipher = keys.cipher == data::CipherAlg::Chacha20Poly1305 ? uapi::CIPHER_ALG_CHACHA20_POLY1305
                                                                : uapi::CIPHER_ALG_AES_GCM;
    m.encrypt = std::move(*enc);
    m.decrypt = std::move(*dec);
    return m;
}

data::PeerStats to_peer_stats(const PeerInfo& info)
{
    data::PeerStats s;
    s.link_rx_bytes = info.link_rx_bytes;
    s.link_tx_bytes = info.link_tx_bytes;
    s.link_rx_packets = info.link_rx_packets;
    s.link_tx_packets = info.link_tx_packets;
    s.plain_rx_bytes = info.vpn_rx_bytes;
    s.plain_tx_bytes = info.vpn_tx_bytes;
    s.plain_rx_packets = info.vpn_rx_packets;
    s.plain_tx_packets = info.vpn_tx_packets;
    return s;
}

data::DelReason to_del_reason(std::uint8_t reason)
{
    switch (reason) {
    case uapi::DEL_PEER_REASON_USERSPACE:
        return data::DelReason::Userspace;
    case uapi::DEL_PEER_REASON_EXPIRED:
        return data::DelReason::Expired;
    case uapi::DEL_PEER_REASON_TRANSPORT_ERROR:
        return data::DelReason::TransportError;
    case uapi::DEL_PEER_REASON_TRANSPORT_DISCONNECT:
        return data::DelReason::TransportDisconnect;
    default:
        return data::DelReason::Teardown;
    }
}

// ---- KernelDataPlane -------------------------------------------------------

Result<std::unique_ptr<KernelDataPlane>> KernelDataPlane::open(const KernelDataPlaneConfig& cfg)
{
    auto cmd = GenlSocket::open();
    if (!cmd)
        return Err{cmd.error()};
    auto events = GenlSocket::open();
    if (!events)
        return Err{events.error()};
    if (auto st = (*events)->subscribe_peers(); !st)
        return Err{st.error()};
    // An existing device of that name is reused and left in place at the
    // end, like 2.6 does ("DCO device X already exists, won't be destroyed").
    bool created = false;
    Result<std::uint32_t> idx = link_index(cfg.ifname);
    if (!idx && cfg.create) {
        idx = create_link(cfg.ifname, cfg.mode);
        created = idx.ok();
    }
    if (!idx)
        return Err{idx.error()};
    return std::unique_ptr<KernelDataPlane>(
        new KernelDataPlane(cfg, *idx, created, std::move(*cmd), std::move(*events)));
}

KernelDataPlane::~KernelDataPlane()
{
    if (loop_ != nullptr)
        loop_->remove_fd(event_fd());
    if (created_ && cfg_.delete_on_close)
        (void)delete_link(ifindex_);
}

Status<> KernelDataPlane::add_peer(const data::PeerSpec& peer)
{
    int type = 0;
    socklen_t len = sizeof type;
    if (peer.link == nullptr || getsockopt(peer.link->fd(), SOL_SOCKET, SO_TYPE, &type, &len) < 0)
        return Err{std::string("DCO: transport fd is not a socket: ") + std::strerror(errno)};
    auto msg = to_new_peer_msg(peer, type == SOCK_DGRAM);
    if (!msg)
        return Err{msg.error()};
    return cmd_->new_peer(ifindex_, *msg);
}

Status<> KernelDataPlane::del_peer(data::PeerId id)
{
    auto st = cmd_->del_peer(ifindex_, id);
    // Already gone (expired or torn down by the kernel): the goal is reached.
    if (!st && cmd_->last_errno() == ENOENT)
        return Ok{};
    return st;
}

Status<> KernelDataPlane::install_key(data::PeerId id, data::KeySlot slot, const data::DataKeys& keys)
{
    auto msg = to_new_key_msg(id, slot, keys);
    if (!msg)
        return Err{msg.error()};
    return cmd_->new_key(ifindex_, *msg);
}

Status<> KernelDataPlane::swap_keys(data::PeerId id)
{
    return cmd_->swap_keys(ifindex_, id);
}

Status<> KernelDataPlane::del_key(data::PeerId id, data::KeySlot slot)
{
    return cmd_->del_key(ifindex_, id, to_uapi_slot(slot));
}

Status<> KernelDataPlane::set_keepalive(data::PeerId id, std::chrono::seconds interval,
                                        std::chrono::seconds timeout)
{
    if (interval.count() < 0 || timeout.count() < 0 || interval.count() > UINT32_MAX ||
        timeout.count() > UINT32_MAX)
        return Err{std::string("DCO: keepalive values out of range")};
    return cmd_->set_peer(ifindex_, id, static_cast<std::uint32_t>(interval.count()),
                          static_cast<std::uint32_t>(timeout.count()));
}

Result<data::PeerStats> KernelDataPlane::stats(data::PeerId id)
{
    auto info = cmd_->get_peer(ifindex_, id);
    if (!info)
        return Err{info.error()};
    return to_peer_stats(*info);
}

Result<std::vector<std::pair<data::PeerId, data::PeerStats>>> KernelDataPlane::stats_all()
{
    auto peers = cmd_->get_peer_dump(ifindex_);
    if (!peers)
        return Err{peers.error()};
    std::vector<std::pair<data::PeerId, data::PeerStats>> out;
    out.reserve(peers->size());
    for (const auto& p : *peers)
        out.emplace_back(p.peer_id, to_peer_stats(p));
    return out;
}

int KernelDataPlane::event_fd() const
{
    return events_->fd();
}

std::vector<data::PeerEvent> KernelDataPlane::poll_events()
{
    std::vector<data::PeerEvent> out;
    auto batch = events_->read_notifications(ifindex_);
    if (!batch) {
        ++dropped_notifications_; // e.g. ENOBUFS after a burst; keep going
        return out;
    }
    dropped_notifications_ += batch->malformed;
    for (const auto& ev : batch->del_peer) {
        if (ev.reason == uapi::DEL_PEER_REASON_USERSPACE)
            continue;
        out.push_back(data::PeerEvent{ev.peer_id, data::PeerEventKind::Gone, to_del_reason(ev.reason)});
    }
    return out;
}

// ---- interim mapping of the new DataPlane members (seam helper) ----

Status<> KernelDataPlane::attach(io::EventLoop& loop, data::EventSink sink)
{
    loop_ = &loop;
    sink_ = std::move(sink);
    return loop.add_fd(event_fd(), io::kReadable, [this](std::uint32_t) {
        for (const auto& ev : poll_events())
            if (sink_)
                sink_(ev);
    });
}

Status<> KernelDataPlane::update_remote(data::PeerId, const io::SockAddr&)
{
    return Ok{}; // the kernel follows floats itself
}

Status<> KernelDataPlane::set_iroutes(data::PeerId, std::vector<data::IRoute> routes)
{
    if (routes.empty())
        return Ok{};
    return Err{std::string("DCO: iroutes are not wired yet")};
}

std::size_t KernelDataPlane::on_link_data(data::PeerId, std::span<PacketBuf> pkts, TimePoint)
{
    data_in_userspace_ += pkts.size();
    return 0;
}

Status<> KernelDataPlane::send_exit_notify(data::PeerId, TimePoint)
{
    return Err{std::string("DCO: the module cannot send data-channel OCC packets")};
}

std::vector<std::pair<std::string, std::uint64_t>> KernelDataPlane::drop_counts() const
{
    std::vector<std::pair<std::string, std::uint64_t>> out;
    if (data_in_userspace_)
        out.emplace_back("data-in-userspace", data_in_userspace_);
    if (dropped_notifications_)
        out.emplace_back("notifications-lost", dropped_notifications_);
    return out;
}

} // namespace ovpn::dco
