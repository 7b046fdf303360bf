// wire/drop.hpp: why a packet was refused. Every parser and unwrapper in
// wire/ and crypto/ reports one of these instead of throwing or logging;
// callers count them (one counter per reason) and log rate-limited.
#pragma once

#include <cstdint>

namespace ovpn::wire {

enum class Drop : std::uint8_t {
    TooShort,         // fewer bytes than the header needs
    TooLong,          // larger than the buffer or the protocol limit
    BadOpcode,        // opcode outside 1..11 or not valid here
    BadKeyId,         // key id not expected / no key for it
    TooManyAcks,      // ack_count > 8
    TrailingBytes,    // bytes left where none may be (e.g. P_ACK_V1)
    BadHmac,          // tls-auth / CBC HMAC mismatch
    BadTag,           // tls-crypt tag or AEAD tag mismatch
    Replay,           // packet id seen before or outside the window
    PacketIdZero,     // packet id 0 is never valid
    PacketIdRollover, // send counter exhausted (renegotiate)
    BadPadding,       // CBC padding / decrypt failure
    BadWkc,           // tls-crypt-v2 wrapped key refused
    BadCompression,   // unknown compression marker byte
    DecompressFailed, // LZ4/LZO refused the data
    NoRoom,           // output buffer / headroom too small
    Crypto,           // OpenSSL failed unexpectedly
};

const char* to_string(Drop d) noexcept;

} // namespace ovpn::wire
