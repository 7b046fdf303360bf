// dco/messages.hpp: the ovpn-dco-v2 netlink messages as pure byte builders and
// parsers (style G2, G11). Nothing here makes a syscall, so every byte the
// module sees is unit-tested without a kernel (tests/unit/dco/) and every
// parser is fuzzed (tests/fuzz/dco_notification.cpp).
//
// Layout of one netlink attribute (struct nlattr), host byte order, padded
// to 4 bytes:
//
//   0               2               4
//   +---------------+---------------+----------------------+-------+
//   | nla_len (u16) | nla_type (u16)| payload (len - 4)    | pad   |
//   +---------------+---------------+----------------------+-------+
//   nla_type bit 15 = NLA_F_NESTED, bit 14 = NLA_F_NET_BYTEORDER
//
// Builders return the attribute stream that follows the genl header; frame_genl()
// adds nlmsghdr + genlmsghdr. Request builders encode whatever they are given
// (the CLI uses this to send deliberately bad requests); the semantic checks
// live in KernelDataPlane. Buffers are SecureBytes because NEW_KEY carries key
// material.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dco/uapi/ovpn_dco_v2.hpp"
#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::dco {

inline constexpr std::uint16_t kNlaFNested = 0x8000;
inline constexpr std::uint16_t kNlaFNetByteorder = 0x4000;
inline constexpr std::uint16_t kNlaTypeMask = 0x3fff;
inline constexpr std::size_t kMaxMessageLen = 4096;

// NlWriter: appends netlink headers and attributes into a fixed-capacity
// buffer that never reallocates (so no stale copy of a key is left behind)
// and is wiped when the writer dies. Overflow is sticky and reported by
// finish().
class NlWriter {
public:
    NlWriter();
    ~NlWriter();
    NlWriter(const NlWriter&) = delete;
    NlWriter& operator=(const NlWriter&) = delete;

    // begin_msg/end_msg: an nlmsghdr whose length is patched by end_msg.
    std::size_t begin_msg(std::uint16_t type, std::uint16_t flags, std::uint32_t seq);
    void end_msg(std::size_t start);
    // put_raw: unstructured bytes (a genlmsghdr, an ifinfomsg), padded to 4.
    void put_raw(Bytes b);

    void put_u8(std::uint16_t type, std::uint8_t v);
    void put_u16(std::uint16_t type, std::uint16_t v);
    void put_u32(std::uint16_t type, std::uint32_t v);
    void put_u64(std::uint16_t type, std::uint64_t v);
    void put_bytes(std::uint16_t type, Bytes b);
    // put_string: NUL-terminated, as NLA_NUL_STRING / IFLA_IFNAME expect.
    void put_string(std::uint16_t type, std::string_view s);
    // begin_nest: opens a nest; NLA_F_NESTED is set unless `flag_nested` is false.
    std::size_t begin_nest(std::uint16_t type, bool flag_nested = true);
    void end_nest(std::size_t start);

    Bytes view() const noexcept { return Bytes(buf_.data(), buf_.size()); }
    bool overflowed() const noexcept { return overflow_; }
    // finish: a copy of the bytes written, or an error after an overflow.
    Result<SecureBytes> finish() const;

private:
    std::size_t put_header(std::uint16_t type, std::size_t payload_len);
    void pad();

    std::vector<std::uint8_t> buf_;
    bool overflow_ = false;
};

// ---- requests --------------------------------------------------------------

struct NewPeerMsg {
    std::uint32_t peer_id = 0;
    std::optional<std::uint32_t> socket_fd; // required by the module
    std::optional<sockaddr_storage> remote; // AF_INET / AF_INET6 only
    std::vector<std::uint8_t> local_ip;     // empty, 4 or 16 bytes
    std::optional<in_addr> vpn_ipv4;
    std::optional<in6_addr> vpn_ipv6;
};

struct KeyDirMsg {
    SecureBytes cipher_key;
    SecureBytes nonce_tail; // 8 bytes for the module to accept it
};

struct NewKeyMsg {
    std::uint32_t peer_id = 0;
    std::uint8_t slot = uapi::KEY_SLOT_PRIMARY;
    std::uint8_t key_id = 0;
    std::uint16_t cipher = uapi::CIPHER_ALG_AES_GCM;
    KeyDirMsg encrypt;
    KeyDirMsg decrypt;
};

// build_*: the attribute stream of one request (IFINDEX + the command's nest).
// A sockaddr of another family or a key over 255 bytes is an error.
Result<SecureBytes> build_new_peer(std::uint32_t ifindex, const NewPeerMsg& m);
Result<SecureBytes> build_set_peer(std::uint32_t ifindex, std::uint32_t peer_id,
                                   std::uint32_t keepalive_interval, std::uint32_t keepalive_timeout);
