// data/userspace/key_crypto.cpp: placeholder until the EVP code lands.
#include "openvpn/data/userspace/key_crypto.hpp"

namespace ovpn::data {

struct KeyCrypto::Impl {};
KeyCrypto::~KeyCrypto() = default;

Result<std::unique_ptr<KeyCrypto>> KeyCrypto::create(const DataKeys&, bool)
{
    return Err{std::string("userspace data channel crypto: not implemented yet")};
}
Status<CryptoError> KeyCrypto::encrypt(PacketBuf&, Bytes)
{
    return Err{CryptoError::Internal};
}
Status<CryptoError> KeyCrypto::decrypt(PacketBuf&, Bytes, std::uint64_t)
{
    return Err{CryptoError::Internal};
}
std::size_t KeyCrypto::overhead() const noexcept
{
    return 0;
}

} // namespace ovpn::data
