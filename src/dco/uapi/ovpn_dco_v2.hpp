// dco/uapi/ovpn_dco_v2.hpp: our pinned copy of the ovpn-dco-v2 kernel ABI
// (generic netlink family "ovpn-dco-v2", rtnetlink link kind "ovpn-dco"), the
// API OpenVPN 2.6.2+ speaks. Numbers are from docs/dco-facts.md §1.2-1.3 and
// §2; the text is ours. Userspace never includes a kernel ovpn header, so a
// build host with Linux >= 6.16 headers (which define the *upstream* `ovpn`
// family under clashing names) still compiles the same bytes.
//
// Every request carries IFINDEX plus exactly one nest named after the command:
//
//   nlmsghdr | genlmsghdr{cmd, version 0} | IFINDEX u32 | <CMD> nest {...}
//
// Every nest must carry NLA_F_NESTED: the family uses strict validation.
//
//   NEW_PEER   {PEER_ID u32, SOCKET u32 fd, SOCKADDR_REMOTE raw sockaddr_in(16)
//               / sockaddr_in6(28) (UDP only), LOCAL_IP 4|16 bytes (opt.),
//               IPV4 be32 (opt.), IPV6 16 bytes (opt.)}
//   SET_PEER   {PEER_ID u32, KEEPALIVE_INTERVAL u32 s, KEEPALIVE_TIMEOUT u32 s}
//   DEL_PEER   {PEER_ID u32}; as a multicast notification on group "peers":
//              IFINDEX + DEL_PEER {REASON u8, PEER_ID u32}
//   NEW_KEY    {PEER_ID u32, KEY_SLOT u8, KEY_ID u8, CIPHER_ALG u16,
//               ENCRYPT_KEY {CIPHER_KEY bin, NONCE_TAIL 8 bytes},
//               DECRYPT_KEY {CIPHER_KEY bin, NONCE_TAIL 8 bytes}}  all required
//   SWAP_KEYS  {PEER_ID u32}
//   DEL_KEY    {PEER_ID u32, KEY_SLOT u8}
//   GET_PEER   {PEER_ID u32} -> one reply; with NLM_F_DUMP and no nest -> one
//              NLM_F_MULTI reply per MP peer, then NLMSG_DONE. The reply nest
//              (attribute GET_PEER) uses the get_peer_response numbering below.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ovpn::dco::uapi {

inline constexpr const char* kFamilyName = "ovpn-dco-v2";
inline constexpr std::uint8_t kFamilyVersion = 1;
inline constexpr const char* kMcastGroupPeers = "peers";
inline constexpr const char* kLinkKind = "ovpn-dco";

// Generic netlink commands.
enum Cmd : std::uint8_t {
    CMD_UNSPEC = 0,
    CMD_NEW_PEER = 1,
    CMD_SET_PEER = 2,
    CMD_DEL_PEER = 3, // also the multicast notification
    CMD_NEW_KEY = 4,
    CMD_SWAP_KEYS = 5,
    CMD_DEL_KEY = 6,
    CMD_GET_PEER = 7,
};

enum CipherAlg : std::uint16_t {
    CIPHER_ALG_NONE = 0, // rejected by the module (-EINVAL)
    CIPHER_ALG_AES_GCM = 1,
    CIPHER_ALG_CHACHA20_POLY1305 = 2,
};

enum DelPeerReason : std::uint8_t {
    DEL_PEER_REASON_TEARDOWN = 0,
    DEL_PEER_REASON_USERSPACE = 1,
    DEL_PEER_REASON_EXPIRED = 2,
    DEL_PEER_REASON_TRANSPORT_ERROR = 3,
    DEL_PEER_REASON_TRANSPORT_DISCONNECT = 4,
    DEL_PEER_REASON_MAX = 4,
};

enum KeySlot : std::uint8_t {
    KEY_SLOT_PRIMARY = 0,
    KEY_SLOT_SECONDARY = 1,
};

// rtnetlink IFLA_INFO_DATA of kind "ovpn-dco".
enum Mode : std::uint8_t {
    MODE_P2P = 0,
    MODE_MP = 1,
};
inline constexpr std::uint16_t IFLA_OVPN_MODE = 1; // u8

inline constexpr std::size_t kNonceTailSize = 8;
inline constexpr std::size_t kMaxCipherKeySize = 255; // policy limit (HEAD)

// Top-level attributes (family policy, max 8).
enum Attr : std::uint16_t {
    ATTR_UNSPEC = 0,
    ATTR_IFINDEX = 1,   // u32
    ATTR_NEW_PEER = 2,  // nest NewPeerAttr
    ATTR_SET_PEER = 3,  // nest SetPeerAttr
    ATTR_DEL_PEER = 4,  // nest DelPeerAttr
    ATTR_NEW_KEY = 5,   // nest NewKeyAttr
    ATTR_SWAP_KEYS = 6, // nest SwapKeysAttr
    ATTR_DEL_KEY = 7,   // nest DelKeyAttr
    ATTR_GET_PEER = 8,  // nest GetPeerAttr (request) / GetPeerRespAttr (reply)
    ATTR_MAX = 8,
};

