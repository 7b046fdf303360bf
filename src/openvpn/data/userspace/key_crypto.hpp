// data/userspace/key_crypto.hpp: one data-channel key (both directions) for
// the userspace data plane: AEAD (GCM, ChaCha20-Poly1305) and CBC+HMAC, in
// place on PacketBufs, with the send packet id and the receive replay
// window. Layouts in protocol-facts.md §6.2/§6.3/§7. OpenSSL 3 EVP only;
// contexts are created once per key, never per packet.
//
// Internal to the userspace data plane (the wire helper's crypto layer may
// replace it behind the same calls).
#pragma once

#include <cstdint>
#include <memory>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/packet_buf.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/data/data_plane.hpp"

namespace ovpn::data {

enum class CryptoError : std::uint8_t { TooShort, AuthFailed, Replay, IdWrap, TooBig, Internal };

class KeyCrypto {
public:
    // create: contexts for `keys`; fails on an unknown cipher/digest or a
    // key of the wrong size. static_key: long packet ids (--secret).
    static Result<std::unique_ptr<KeyCrypto>> create(const DataKeys& keys, bool static_key);
    ~KeyCrypto();

    std::uint8_t key_id() const noexcept { return key_id_; }
    // encrypt: payload in buf -> [packet id][tag] ciphertext (AEAD) or
    // [hmac][iv] ciphertext (CBC), in place. `ad` is the opcode header that
    // will be prepended (authenticated for P_DATA_V2 AEAD). The header itself
    // is NOT prepended here.
    Status<CryptoError> encrypt(PacketBuf& buf, Bytes ad);
    // decrypt: the reverse, with the replay check after authentication.
    // `ad` is the received header (V2: 4 bytes; V1: empty).
    Status<CryptoError> decrypt(PacketBuf& buf, Bytes ad, std::uint64_t now_sec);
    // overhead: bytes encrypt adds (without the opcode header), worst case.
    std::size_t overhead() const noexcept;

private:
    KeyCrypto() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::uint8_t key_id_ = 0;
};

} // namespace ovpn::data
