// Fuzz: the --ifconfig-pool-persist reader. Any text loads without harm;
// what the pool writes back must load again without a single warning.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "openvpn/server/pool.hpp"

using namespace ovpn;

namespace {

options::Options pool_options(bool subnet)
{
    options::Options o;
    o.ifconfig_pool = std::vector<std::string>{"10.8.0.4", "10.8.0.40", "255.255.255.0"};
    o.ifconfig_ipv6_pool = "fd00:8::1000/112";
    o.topology = subnet ? options::Topology::Subnet : options::Topology::Net30;
    o.max_clients = 64;
    return o;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool subnet = size > 0 && (data[0] & 1);
    auto pool = server::Pool::create(pool_options(subnet));
    if (!pool)
        __builtin_trap();
    (void)pool->load_persist(text, size > 1 && (data[1] & 1));
    const std::string written = pool->format_persist();
    auto again = server::Pool::create(pool_options(subnet));
    if (!again || !again->load_persist(written, false).empty() || again->format_persist() != written)
        __builtin_trap();
    return 0;
}