Result<SecureBytes> build_del_peer(std::uint32_t ifindex, std::uint32_t peer_id);
Result<SecureBytes> build_new_key(std::uint32_t ifindex, const NewKeyMsg& m);
Result<SecureBytes> build_swap_keys(std::uint32_t ifindex, std::uint32_t peer_id);
Result<SecureBytes> build_del_key(std::uint32_t ifindex, std::uint32_t peer_id, std::uint8_t slot);
Result<SecureBytes> build_get_peer(std::uint32_t ifindex, std::uint32_t peer_id);
// build_get_peer_dump: IFINDEX only, to be sent with NLM_F_DUMP.
Result<SecureBytes> build_get_peer_dump(std::uint32_t ifindex);

// frame_genl: nlmsghdr{family, flags, seq} + genlmsghdr{cmd, version 0} + attrs.
Result<SecureBytes> frame_genl(std::uint16_t family, std::uint8_t cmd, std::uint16_t flags, std::uint32_t seq,
                               Bytes attrs);

// ---- parsing ---------------------------------------------------------------

// AttrTable: the attributes of one level, indexed by type (flags stripped);
// types above the table size are ignored, a repeated type keeps the last one
// (nla_parse does the same). Pad attributes (type 0) are skipped.
class AttrTable {
public:
    static constexpr std::size_t kSlots = 32;
    std::optional<Bytes> get(std::uint16_t type) const;
    bool nested(std::uint16_t type) const { return type < kSlots && nested_[type]; }
    std::optional<std::uint8_t> u8(std::uint16_t type) const;
    std::optional<std::uint16_t> u16(std::uint16_t type) const; // host order
    std::optional<std::uint32_t> u32(std::uint16_t type) const; // host order
    std::optional<std::uint64_t> u64(std::uint16_t type) const; // host order
    std::optional<std::uint16_t> be16(std::uint16_t type) const;

    void set(std::uint16_t type, bool nested, Bytes payload);

private:
    std::array<std::optional<Bytes>, kSlots> attrs_{};
    std::array<bool, kSlots> nested_{};
};

// parse_attrs: splits an attribute stream; fails on a truncated or
// overlong attribute (never reads out of bounds).
Result<AttrTable> parse_attrs(Bytes in);

struct NlMessage {
    std::uint16_t type = 0;
    std::uint16_t flags = 0;
    std::uint32_t seq = 0;
    std::uint32_t port = 0;
    Bytes payload; // after the 16-byte nlmsghdr
};

// split_messages: every nlmsghdr in one datagram read from a netlink socket.
Result<std::vector<NlMessage>> split_messages(Bytes datagram);

struct GenlMessage {
    std::uint8_t cmd = 0;
    std::uint8_t version = 0;
    Bytes attrs;
};
Result<GenlMessage> parse_genl(const NlMessage& m);

// NlError: the result of NLMSG_ERROR: error 0 is an ACK; otherwise a negative
// errno plus the kernel's extended-ACK text when it sent one.
struct NlError {
    int error = 0;
    std::string ext_msg;
    std::optional<std::uint32_t> ext_offset;
};
Result<NlError> parse_nlmsgerr(const NlMessage& m);

struct DelPeerEvent {
    std::uint32_t ifindex = 0;
    std::uint32_t peer_id = 0;
    std::uint8_t reason = 0;
};
// parse_del_peer_notification: the attrs of a DEL_PEER notification; IFINDEX,
// PEER_ID and REASON are required, REASON must be 0..4.
Result<DelPeerEvent> parse_del_peer_notification(Bytes attrs);

struct PeerInfo {
    std::uint32_t peer_id = 0;
    std::optional<sockaddr_storage> remote;
    std::optional<in_addr> vpn_ipv4;
    std::optional<in6_addr> vpn_ipv6;
    std::vector<std::uint8_t> local_ip; // 4 or 16 bytes, or empty
    std::optional<std::uint16_t> local_port;
    std::uint32_t keepalive_interval = 0, keepalive_timeout = 0;
    std::uint64_t vpn_rx_bytes = 0, vpn_tx_bytes = 0, link_rx_bytes = 0, link_tx_bytes = 0;
    std::uint32_t vpn_rx_packets = 0, vpn_tx_packets = 0, link_rx_packets = 0, link_tx_packets = 0;
};
// parse_get_peer_reply: the attrs of one GET_PEER reply (doit or dump part).
Result<PeerInfo> parse_get_peer_reply(Bytes attrs);

// parse_sockaddr: a raw sockaddr_in (16 bytes) / sockaddr_in6 (28 bytes).
Result<sockaddr_storage> parse_sockaddr(Bytes raw);

// Events carried by one datagram from the multicast socket, for `ifindex`
// (0 = any). Messages of another family or command are skipped; a malformed
// notification is an error for that message only and is counted.
struct NotificationBatch {
    std::vector<DelPeerEvent> del_peer;
    std::size_t malformed = 0;
    std::size_t ignored = 0;
    std::size_t lost = 0; // socket overruns (ENOBUFS) seen while reading
};
Result<NotificationBatch> parse_notifications(Bytes datagram, std::uint16_t family_id, std::uint32_t ifindex);

// Text forms for logs and the CLI.
const char* del_reason_name(std::uint8_t reason);
std::string sockaddr_to_string(const sockaddr_storage& sa);

} // namespace ovpn::dco
