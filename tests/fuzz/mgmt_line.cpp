// Fuzz target: bytes as a management client sends them, cut into reads at
// places the input itself chooses, through LineReader and tokenize(). Checks
// the promises of mgmt/line.hpp: lines hold only printable bytes and at most
// kMaxLine of them; at most 16 words of at most 256 bytes; an error line is
// one of 2.6's.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "openvpn/mgmt/line.hpp"

using namespace ovpn::mgmt;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void check_line(const Line& l)
{
    check(l.text.size() <= LineReader::kMaxLine);
    check(!l.too_long || l.text.empty());
    for (char c : l.text) {
        const auto u = static_cast<unsigned char>(c);
        check(u >= 0x20 && u != 0x7f);
    }
    const Tokens t = tokenize(l.text);
    check(t.words.size() <= kMaxWords);
    for (const auto& w : t.words)
        check(w.size() <= kMaxWordLen);
    if (t.error)
        check(t.error->rfind("ERROR: Options ", 0) == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    LineReader r;
    const char* p = reinterpret_cast<const char*>(data);
    // The first byte picks the read size (1..256), as TCP may cut anywhere.
    const std::size_t step = size ? (data[0] % 256) + 1 : 1;
    for (std::size_t off = size ? 1 : 0; off < size; off += step) {
        const std::size_t n = off + step <= size ? step : size - off;
        r.append(std::span<const char>(p + off, n));
        while (auto l = r.next())
            check_line(*l);
    }
    return 0;
}
