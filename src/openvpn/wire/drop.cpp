#include "openvpn/wire/drop.hpp"

namespace ovpn::wire {

const char* to_string(Drop d) noexcept
{
    switch (d) {
    case Drop::TooShort:
        return "packet too short";
    case Drop::TooLong:
        return "packet too long";
    case Drop::BadOpcode:
        return "bad opcode";
    case Drop::BadKeyId:
        return "bad key id";
    case Drop::TooManyAcks:
        return "too many acks";
    case Drop::TrailingBytes:
        return "trailing bytes";
    case Drop::BadHmac:
        return "HMAC authentication failed";
    case Drop::BadTag:
        return "tag authentication failed";
    case Drop::Replay:
        return "replay";
    case Drop::PacketIdZero:
        return "packet id zero";
    case Drop::PacketIdRollover:
        return "packet id roll over";
    case Drop::BadPadding:
        return "decryption failed";
    case Drop::BadWkc:
        return "bad tls-crypt-v2 wrapped key";
    case Drop::BadCompression:
        return "bad compression header";
    case Drop::DecompressFailed:
        return "decompression failed";
    case Drop::NoRoom:
        return "no room in buffer";
    case Drop::Crypto:
        return "crypto library error";
    }
    return "unknown";
}

} // namespace ovpn::wire
