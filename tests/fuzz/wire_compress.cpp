// Fuzz: every decompression framing (LZ4 and LZO included) on any bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "openvpn/core/packet_buf.hpp"
#include "openvpn/wire/compress.hpp"

using namespace ovpn;
using namespace ovpn::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static std::vector<std::uint8_t> scratch(PacketBuf::kDefaultCapacity);
    for (auto mode : {CompressMode::None, CompressMode::LzoNo, CompressMode::Lzo, CompressMode::Stub,
                      CompressMode::Lz4, CompressMode::StubV2, CompressMode::Lz4V2}) {
        PacketBuf buf;
        if (!buf.append(Bytes(data, size)))
            return 0;
        (void)decompress_frame(buf, mode, scratch);
        // Whatever comes out must frame again without harm.
        PacketBuf again;
        if (again.append(buf.span()))
            (void)compress_frame(again, mode, true, scratch);
    }
    return 0;
}
