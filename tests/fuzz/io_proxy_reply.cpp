// Fuzz: what a proxy answers. The HTTP reader is fed in chunks and must stop
// at the end of the headers without taking a byte more; the SOCKS5 parsers
// take the same bytes as method, user/pass and connect replies.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "openvpn/io/proxy.hpp"

using namespace ovpn;
using namespace ovpn::io;
using namespace ovpn::io::proxy_wire;

namespace {

void http(std::span<const std::uint8_t> in)
{
    HttpResponseReader r;
    std::size_t pos = 0;
    while (pos < in.size() && r.state() == HttpResponseReader::State::NeedMore) {
        const std::size_t n = std::min<std::size_t>(1u + in[pos] % 61u, in.size() - pos);
        const std::size_t took = r.feed(in.subspan(pos, n));
        if (took > n || (took < n && r.state() == HttpResponseReader::State::NeedMore))
            __builtin_trap();
        pos += took;
        if (took < n)
            break;
    }
    if (r.state() == HttpResponseReader::State::Done) {
        if (r.response().headers.size() > HttpResponseReader::kMaxHeaders)
            __builtin_trap();
        (void)parse_http_status_line(r.response().status_line);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::uint8_t> in(data, size);
    http(in);
    (void)parse_socks5_method_reply(in, true);
    (void)parse_socks5_method_reply(in, false);
    (void)parse_socks5_userpass_reply(in);
    if (auto n = socks5_reply_size(in); n && *n <= in.size())
        (void)parse_socks5_reply(in.first(*n));
    (void)parse_socks5_reply(in);
    return 0;
}
