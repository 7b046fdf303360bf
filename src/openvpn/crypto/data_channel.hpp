// crypto/data_channel.hpp: encrypt and decrypt data-channel packets in place
// (protocol-facts §6.1-6.4, §7) for one key (one key id).
//
// AEAD (AES-GCM, CHACHA20-POLY1305):
//   | header (1|4) | pid (4) | tag (16) | ciphertext |
//   nonce = pid || implicit_iv[8];  AAD = V2: header || pid,  V1: pid only
//
// CBC + HMAC (and cipher none):
//   | header (1|4) | HMAC(IV || ct) | IV (block) | CBC(pid || payload, PKCS#7) |
//   none:  | header | HMAC(pid || payload) | pid | payload |
// CFB/OFB + HMAC (2.6 with ENABLE_OFB_CFB_MODE, as Debian builds it):
//   | header (1|4) | HMAC(IV || ct) | IV = long pid || zeros | CFB/OFB(payload) |
//   The packet id is always the long form here and rides in the IV.
//   The HMAC never covers the header. --secret mode has no header and a long
//   packet id (id || time).
//
// Headers: P_DATA_V1 = one byte op|kid; P_DATA_V2 = op|kid + 24-bit peer id.
// Buffers need kMaxDataOverhead of headroom and one cipher block of tailroom.
// Order on receive: authenticate/decrypt, then the replay window: a forged
// packet never moves it. Not thread-safe: one DataChannel per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "openvpn/core/packet_buf.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/wire/drop.hpp"
#include "openvpn/wire/evp.hpp"
#include "openvpn/wire/packet_id.hpp"

namespace ovpn::crypto {

enum class DataHeader : std::uint8_t {
    None,   // --secret (static key) mode: no opcode byte
    DataV1, // 1 byte
    DataV2, // 4 bytes with peer id
};

struct DataChannelConfig {
    DataHeader header = DataHeader::DataV2;
    std::uint32_t peer_id = 0xFFFFFF; // DataV2 only: what we put in sent packets
    bool long_packet_id = false;      // --secret mode uses id || time
    std::uint32_t session_time = 0;   // long form: time field of sent packets
    unsigned replay_window = wire::kDefaultReplayWindow;
    unsigned replay_time = wire::kDefaultReplayTime;
    bool replay_protect = true;     // --no-replay turns it off
    std::uint32_t last_sent_id = 0; // the first packet carries last_sent_id + 1 (tests)
    wire::PacketId rx_start{};      // --replay-persist: the receive window's saved state
};

// kMaxDataOverhead: the most bytes encrypt() prepends (V2 header + HMAC-SHA512
// + 16-byte IV + 8-byte packet id).
inline constexpr std::size_t kMaxDataOverhead = 4 + 64 + 16 + 8;

class DataChannel {
public:
    // create: contexts for both directions of keys. Fails on key sizes that
    // do not match the cipher or digest.
    static Result<DataChannel> create(const data::DataKeys& keys, const DataChannelConfig& cfg);

    // encrypt: buf holds the plaintext (after compression framing); on
    // success it holds the packet to send. now: seconds (long-form ids).
    Status<wire::Drop> encrypt(PacketBuf& buf, std::uint32_t now) noexcept;
    // decrypt: buf holds a received packet, header included; on success it
    // holds the plaintext. The header's key id is not checked here (the
    // caller picked this key by it).
    Status<wire::Drop> decrypt(PacketBuf& buf, std::uint32_t now) noexcept;

    // encrypt_batch / decrypt_batch: the same over many packets; out[i] is
    // the drop reason of bufs[i] or nullopt on success. Returns the number of
    // successes. out must be at least as long as bufs.
    std::size_t encrypt_batch(std::span<PacketBuf> bufs, std::uint32_t now,
                              std::span<std::optional<wire::Drop>> out) noexcept;
    std::size_t decrypt_batch(std::span<PacketBuf> bufs, std::uint32_t now,
                              std::span<std::optional<wire::Drop>> out) noexcept;

    // overhead: bytes added to a plaintext of the given size.
    std::size_t overhead(std::size_t plaintext_len) const noexcept;
    // frame_overhead: 2.6's count of the same (mtu.c): header, packet id
    // (long form for --secret and CFB/OFB), then the tag, or IV and HMAC;
    // CBC padding is not counted. What --mtu-test's loads are sized by.
    std::size_t frame_overhead() const noexcept;
    // needs_renegotiation: the send counter reached 0xFF000000.
    bool needs_renegotiation() const noexcept { return tx_.needs_renegotiation(); }
    std::uint8_t key_id() const noexcept { return key_id_; }
    // rx_highest: the highest id received (and its time, long form).
    wire::PacketId rx_highest() const noexcept { return {rx_.highest(), rx_.time()}; }
    data::CipherAlg cipher() const noexcept { return alg_; }
    // set_peer_id: the id to put in P_DATA_V2 headers (pushed peer-id).
    void set_peer_id(std::uint32_t id) noexcept { cfg_.peer_id = id; }

private:
    DataChannel() = default;
    std::size_t header_len() const noexcept;
    Result<std::size_t, wire::Drop> rx_header_len(const PacketBuf& buf) const noexcept;
    void write_header(std::uint8_t* p) const noexcept;
    Status<wire::Drop> encrypt_aead(PacketBuf& buf, std::uint32_t pid) noexcept;
    Status<wire::Drop> decrypt_aead(PacketBuf& buf, std::uint32_t now) noexcept;
    Status<wire::Drop> encrypt_cbc(PacketBuf& buf, wire::PacketId pid) noexcept;
    Status<wire::Drop> decrypt_cbc(PacketBuf& buf, std::uint32_t now) noexcept;
    Status<wire::Drop> encrypt_iv_pid(PacketBuf& buf, wire::PacketId pid) noexcept;
    Status<wire::Drop> decrypt_iv_pid(PacketBuf& buf, std::uint32_t now) noexcept;
    Status<wire::Drop> replay_check(wire::PacketId pid, std::uint32_t now) noexcept;

    DataChannelConfig cfg_;
    std::uint8_t key_id_ = 0;
    data::CipherAlg alg_ = data::CipherAlg::None;
    std::size_t block_ = 1; // CBC block / IV size; 0 for cipher none
    bool aead_ = false;     // AEAD framing (any GCM, ChaCha20-Poly1305)
    bool iv_pid_ = false;   // CFB/OFB: the IV carries the packet id, no padding
    std::size_t hmac_len_ = 0;
    wire::CipherCtxPtr enc_;
    wire::CipherCtxPtr dec_;
    std::optional<wire::Hmac> enc_hmac_;
    std::optional<wire::Hmac> dec_hmac_;
    SecureBytes enc_iv_; // AEAD implicit IVs (8 bytes each)
    SecureBytes dec_iv_;
    wire::PacketIdSend tx_;
    wire::ReplayWindow rx_;
};

} // namespace ovpn::crypto
