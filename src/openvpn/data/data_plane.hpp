// data/data_plane.hpp: the one seam between the control plane and the data
// plane (docs/architecture.md). The control plane (handshake, NCP, push,
// renegotiation, keepalive policy) drives a DataPlane and never asks which
// implementation it has:
//   - UserspaceDataPlane (src/openvpn/data/): tun fd + our OpenSSL crypto;
//   - KernelDataPlane (src/dco/): ovpn-dco-v2 over generic netlink.
// The choice is made once at start-up from the DCO verdict over the options.
//
// Keys are handed over as the per-direction slices of 2.6's key block
// (protocol-facts.md §5.1): for AEAD the cipher key and the implicit IV
// (nonce tail); for CBC+HMAC the cipher key and the HMAC key. The receiver of
// DataKeys owns a copy; SecureBytes wipes every copy when it dies.
//
// Threading: every method is called from the event-loop thread only.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::data {

using PeerId = std::uint32_t;
// kP2pPeerId: the peer id used in p2p/client mode where no id was pushed
// (2.6 sends P_DATA_V1 then, or P_DATA_V2 with 0xFFFFFF "unset").
inline constexpr PeerId kP2pPeerId = 0;
inline constexpr PeerId kUndefinedPeerId = 0xFFFFFF;

enum class KeySlot : std::uint8_t { Primary = 1, Secondary = 2 };

enum class CipherAlg : std::uint8_t {
    None, // --cipher none (userspace only; DCO refuses it)
    Aes128Gcm,
    Aes192Gcm,
    Aes256Gcm,
    Chacha20Poly1305,
    CbcHmac,   // legacy CBC (or CFB/OFB) + HMAC (userspace only); names in DataKeys
    OtherAead, // another GCM cipher (ARIA-256-GCM, ...): userspace only; names in DataKeys
};

// is_aead: the three ciphers (four key sizes) DCO can carry.
constexpr bool is_aead(CipherAlg c)
{
    return c == CipherAlg::Aes128Gcm || c == CipherAlg::Aes192Gcm || c == CipherAlg::Aes256Gcm ||
           c == CipherAlg::Chacha20Poly1305;
}

struct DirectionKeys {
    SecureBytes cipher_key;  // exactly the cipher's key length
    SecureBytes implicit_iv; // AEAD: 8 bytes of nonce tail; empty otherwise
    SecureBytes hmac_key;    // CBC+HMAC: the digest's length; empty for AEAD
};

struct DataKeys {
    std::uint8_t key_id = 0; // 0..7, the key id in the opcode byte
    CipherAlg cipher = CipherAlg::None;
    std::string cipher_name; // OpenSSL/2.6 name, e.g. "AES-256-CBC"
    std::string auth_name;   // e.g. "SHA256"; "none" for AEAD
    DirectionKeys encrypt;   // what we send
    DirectionKeys decrypt;   // what we receive
};

// PeerSpec: one remote peer. In client/p2p mode there is one; a P2MP server
// adds one per client.
struct PeerSpec {
    PeerId id = kP2pPeerId;
    int transport_fd = -1;           // the UDP or TCP socket, still owned by the caller
    sockaddr_storage remote{};       // UDP: the peer's address; TCP: informational
    sockaddr_storage local{};        // UDP: our address towards it (may be zero)
    std::optional<in_addr> vpn_ipv4; // server mode: the client's tunnel addresses
    std::optional<in6_addr> vpn_ipv6;
};

struct PeerStats {
    std::uint64_t link_rx_bytes = 0, link_tx_bytes = 0; // encrypted, on the wire
    std::uint64_t tun_rx_bytes = 0, tun_tx_bytes = 0;   // plaintext, at the tunnel
    std::uint64_t link_rx_packets = 0, link_tx_packets = 0;
    std::uint64_t tun_rx_packets = 0, tun_tx_packets = 0;
};

// Why a peer went away without being asked to (ovpn-dco-v2 DEL_PEER reasons).
enum class DelReason : std::uint8_t { Teardown, Userspace, Expired, TransportError, TransportDisconnect };

struct PeerEvent {
    PeerId id;
    DelReason reason;
};

class DataPlane {
public:
    virtual ~DataPlane() = default;

    // name: "userspace" or "dco", for the log line that says which one runs.
    virtual std::string name() const = 0;

    virtual Status<> add_peer(const PeerSpec& peer) = 0;
    virtual Status<> del_peer(PeerId id) = 0;
    // install_key: put keys into a slot; the primary slot encrypts.
    virtual Status<> install_key(PeerId id, KeySlot slot, const DataKeys& keys) = 0;
    // swap_keys: exchange primary and secondary (after a renegotiation).
    virtual Status<> swap_keys(PeerId id) = 0;
    virtual Status<> del_key(PeerId id, KeySlot slot) = 0;
    // set_keepalive: send a ping after `interval` of silence; report the peer
    // Expired after `timeout` without receiving anything.
    virtual Status<> set_keepalive(PeerId id, std::chrono::seconds interval,
                                   std::chrono::seconds timeout) = 0;
    virtual Result<PeerStats> stats(PeerId id) = 0;

    // event_fd: readable when poll_events() has something (or -1 if never).
    virtual int event_fd() const = 0;
    virtual std::vector<PeerEvent> poll_events() = 0;
};

} // namespace ovpn::data
