// options/push_options.cpp: see push_options.hpp.
#include "openvpn/options/push_options.hpp"

#include "openvpn/options/lexer.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/table.hpp"

namespace ovpn::options {
namespace {

enum class Filter { Accept, Ignore, Reject };

// filter: the first pull-filter whose text is a prefix of the option line.
Filter filter(const Options& o, const std::string& line)
{
    for (const auto& f : o.pull_filters) {
        if (f.size() < 2 || line.compare(0, f[1].size(), f[1]) != 0)
            continue;
        if (f[0] == "ignore")
            return Filter::Ignore;
        if (f[0] == "reject")
            return Filter::Reject;
        return Filter::Accept;
    }
    return Filter::Accept;
}

} // namespace

std::uint32_t pull_mask(const Options& o)
{
    return kMaskPullBase | (o.route_nopull ? 0u : kMaskPullRoutes);
}

Result<PushResult> apply_pushed_options(Options& o, std::span<const std::string> opts, Logger& log)
{
    PushResult r;
    Parser p(o, log);
    const std::uint32_t mask = pull_mask(o);
    int n = 0;
    for (const auto& line : opts) {
        const Origin at{"[PUSH-OPTIONS]", ++n};
        const Filter f = filter(o, line);
        if (f == Filter::Reject)
            return Err{strfmt("Pushed option rejected by pull-filter: '%s', restarting", line.c_str())};
        auto toks = tokenize(line, at);
        if (!toks)
            return Err{"OPTIONS ERROR: " + toks.error()};
        if (f == Filter::Ignore || toks->empty()) {
            log.logf(Verb::Debug, "Pushed option removed by filter: '%s'", line.c_str());
            ++r.skipped;
            continue;
        }
        const std::size_t before = o.directives.size();
        auto st = p.apply(std::move(*toks), at, false, mask);
        if (!st)
            return Err{st.error()};
        (o.directives.size() > before ? r.applied : r.skipped)++;
    }
    return r;
}

Status<> apply_client_config(Options& o, std::string_view text, const std::string& name, Logger& log)
{
    Parser p(o, log);
    return p.parse_text(text, name, kMaskClientConnect);
}

} // namespace ovpn::options