enum NewPeerAttr : std::uint16_t {
    NEW_PEER_ATTR_PEER_ID = 1,         // u32
    NEW_PEER_ATTR_SOCKADDR_REMOTE = 2, // raw struct sockaddr_in / sockaddr_in6
    NEW_PEER_ATTR_SOCKET = 3,          // u32 fd in the caller's process
    NEW_PEER_ATTR_IPV4 = 4,            // be32 VPN address
    NEW_PEER_ATTR_IPV6 = 5,            // 16 bytes VPN address
    NEW_PEER_ATTR_LOCAL_IP = 6,        // 4 or 16 bytes
    NEW_PEER_ATTR_MAX = 6,
};

enum SetPeerAttr : std::uint16_t {
    SET_PEER_ATTR_PEER_ID = 1,            // u32
    SET_PEER_ATTR_KEEPALIVE_INTERVAL = 2, // u32 seconds
    SET_PEER_ATTR_KEEPALIVE_TIMEOUT = 3,  // u32 seconds
    SET_PEER_ATTR_MAX = 3,
};

enum DelPeerAttr : std::uint16_t {
    DEL_PEER_ATTR_REASON = 1,  // u8 (notifications)
    DEL_PEER_ATTR_PEER_ID = 2, // u32
    DEL_PEER_ATTR_MAX = 2,
};

enum GetPeerAttr : std::uint16_t {
    GET_PEER_ATTR_PEER_ID = 1, // u32
    GET_PEER_ATTR_MAX = 1,
};

enum NewKeyAttr : std::uint16_t {
    NEW_KEY_ATTR_PEER_ID = 1,     // u32
    NEW_KEY_ATTR_KEY_SLOT = 2,    // u8 0..1
    NEW_KEY_ATTR_KEY_ID = 3,      // u8
    NEW_KEY_ATTR_CIPHER_ALG = 4,  // u16
    NEW_KEY_ATTR_ENCRYPT_KEY = 5, // nest KeyDirAttr
    NEW_KEY_ATTR_DECRYPT_KEY = 6, // nest KeyDirAttr
    NEW_KEY_ATTR_MAX = 6,
};

enum KeyDirAttr : std::uint16_t {
    KEY_DIR_ATTR_CIPHER_KEY = 1, // binary, <= 255
    KEY_DIR_ATTR_NONCE_TAIL = 2, // binary, exactly 8
    KEY_DIR_ATTR_MAX = 2,
};

enum DelKeyAttr : std::uint16_t {
    DEL_KEY_ATTR_PEER_ID = 1,  // u32
    DEL_KEY_ATTR_KEY_SLOT = 2, // u8 0..1
    DEL_KEY_ATTR_MAX = 2,
};

enum SwapKeysAttr : std::uint16_t {
    SWAP_KEYS_ATTR_PEER_ID = 1, // u32
    SWAP_KEYS_ATTR_MAX = 1,
};

// GET_PEER reply nest. Stats are u64 bytes / u32 packets; a pad attribute of
// type 0 may precede a u64 to align it. LOCAL_PORT is a be16 whose type carries
// NLA_F_NET_BYTEORDER.
enum GetPeerRespAttr : std::uint16_t {
    GET_PEER_RESP_ATTR_PEER_ID = 1,
    GET_PEER_RESP_ATTR_SOCKADDR_REMOTE = 2,
    GET_PEER_RESP_ATTR_IPV4 = 3,
    GET_PEER_RESP_ATTR_IPV6 = 4,
    GET_PEER_RESP_ATTR_LOCAL_IP = 5,
    GET_PEER_RESP_ATTR_LOCAL_PORT = 6,
    GET_PEER_RESP_ATTR_KEEPALIVE_INTERVAL = 7,
    GET_PEER_RESP_ATTR_KEEPALIVE_TIMEOUT = 8,
    GET_PEER_RESP_ATTR_VPN_RX_BYTES = 9,
    GET_PEER_RESP_ATTR_VPN_TX_BYTES = 10,
    GET_PEER_RESP_ATTR_VPN_RX_PACKETS = 11,
    GET_PEER_RESP_ATTR_VPN_TX_PACKETS = 12,
    GET_PEER_RESP_ATTR_LINK_RX_BYTES = 13,
    GET_PEER_RESP_ATTR_LINK_TX_BYTES = 14,
    GET_PEER_RESP_ATTR_LINK_RX_PACKETS = 15,
    GET_PEER_RESP_ATTR_LINK_TX_PACKETS = 16,
    GET_PEER_RESP_ATTR_MAX = 16,
};

} // namespace ovpn::dco::uapi
