// Fuzz: data-channel decrypt for AEAD (V1/V2), CBC+HMAC and --secret mode.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "openvpn/crypto/data_channel.hpp"
#include "openvpn/crypto/key_expansion.hpp"

using namespace ovpn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const crypto::StaticKey block{SecureBytes(std::vector<std::uint8_t>(256, 0x3c))};
    struct Setup {
        const char* cipher;
        const char* auth;
        crypto::DataHeader header;
        bool long_id;
    };
    static const Setup setups[] = {{"AES-256-GCM", "none", crypto::DataHeader::DataV2, false},
                                   {"CHACHA20-POLY1305", "none", crypto::DataHeader::DataV1, false},
                                   {"AES-256-CBC", "SHA256", crypto::DataHeader::DataV2, false},
                                   {"AES-128-CBC", "SHA1", crypto::DataHeader::None, true},
                                   {"none", "none", crypto::DataHeader::DataV1, false}};
    for (const auto& s : setups) {
        auto keys = crypto::make_data_keys(block, wire::Role::Server, 0, s.cipher, s.auth);
        if (!keys)
            __builtin_trap();
        crypto::DataChannelConfig cfg;
        cfg.header = s.header;
        cfg.long_packet_id = s.long_id;
        auto dc = crypto::DataChannel::create(*keys, cfg);
        if (!dc)
            __builtin_trap();
        PacketBuf buf;
        if (!buf.append(Bytes(data, size)))
            return 0;
        (void)dc->decrypt(buf, 0);
    }
    return 0;
}
