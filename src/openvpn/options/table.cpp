// options/table.cpp: merges the area tables into one sorted index.
#include "openvpn/options/table.hpp"

#include <algorithm>
#include <vector>

namespace ovpn::options {
namespace {

std::vector<OptionSpec> build_index()
{
    std::vector<OptionSpec> all;
    for (auto part : {general_options(), network_options(), server_options(), tls_options()})
        all.insert(all.end(), part.begin(), part.end());
    std::sort(all.begin(), all.end(),
              [](const OptionSpec& a, const OptionSpec& b) { return a.name < b.name; });
    return all;
}

const std::vector<OptionSpec>& index()
{
    static const std::vector<OptionSpec> all = build_index();
    return all;
}

} // namespace

std::span<const OptionSpec> all_options()
{
    return index();
}

const OptionSpec* lookup(std::string_view name)
{
    const auto& all = index();
    auto it = std::lower_bound(all.begin(), all.end(), name,
                               [](const OptionSpec& s, std::string_view n) { return s.name < n; });
    return it != all.end() && it->name == name ? &*it : nullptr;
}

} // namespace ovpn::options
