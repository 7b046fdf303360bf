// Fuzz target: config text through the lexer, every directive through the
// option table (as a config line and as a pushed option), then the helpers.
// --config lines are skipped so the fuzzer never reads files.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "openvpn/options/helpers.hpp"
#include "openvpn/options/lexer.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/push_options.hpp"
#include "openvpn/options/table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ovpn::options;
    static ovpn::Logger log(std::fopen("/dev/null", "w"));
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto lines = split_config(text, "fuzz.conf");
    if (!lines)
        return 0;
    Options o;
    Parser p(o, log);
    std::vector<std::string> pushed;
    for (const auto& l : *lines) {
        if (l.tokens[0] == "config" || l.tokens[0] == "cd")
            continue;
        std::string joined;
        for (const auto& t : l.tokens)
            joined += (joined.empty() ? "" : " ") + t;
        pushed.push_back(joined);
        (void)p.apply(l.tokens, l.origin, l.is_inline, kMaskConfig);
    }
    (void)finalize(o, log);
    Options client;
    (void)apply_pushed_options(client, pushed, log);
    return 0;
}
