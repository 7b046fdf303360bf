// dco/messages.cpp: see messages.hpp.
#include "dco/messages.hpp"

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cstring>

#include <openssl/crypto.h>

namespace ovpn::dco {
namespace {

constexpr std::size_t kNlaHdrLen = 4;
constexpr std::size_t kNlmsgHdrLen = 16;
constexpr std::size_t kGenlHdrLen = 4;

constexpr std::size_t align4(std::size_t n)
{
    return (n + 3) & ~std::size_t{3};
}

std::uint16_t load_u16(const std::uint8_t* p)
{
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
std::uint32_t load_u32(const std::uint8_t* p)
{
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <typename T> Bytes host_bytes(const T& v)
{
    return Bytes(reinterpret_cast<const std::uint8_t*>(&v), sizeof v);
}

// Sockaddr payload as the module wants it: exactly sizeof(sockaddr_in) or
// sizeof(sockaddr_in6).
Result<Bytes> sockaddr_payload(const sockaddr_storage& sa)
{
    if (sa.ss_family == AF_INET)
        return Bytes(reinterpret_cast<const std::uint8_t*>(&sa), sizeof(sockaddr_in));
    if (sa.ss_family == AF_INET6)
        return Bytes(reinterpret_cast<const std::uint8_t*>(&sa), sizeof(sockaddr_in6));
    return Err{std::string("remote address is neither AF_INET nor AF_INET6")};
}

// Starts a request: IFINDEX, then the command nest (closed by the caller).
std::size_t start_request(NlWriter& w, std::uint32_t ifindex, std::uint16_t nest)
{
    w.put_u32(uapi::ATTR_IFINDEX, ifindex);
    return w.begin_nest(nest);
}

Result<SecureBytes> single_peer_id_request(std::uint32_t ifindex, std::uint16_t nest_type,
                                           std::uint16_t id_type, std::uint32_t peer_id)
{
    NlWriter w;
    auto nest = start_request(w, ifindex, nest_type);
    w.put_u32(id_type, peer_id);
    w.end_nest(nest);
    return w.finish();
}

void put_key_dir(NlWriter& w, std::uint16_t type, const KeyDirMsg& k)
{
    auto nest = w.begin_nest(type);
    w.put_bytes(uapi::KEY_DIR_ATTR_CIPHER_KEY, k.cipher_key);
    w.put_bytes(uapi::KEY_DIR_ATTR_NONCE_TAIL, k.nonce_tail);
    w.end_nest(nest);
}

} // namespace

// ---- NlWriter --------------------------------------------------------------

NlWriter::NlWriter()
{
    buf_.reserve(kMaxMessageLen);
}

NlWriter::~NlWriter()
{
    if (!buf_.empty())
        OPENSSL_cleanse(buf_.data(), buf_.size());
}

void NlWriter::pad()
{
    std::size_t target = align4(buf_.size());
    if (target > kMaxMessageLen) {
        overflow_ = true;
        return;
    }
    buf_.resize(target, 0);
}

std::size_t NlWriter::put_header(std::uint16_t type, std::size_t payload_len)
{
    std::size_t start = buf_.size();
    std::size_t len = kNlaHdrLen + payload_len;
    if (overflow_ || len > 0xffff || start + align4(len) > kMaxMessageLen) {
        overflow_ = true;
        return start;
    }
    auto len16 = static_cast<std::uint16_t>(len);
    buf_.insert(buf_.end(), host_bytes(len16).begin(), host_bytes(len16).end());
    buf_.insert(buf_.end(), host_bytes(type).begin(), host_bytes(type).end());
    return start;
}

std::size_t NlWriter::begin_msg(std::uint16_t type, std::uint16_t flags, std::uint32_t seq)
{
    std::size_t start = buf_.size();
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    h.nlmsg_seq = seq;
    put_raw(host_bytes(h));
    return start;
}

void NlWriter::end_msg(std::size_t start)
{
    if (overflow_)
        return;
    auto len = static_cast<std::uint32_t>(buf_.size() - start);
    std::memcpy(buf_.data() + start, &len, sizeof len);
}

void NlWriter::put_raw(Bytes b)
{
    if (overflow_ || buf_.size() + align4(b.size()) > kMaxMessageLen) {
        overflow_ = true;
        return;
    }
    buf_.insert(buf_.end(), b.begin(), b.end());
    pad();
}

void NlWriter::put_bytes(std::uint16_t type, Bytes b)
{
    std::size_t before = buf_.size();
    put_header(type, b.size());
    if (overflow_) {
        buf_.resize(before);
        return;
    }
    buf_.insert(buf_.end(), b.begin(), b.end());
    pad();
}

void NlWriter::put_u8(std::uint16_t type, std::uint8_t v)
{
    put_bytes(type, host_bytes(v));
}
void NlWriter::put_u16(std::uint16_t type, std::uint16_t v)
{
    put_bytes(type, host_bytes(v));
}
void NlWriter::put_u32(std::uint16_t type, std::uint32_t v)
{
    put_bytes(type, host_bytes(v));
}
void NlWriter::put_u64(std::uint16_t type, std::uint64_t v)
{
    put_bytes(type, host_bytes(v));
}

void NlWriter::put_string(std::uint16_t type, std::string_view s)
{
    std::vector<std::uint8_t> tmp(s.begin(), s.end());
    tmp.push_back(0);
    put_bytes(type, tmp);
}

std::size_t NlWriter::begin_nest(std::uint16_t type, bool flag_nested)
{
    return put_header(flag_nested ? static_cast<std::uint16_t>(type | kNlaFNested) : type, 0);
}

void NlWriter::end_nest(std::size_t start)
{
    if (overflow_)
        return;
    std::size_t len = buf_.size() - start;
    if (len > 0xffff) {
        overflow_ = true;
        return;
    }
    auto len16 = static_cast<std::uint16_t>(len);
    std::memcpy(buf_.data() + start, &len16, sizeof len16);
}

Result<SecureBytes> NlWriter::finish() const
{
    if (overflow_)
        return Err{std::string("netlink message too large")};
    return SecureBytes(view());
}

// ---- request builders ------------------------------------------------------

Result<SecureBytes> build_new_peer(std::uint32_t ifindex, const NewPeerMsg& m)
{
    NlWriter w;
    auto nest = start_request(w, ifindex, uapi::ATTR_NEW_PEER);
    w.put_u32(uapi::NEW_PEER_ATTR_PEER_ID, m.peer_id);
    if (m.remote) {
        auto raw = sockaddr_payload(*m.remote);
        if (!raw)
            return Err{raw.error()};
        w.put_bytes(uapi::NEW_PEER_ATTR_SOCKADDR_REMOTE, *raw);
    }
    if (m.socket_fd)
        w.put_u32(uapi::NEW_PEER_ATTR_SOCKET, *m.socket_fd);
    if (m.vpn_ipv4)
        w.put_bytes(uapi::NEW_PEER_ATTR_IPV4, host_bytes(m.vpn_ipv4->s_addr));
    if (m.vpn_ipv6)
        w.put_bytes(uapi::NEW_PEER_ATTR_IPV6, host_bytes(*m.vpn_ipv6));
    if (!m.local_ip.empty()) {
        if (m.local_ip.size() != 4 && m.local_ip.size() != 16)
            return Err{std::string("local IP must be 4 or 16 bytes")};
        w.put_bytes(uapi::NEW_PEER_ATTR_LOCAL_IP, m.local_ip);
    }
    w.end_nest(nest);
    return w.finish();
}

Result<SecureBytes> build_set_peer(std::uint32_t ifindex, std::uint32_t peer_id,
                                   std::uint32_t keepalive_interval, std::uint32_t keepalive_timeout)
{
    NlWriter w;
    auto nest = start_request(w, ifindex, uapi::ATTR_SET_PEER);
    w.put_u32(uapi::SET_PEER_ATTR_PEER_ID, peer_id);
    w.put_u32(uapi::SET_PEER_ATTR_KEEPALIVE_INTERVAL, keepalive_interval);
    w.put_u32(uapi::SET_PEER_ATTR_KEEPALIVE_TIMEOUT, keepalive_timeout);
    w.end_nest(nest);
    return w.finish();
}

Result<SecureBytes> build_del_peer(std::uint32_t ifindex, std::uint32_t peer_id)
{
    return single_peer_id_request(ifindex, uapi::ATTR_DEL_PEER, uapi::DEL_PEER_ATTR_PEER_ID, peer_id);
}

Result<SecureBytes> build_new_key(std::uint32_t ifindex, const NewKeyMsg& m)
{
    for (const KeyDirMsg* k : {&m.encrypt, &m.decrypt}) {
        if (k->cipher_key.size() > uapi::kMaxCipherKeySize || k->nonce_tail.size() > 255)
            return Err{std::string("key material too long")};
    }
    NlWriter w;
    auto nest = start_request(w, ifindex, uapi::ATTR_NEW_KEY);
    w.put_u32(uapi::NEW_KEY_ATTR_PEER_ID, m.peer_id);
    w.put_u8(uapi::NEW_KEY_ATTR_KEY_SLOT, m.slot);
    w.put_u8(uapi::NEW_KEY_ATTR_KEY_ID, m.key_id);
    w.put_u16(uapi::NEW_KEY_ATTR_CIPHER_ALG, m.cipher);
    put_key_dir(w, uapi::NEW_KEY_ATTR_ENCRYPT_KEY, m.encrypt);
    put_key_dir(w, uapi::NEW_KEY_ATTR_DECRYPT_KEY, m.decrypt);
    w.end_nest(nest);
    return w.finish();
}

Result<SecureBytes> build_swap_keys(std::uint32_t ifindex, std::uint32_t peer_id)
{
    return single_peer_id_request(ifindex, uapi::ATTR_SWAP_KEYS, uapi::SWAP_KEYS_ATTR_PEER_ID, peer_id);
}

Result<SecureBytes> build_del_key(std::uint32_t ifindex, std::uint32_t peer_id, std::uint8_t slot)
{
    NlWriter w;
    auto nest = start_request(w, ifindex, uapi::ATTR_DEL_KEY);
    w.put_u32(uapi::DEL_KEY_ATTR_PEER_ID, peer_id);
    w.put_u8(uapi::DEL_KEY_ATTR_KEY_SLOT, slot);
    w.end_nest(nest);
    return w.finish();
}

Result<SecureBytes> build_get_peer(std::uint32_t ifindex, std::uint32_t peer_id)
{
    return single_peer_id_request(ifindex, uapi::ATTR_GET_PEER, uapi::GET_PEER_ATTR_PEER_ID, peer_id);
}

Result<SecureBytes> build_get_peer_dump(std::uint32_t ifindex)
{
    NlWriter w;
    w.put_u32(uapi::ATTR_IFINDEX, ifindex);
    return w.finish();
}

Result<SecureBytes> frame_genl(std::uint16_t family, std::uint8_t cmd, std::uint16_t flags, std::uint32_t seq,
                               Bytes attrs)
{
    NlWriter w;
    auto msg = w.begin_msg(family, flags, seq);
    const std::uint8_t genl[kGenlHdrLen] = {cmd, 0, 0, 0};
    w.put_raw(genl);
    w.put_raw(attrs);
    w.end_msg(msg);
    return w.finish();
}

// ---- parsing ---------------------------------------------------------------

std::optional<Bytes> AttrTable::get(std::uint16_t type) const
{
    if (type >= kSlots)
        return std::nullopt;
    return attrs_[type];
}

void AttrTable::set(std::uint16_t type, bool nested, Bytes payload)
{
    if (type == 0 || type >= kSlots)
        return;
    attrs_[type] = payload;
    nested_[type] = nested;
}

std::optional<std::uint8_t> AttrTable::u8(std::uint16_t type) const
{
    auto b = get(type);
    if (!b || b->size() != 1)
        return std::nullopt;
    return (*b)[0];
}

std::optional<std::uint16_t> AttrTable::u16(std::uint16_t type) const
{
    auto b = get(type);
    if (!b || b->size() != 2)
        return std::nullopt;
    return load_u16(b->data());
}

std::optional<std::uint32_t> AttrTable::u32(std::uint16_t type) const
{
    auto b = get(type);
    if (!b || b->size() != 4)
        return std::nullopt;
    return load_u32(b->data());
}

std::optional<std::uint64_t> AttrTable::u64(std::uint16_t type) const
{
    auto b = get(type);
    if (!b || b->size() != 8)
        return std::nullopt;
    std::uint64_t v;
    std::memcpy(&v, b->data(), sizeof v);
    return v;
}

std::optional<std::uint16_t> AttrTable::be16(std::uint16_t type) const
{
    auto b = get(type);
    if (!b || b->size() != 2)
        return std::nullopt;
    return static_cast<std::uint16_t>(((*b)[0] << 8) | (*b)[1]);
}

Result<AttrTable> parse_attrs(Bytes in)
{
    AttrTable t;
    std::size_t pos = 0;
    while (pos < in.size()) {
        if (in.size() - pos < kNlaHdrLen)
            return Err{std::string("truncated attribute header")};
        std::uint16_t len = load_u16(in.data() + pos);
        std::uint16_t type = load_u16(in.data() + pos + 2);
        if (len < kNlaHdrLen || len > in.size() - pos)
            return Err{std::string("attribute length out of bounds")};
        t.set(type & kNlaTypeMask, (type & kNlaFNested) != 0, in.subspan(pos + kNlaHdrLen, len - kNlaHdrLen));
        pos += align4(len);
    }
    return t;
}

Result<std::vector<NlMessage>> split_messages(Bytes datagram)
{
    std::vector<NlMessage> out;
    std::size_t pos = 0;
    while (pos < datagram.size()) {
        if (datagram.size() - pos < kNlmsgHdrLen)
            return Err{std::string("truncated netlink header")};
        nlmsghdr h;
        std::memcpy(&h, datagram.data() + pos, sizeof h);
        if (h.nlmsg_len < kNlmsgHdrLen || h.nlmsg_len > datagram.size() - pos)
            return Err{std::string("netlink message length out of bounds")};
        NlMessage m;
        m.type = h.nlmsg_type;
        m.flags = h.nlmsg_flags;
        m.seq = h.nlmsg_seq;
        m.port = h.nlmsg_pid;
        m.payload = datagram.subspan(pos + kNlmsgHdrLen, h.nlmsg_len - kNlmsgHdrLen);
        out.push_back(m);
        pos += align4(h.nlmsg_len);
    }
    return out;
}

Result<GenlMessage> parse_genl(const NlMessage& m)
{
    if (m.payload.size() < kGenlHdrLen)
        return Err{std::string("truncated generic netlink header")};
    GenlMessage g;
    g.cmd = m.payload[0];
    g.version = m.payload[1];
    g.attrs = m.payload.subspan(kGenlHdrLen);
    return g;
}

Result<NlError> parse_nlmsgerr(const NlMessage& m)
{
    if (m.type != NLMSG_ERROR)
        return Err{std::string("not an NLMSG_ERROR message")};
    if (m.payload.size() < sizeof(int) + kNlmsgHdrLen)
        return Err{std::string("truncated NLMSG_ERROR")};
    NlError e;
    std::int32_t err;
    std::memcpy(&err, m.payload.data(), sizeof err);
    e.error = err;
    std::size_t pos = sizeof(int);
    std::uint32_t orig_len = load_u32(m.payload.data() + pos);
    // Without NLM_F_CAPPED the whole request is echoed back (errors only).
    std::size_t echoed = (m.flags & NLM_F_CAPPED) || err == 0 ? kNlmsgHdrLen : orig_len;
    if (echoed < kNlmsgHdrLen || echoed > m.payload.size() - pos)
        return Err{std::string("NLMSG_ERROR echo out of bounds")};
    pos += align4(echoed);
    if (!(m.flags & NLM_F_ACK_TLVS) || pos >= m.payload.size())
        return e;
    auto tlvs = parse_attrs(m.payload.subspan(pos));
    if (!tlvs)
        return Err{tlvs.error()};
    if (auto msg = tlvs->get(NLMSGERR_ATTR_MSG)) {
        std::string s(reinterpret_cast<const char*>(msg->data()), msg->size());
        if (auto nul = s.find('\0'); nul != std::string::npos)
            s.resize(nul);
        e.ext_msg = s;
    }
    e.ext_offset = tlvs->u32(NLMSGERR_ATTR_OFFS);
    return e;
}

Result<DelPeerEvent> parse_del_peer_notification(Bytes attrs)
{
    auto top = parse_attrs(attrs);
    if (!top)
        return Err{top.error()};
    DelPeerEvent ev;
    auto ifindex = top->u32(uapi::ATTR_IFINDEX);
    auto nest = top->get(uapi::ATTR_DEL_PEER);
    if (!ifindex || !nest)
        return Err{std::string("DEL_PEER notification lacks IFINDEX or DEL_PEER")};
    auto inner = parse_attrs(*nest);
    if (!inner)
        return Err{inner.error()};
    auto id = inner->u32(uapi::DEL_PEER_ATTR_PEER_ID);
    auto reason = inner->u8(uapi::DEL_PEER_ATTR_REASON);
    if (!id || !reason)
        return Err{std::string("DEL_PEER notification lacks PEER_ID or REASON")};
    if (*reason > uapi::DEL_PEER_REASON_MAX)
        return Err{std::string("DEL_PEER notification with unknown reason")};
    ev.ifindex = *ifindex;
    ev.peer_id = *id;
    ev.reason = *reason;
    return ev;
}

Result<sockaddr_storage> parse_sockaddr(Bytes raw)
{
    sockaddr_storage ss{};
    if (raw.size() == sizeof(sockaddr_in)) {
        std::memcpy(&ss, raw.data(), raw.size());
        if (ss.ss_family == AF_INET)
            return ss;
    } else if (raw.size() == sizeof(sockaddr_in6)) {
        std::memcpy(&ss, raw.data(), raw.size());
        if (ss.ss_family == AF_INET6)
            return ss;
    }
    return Err{std::string("bad sockaddr")};
}

namespace {

Status<> fill_peer_addresses(const AttrTable& t, PeerInfo& p)
{
    using namespace uapi;
    if (auto raw = t.get(GET_PEER_RESP_ATTR_SOCKADDR_REMOTE)) {
        auto sa = parse_sockaddr(*raw);
        if (!sa)
            return Err{sa.error()};
        p.remote = *sa;
    }
    if (auto v4 = t.get(GET_PEER_RESP_ATTR_IPV4)) {
        if (v4->size() != sizeof(in_addr))
            return Err{std::string("bad IPV4 attribute")};
        in_addr a;
        std::memcpy(&a, v4->data(), sizeof a);
        p.vpn_ipv4 = a;
    }
    if (auto v6 = t.get(GET_PEER_RESP_ATTR_IPV6)) {
        if (v6->size() != sizeof(in6_addr))
            return Err{std::string("bad IPV6 attribute")};
        in6_addr a;
        std::memcpy(&a, v6->data(), sizeof a);
        p.vpn_ipv6 = a;
    }
    if (auto lip = t.get(GET_PEER_RESP_ATTR_LOCAL_IP)) {
        if (lip->size() != 4 && lip->size() != 16)
            return Err{std::string("bad LOCAL_IP attribute")};
        p.local_ip.assign(lip->begin(), lip->end());
    }
    p.local_port = t.be16(GET_PEER_RESP_ATTR_LOCAL_PORT);
    return Ok{};
}

} // namespace

Result<PeerInfo> parse_get_peer_reply(Bytes attrs)
{
    using namespace uapi;
    auto top = parse_attrs(attrs);
    if (!top)
        return Err{top.error()};
    auto nest = top->get(ATTR_GET_PEER);
    if (!nest)
        return Err{std::string("GET_PEER reply lacks the GET_PEER nest")};
    auto t = parse_attrs(*nest);
    if (!t)
        return Err{t.error()};
    PeerInfo p;
    auto id = t->u32(GET_PEER_RESP_ATTR_PEER_ID);
    if (!id)
        return Err{std::string("GET_PEER reply lacks PEER_ID")};
    p.peer_id = *id;
    if (auto st = fill_peer_addresses(*t, p); !st)
        return Err{st.error()};
    p.keepalive_interval = t->u32(GET_PEER_RESP_ATTR_KEEPALIVE_INTERVAL).value_or(0);
    p.keepalive_timeout = t->u32(GET_PEER_RESP_ATTR_KEEPALIVE_TIMEOUT).value_or(0);
    p.vpn_rx_bytes = t->u64(GET_PEER_RESP_ATTR_VPN_RX_BYTES).value_or(0);
    p.vpn_tx_bytes = t->u64(GET_PEER_RESP_ATTR_VPN_TX_BYTES).value_or(0);
    p.link_rx_bytes = t->u64(GET_PEER_RESP_ATTR_LINK_RX_BYTES).value_or(0);
    p.link_tx_bytes = t->u64(GET_PEER_RESP_ATTR_LINK_TX_BYTES).value_or(0);
    p.vpn_rx_packets = t->u32(GET_PEER_RESP_ATTR_VPN_RX_PACKETS).value_or(0);
    p.vpn_tx_packets = t->u32(GET_PEER_RESP_ATTR_VPN_TX_PACKETS).value_or(0);
    p.link_rx_packets = t->u32(GET_PEER_RESP_ATTR_LINK_RX_PACKETS).value_or(0);
    p.link_tx_packets = t->u32(GET_PEER_RESP_ATTR_LINK_TX_PACKETS).value_or(0);
    return p;
}

Result<NotificationBatch> parse_notifications(Bytes datagram, std::uint16_t family_id, std::uint32_t ifindex)
{
    auto msgs = split_messages(datagram);
    if (!msgs)
        return Err{msgs.error()};
    NotificationBatch batch;
    for (const auto& m : *msgs) {
        if (m.type != family_id) {
            ++batch.ignored;
            continue;
        }
        auto g = parse_genl(m);
        if (!g) {
            ++batch.malformed;
            continue;
        }
        if (g->cmd != uapi::CMD_DEL_PEER) {
            ++batch.ignored;
            continue;
        }
        auto ev = parse_del_peer_notification(g->attrs);
        if (!ev) {
            ++batch.malformed;
            continue;
        }
        if (ifindex != 0 && ev->ifindex != ifindex) {
            ++batch.ignored;
            continue;
        }
        batch.del_peer.push_back(*ev);
    }
    return batch;
}

const char* del_reason_name(std::uint8_t reason)
{
    switch (reason) {
    case uapi::DEL_PEER_REASON_TEARDOWN:
        return "teardown";
    case uapi::DEL_PEER_REASON_USERSPACE:
        return "userspace";
    case uapi::DEL_PEER_REASON_EXPIRED:
        return "expired";
    case uapi::DEL_PEER_REASON_TRANSPORT_ERROR:
        return "transport-error";
    case uapi::DEL_PEER_REASON_TRANSPORT_DISCONNECT:
        return "transport-disconnect";
    default:
        return "unknown";
    }
}

std::string sockaddr_to_string(const sockaddr_storage& sa)
{
    char host[INET6_ADDRSTRLEN] = {};
    if (sa.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&sa);
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
    }
    if (sa.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&sa);
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
    }
    return "(none)";
}

} // namespace ovpn::dco
