// dco/mapping.cpp: see mapping.hpp.
#include "dco/mapping.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "openvpn/io/link_socket.hpp"

namespace ovpn::dco {
namespace {

bool is_zero(const void* p, std::size_t n)
{
    const auto* b = static_cast<const std::uint8_t*>(p);
    for (std::size_t i = 0; i < n; ++i) {
        if (b[i] != 0)
            return false;
    }
    return true;
}

// remote_for_kernel: the peer's address as the module wants it (a
// v4-mapped IPv6 address becomes AF_INET, as 2.6 sends it).
Result<sockaddr_storage> remote_for_kernel(const io::SockAddr& in)
{
    if (in.family() == AF_INET)
        return in.ss;
    if (in.family() != AF_INET6)
        return Err{std::string("DCO: a UDP peer needs an IPv4 or IPv6 remote address")};
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&in.ss);
    if (!IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
        return in.ss;
    sockaddr_storage out{};
    auto* in4 = reinterpret_cast<sockaddr_in*>(&out);
    in4->sin_family = AF_INET;
    in4->sin_port = in6->sin6_port;
    std::memcpy(&in4->sin_addr, in6->sin6_addr.s6_addr + 12, 4);
    return out;
}

// local_for_kernel: 4 or 16 bytes, empty for "any".
std::vector<std::uint8_t> local_for_kernel(const io::SockAddr& local, sa_family_t remote_family)
{
    if (local.family() == AF_INET) {
        const auto* in4 = reinterpret_cast<const sockaddr_in*>(&local.ss);
        if (is_zero(&in4->sin_addr, 4))
            return {};
        const auto* p = reinterpret_cast<const std::uint8_t*>(&in4->sin_addr);
        return {p, p + 4};
    }
    if (local.family() == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&local.ss);
        if (is_zero(&in6->sin6_addr, 16))
            return {};
        const auto* p = in6->sin6_addr.s6_addr;
        if (remote_family == AF_INET && IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
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

Status<> add_udp_addresses(const data::PeerSpec& peer, const LinkFacts& link, NewPeerMsg& m)
{
    const io::SockAddr& to = peer.remote.empty() ? link.connected_remote : peer.remote;
    if (to.empty())
        return Err{std::string("DCO: a UDP peer needs a remote address (none given, socket not connected)")};
    auto remote = remote_for_kernel(to);
    if (!remote)
        return Err{remote.error()};
    m.remote = *remote;
    m.local_ip = local_for_kernel(peer.local.addr, remote->ss_family);
    return Ok{};
}

Status<> add_vpn_addresses(const data::PeerSpec& peer, NewPeerMsg& m)
{
    if (peer.vpn_ipv4 && peer.vpn_ipv4->s_addr != 0)
        m.vpn_ipv4 = peer.vpn_ipv4;
    if (peer.vpn_ipv6 && !is_zero(&*peer.vpn_ipv6, sizeof(in6_addr)))
        m.vpn_ipv6 = peer.vpn_ipv6;
    if (!m.vpn_ipv4 && !m.vpn_ipv6)
        return Err{"DCO: peer " + std::to_string(peer.id) +
                   " has no VPN address; a multi-peer device routes by it (--topology subnet)"};
    return Ok{};
}

void mask_host_bits(std::array<std::uint8_t, 16>& a, std::size_t addr_len, unsigned prefix)
{
    for (std::size_t i = 0; i < addr_len; ++i) {
        unsigned bit0 = static_cast<unsigned>(i) * 8;
        if (bit0 + 8 <= prefix)
            continue;
        unsigned keep = prefix > bit0 ? prefix - bit0 : 0;
        a[i] &= static_cast<std::uint8_t>(0xFF00u >> keep);
    }
    for (std::size_t i = addr_len; i < a.size(); ++i)
        a[i] = 0;
}

} // namespace

// ---- naming ----------------------------------------------------------------

std::vector<std::string> candidate_names(std::string_view dev)
{
    if (dev != "tun")
        return {std::string(dev)};
    std::vector<std::string> out;
    out.reserve(256);
    for (int i = 0; i < 256; ++i)
        out.push_back("tun" + std::to_string(i));
    return out;
}

// ---- NEW_PEER --------------------------------------------------------------

LinkFacts link_facts(const io::LinkSocket& link)
{
    LinkFacts f;
    f.fd = link.fd();
    f.udp = link.proto() == io::LinkProto::Udp;
    f.connected_remote = link.remote();
    return f;
}

Result<NewPeerMsg> to_new_peer_msg(const data::PeerSpec& peer, const LinkFacts& link, LinkMode mode)
{
    if (!peer.tx_peer_id)
        return Err{
            std::string("DCO needs P_DATA_V2 with a peer-id (the peer would get P_DATA_V1, which ovpn-dco "
                        "does not support)")};
    // stub-v2 frames nothing an IP packet carries (its escape is for a
    // first byte 0x50, which no IPv4/IPv6 packet has), so the module's
    // plain packets are what the peer expects; 2.6 accepts it under DCO.
    if (peer.compression != wire::CompressMode::None && peer.compression != wire::CompressMode::StubV2)
        return Err{std::string("Compression or compression stub framing is not allowed since data-channel "
                               "offloading is enabled.")};
    if (peer.fragment != 0)
        return Err{std::string("DCO cannot fragment: --fragment needs the userspace data plane")};
    if (*peer.tx_peer_id > kMaxKernelPeerId)
        return Err{"DCO: peer-id " + std::to_string(*peer.tx_peer_id) + " does not fit in 24 bits"};
    if (link.fd < 0)
        return Err{std::string("DCO: the peer has no transport socket")};
    NewPeerMsg m;
    m.peer_id = *peer.tx_peer_id;
    m.socket_fd = static_cast<std::uint32_t>(link.fd);
    if (link.udp) {
        if (auto st = add_udp_addresses(peer, link, m); !st)
            return Err{st.error()};
    }
    if (mode == LinkMode::MP) {
        if (auto st = add_vpn_addresses(peer, m); !st)
            return Err{st.error()};
    }
    return m;
}

// ---- keys, keepalive, stats, reasons ---------------------------------------

std::uint8_t to_uapi_slot(data::KeySlot slot)
{
    return slot == data::KeySlot::Primary ? uapi::KEY_SLOT_PRIMARY : uapi::KEY_SLOT_SECONDARY;
}

Result<NewKeyMsg> to_new_key_msg(std::uint32_t kernel_id, data::KeySlot slot, const data::DataKeys& keys)
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
    m.peer_id = kernel_id;
    m.slot = to_uapi_slot(slot);
    m.key_id = keys.key_id;
    m.cipher = keys.cipher == data::CipherAlg::Chacha20Poly1305 ? uapi::CIPHER_ALG_CHACHA20_POLY1305
                                                                : uapi::CIPHER_ALG_AES_GCM;
    m.encrypt = std::move(*enc);
    m.decrypt = std::move(*dec);
    return m;
}

Result<std::uint32_t> keepalive_secs(std::chrono::seconds s)
{
    if (s.count() < 0 || s.count() > static_cast<std::int64_t>(UINT32_MAX))
        return Err{"DCO: keepalive value " + std::to_string(s.count()) + " s out of range"};
    return static_cast<std::uint32_t>(s.count());
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

// ---- iroutes ---------------------------------------------------------------

Result<std::optional<RouteSpec>> to_route_spec(const data::IRoute& r, const std::optional<in_addr>& vpn4,
                                               const std::optional<in6_addr>& vpn6, std::uint32_t ifindex)
{
    RouteSpec s;
    s.family = r.family;
    s.ifindex = ifindex;
    s.prefix_len = r.prefix_len;
    s.dst = r.addr;
    if (r.family == AF_INET) {
        if (r.prefix_len > 32)
            return Err{"iroute prefix /" + std::to_string(r.prefix_len) + " is longer than 32"};
        if (!vpn4 || vpn4->s_addr == 0)
            return std::optional<RouteSpec>{};
        std::memcpy(s.gw.data(), &vpn4->s_addr, 4);
        mask_host_bits(s.dst, 4, r.prefix_len);
    } else if (r.family == AF_INET6) {
        if (r.prefix_len > 128)
            return Err{"iroute-ipv6 prefix /" + std::to_string(r.prefix_len) + " is longer than 128"};
        if (!vpn6 || is_zero(&*vpn6, sizeof(in6_addr)))
            return std::optional<RouteSpec>{};
        std::memcpy(s.gw.data(), vpn6->s6_addr, 16);
        mask_host_bits(s.dst, 16, r.prefix_len);
    } else {
        return Err{"iroute of unknown address family " + std::to_string(r.family)};
    }
    return std::optional<RouteSpec>{s};
}

std::string route_text(const RouteSpec& r)
{
    char dst[INET6_ADDRSTRLEN] = {}, gw[INET6_ADDRSTRLEN] = {};
    inet_ntop(r.family, r.dst.data(), dst, sizeof dst);
    inet_ntop(r.family, r.gw.data(), gw, sizeof gw);
    return std::string(dst) + "/" + std::to_string(r.prefix_len) + " via " + gw + " dev #" +
           std::to_string(r.ifindex) + " metric " + std::to_string(r.metric);
}

// ---- PeerBook --------------------------------------------------------------

Status<> PeerBook::add(Peer p)
{
    if (peers_.count(p.handle))
        return Err{"DCO: peer " + std::to_string(p.handle) + " already exists"};
    if (handle_of(p.kernel_id))
        return Err{"DCO: peer-id " + std::to_string(p.kernel_id) + " is already used by another peer"};
    peers_.emplace(p.handle, std::move(p));
    return Ok{};
}

PeerBook::Peer* PeerBook::find(data::PeerId handle)
{
    auto it = peers_.find(handle);
    return it == peers_.end() ? nullptr : &it->second;
}

const PeerBook::Peer* PeerBook::find(data::PeerId handle) const
{
    auto it = peers_.find(handle);
    return it == peers_.end() ? nullptr : &it->second;
}

std::optional<data::PeerId> PeerBook::handle_of(std::uint32_t kernel_id) const
{
    for (const auto& [h, p] : peers_) {
        if (p.kernel_id == kernel_id)
            return h;
    }
    return std::nullopt;
}

void PeerBook::remove(data::PeerId handle, bool notification_pending)
{
    auto it = peers_.find(handle);
    if (it == peers_.end())
        return;
    if (notification_pending)
        ++pending_[it->second.kernel_id];
    peers_.erase(it);
}

std::optional<PeerBook::Gone> PeerBook::on_notification(std::uint32_t kernel_id, std::uint8_t reason)
{
    if (auto it = pending_.find(kernel_id); it != pending_.end()) {
        if (--it->second == 0)
            pending_.erase(it);
        return std::nullopt;
    }
    if (reason == uapi::DEL_PEER_REASON_USERSPACE)
        return std::nullopt;
    auto h = handle_of(kernel_id);
    if (!h)
        return std::nullopt;
    auto node = peers_.extract(*h);
    Gone g{data::PeerEvent{}, std::move(node.mapped())};
    g.event.id = *h;
    g.event.kind = data::PeerEventKind::Gone;
    g.event.reason = to_del_reason(reason);
    return g;
}

} // namespace ovpn::dco
