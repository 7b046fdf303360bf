// options/parser.cpp: see parser.hpp.
#include "openvpn/options/parser.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "openvpn/options/helpers.hpp"
#include "openvpn/options/table.hpp"

namespace ovpn::options {
namespace {

constexpr int kMaxIncludeDepth = 10;
constexpr const char* kVersion = "2.6.14";

std::string loc(const Origin& at)
{
    return strfmt("%s:%d", at.file.c_str(), at.line);
}

Err<std::string> options_error(const std::string& msg)
{
    return Err{"Options error: " + msg};
}

bool starts_with_dashes(const std::string& s)
{
    return s.size() >= 2 && s[0] == '-' && s[1] == '-';
}

Result<std::string> read_whole_file(const std::string& path)
{
    if (path == "stdin") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Err{std::string("cannot open")};
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxConfigBytes)
            return Err{strfmt("larger than %zu bytes", kMaxConfigBytes)};
    }
    return text;
}

// recorded: the directive as kept in Options::directives; inline bodies
// (keys) are not copied there.
Directive recorded(const std::vector<std::string>& tokens, const Origin& at, bool is_inline)
{
    Directive d{tokens[0], {}, at, is_inline};
    if (is_inline)
        d.args.push_back("[inline]");
    else
        d.args.assign(tokens.begin() + 1, tokens.end());
    return d;
}

} // namespace

Status<> Parser::unknown(const std::vector<std::string>& tokens, const Origin& at, bool relaxed)
{
    const std::string& name = tokens[0];
    relaxed = relaxed || o_.forward_compatible ||
              std::find(o_.ignore_unknown.begin(), o_.ignore_unknown.end(), name) != o_.ignore_unknown.end();
    std::string msg = strfmt("Unrecognized option or missing or extra parameter(s) in %s: %s (%s)",
                             loc(at).c_str(), name.c_str(), kVersion);
    const OptionSpec* spec = lookup(name);
    if (spec && (spec->flags & F_WINDOWS))
        msg += " [a Windows-only option]";
    if (relaxed) {
        log_.write(Verb::Error, msg);
        return Ok{};
    }
    return options_error(msg);
}

Status<> Parser::apply(std::vector<std::string> tokens, const Origin& at, bool is_inline, std::uint32_t mask)
{
    const bool pulled = (mask & P_PULL_MODE) != 0;
    bool relaxed = pulled;
    if (tokens.size() >= 2 && tokens[0] == "setenv" && tokens[1] == "opt" && !pulled) {
        if (tokens.size() == 2)
            tokens = {"setenv opt"};
        else
            tokens.erase(tokens.begin(), tokens.begin() + 2);
        relaxed = true;
    }
    const OptionSpec* spec = lookup(tokens[0]);
    const std::size_t nargs = tokens.size() - 1;
    if (!spec || (spec->flags & (F_WINDOWS | F_ABSENT)) || nargs < spec->min_args || nargs > spec->max_args)
        return unknown(tokens, at, relaxed);
    if (!(spec->perm & mask)) {
        std::string msg =
            strfmt("option '%s' cannot be used in this context (%s)", tokens[0].c_str(), loc(at).c_str());
        if (pulled) {
            log_.write(Verb::Error, msg);
            return Ok{};
        }
        return options_error(msg);
    }
    if (is_inline && !(spec->perm & P_INLINE))
        return options_error(
            strfmt("option '%s' is not expected to be inline (%s)", tokens[0].c_str(), loc(at).c_str()));
    if ((spec->perm & P_CONNECTION) && o_.have_connection_blocks && !current_ce_ && !pulled)
        log_.logf(Verb::Error, "Option '%s' in %s is ignored by previous <connection> blocks",
                  tokens[0].c_str(), loc(at).c_str());
    Ctx c{o_,         current_ce_ ? *current_ce_ : o_.ce,
          spec->name, at,
          is_inline,  mask,
          log_,       pulled ? nullptr : this};
    std::span<const std::string> args(tokens.data() + 1, nargs);
    auto st = spec->handler(c, args);
    if (!st) {
        if (st.error().rfind("Options error:", 0) == 0)
            return st;
        return options_error(strfmt("%s: --%s: %s", loc(at).c_str(), tokens[0].c_str(), st.error().c_str()));
    }
    o_.directives.push_back(recorded(tokens, at, is_inline));
    return Ok{};
}

Status<> Parser::apply_lines(const std::vector<Line>& lines, std::uint32_t mask)
{
    for (const Line& l : lines) {
        auto st = apply(l.tokens, l.origin, l.is_inline, mask);
        if (!st)
            return st;
    }
    return Ok{};
}

Status<> Parser::include_file(const std::string& path, const Origin& from)
{
    namespace fs = std::filesystem;
    fs::path p(path);
    if (p.is_relative() && o_.cd && path != "stdin")
        p = fs::path(*o_.cd) / p;
    std::error_code ec;
    const std::string key = path == "stdin" ? path : fs::weakly_canonical(p, ec).string();
    if (std::find(include_stack_.begin(), include_stack_.end(), key) != include_stack_.end()) {
        std::string chain;
        for (const auto& f : include_stack_)
            chain += f + " -> ";
        return options_error(strfmt("In %s: --config %s includes itself (%s%s)", loc(from).c_str(),
                                    path.c_str(), chain.c_str(), key.c_str()));
    }
    if (static_cast<int>(include_stack_.size()) >= kMaxIncludeDepth)
        return options_error(strfmt("In %s: Maximum recursive include levels exceeded in include attempt of "
                                    "file %s",
                                    loc(from).c_str(), path.c_str()));
    auto text = read_whole_file(p.string());
    if (!text)
        return options_error(strfmt("In %s: Error opening configuration file: %s (%s)", loc(from).c_str(),
                                    path.c_str(), text.error().c_str()));
    auto lines = split_config(*text, path);
    if (!lines)
        return options_error(lines.error());
    include_stack_.push_back(key);
    auto st = apply_lines(*lines, kMaskConfig);
    include_stack_.pop_back();
    return st;
}

Status<> Parser::parse_text(std::string_view text, const std::string& name, std::uint32_t mask)
{
    auto lines = split_config(text, name);
    if (!lines)
        return options_error(lines.error());
    return apply_lines(*lines, mask == ~0u ? kMaskConfig : mask);
}

Status<> Parser::connection_block(const std::string& body, const Origin& at)
{
    ConnectionEntry ce = o_.ce;
    ce.remotes.clear();
    ce.origin = at;
    auto lines = split_config(body, at.file, at.line + 1, false);
    if (!lines)
        return options_error(lines.error());
    ConnectionEntry* saved = current_ce_;
    current_ce_ = &ce;
    auto st = apply_lines(*lines, kMaskConnection);
    current_ce_ = saved;
    if (!st)
        return st;
    if (ce.remotes.size() != 1)
        return options_error(strfmt(
            "In %s: Each 'connection' block must contain exactly one 'remote' directive", loc(at).c_str()));
    o_.connections.push_back(std::move(ce));
    o_.have_connection_blocks = true;
    return Ok{};
}

Status<> Parser::parse_argv_groups(std::span<const std::string> args)
{
    const Origin cli{"[CMD-LINE]", 1};
    for (std::size_t i = 0; i < args.size();) {
        if (!starts_with_dashes(args[i]))
            return options_error(
                strfmt("I'm trying to parse \"%s\" as an --option parameter but I don't see a "
                       "leading '--'",
                       args[i].c_str()));
        std::vector<std::string> tokens{args[i].substr(2)};
        std::size_t j = i + 1;
        while (j < args.size() && !starts_with_dashes(args[j]) && tokens.size() < kMaxParams)
            tokens.push_back(args[j++]);
        auto st = apply(std::move(tokens), cli, false, kMaskConfig);
        if (!st)
            return st;
        i = j;
    }
    return Ok{};
}

Status<> Parser::parse_argv(std::span<const std::string> args)
{
    if (args.empty()) {
        o_.show_help = true;
        return Ok{};
    }
    if (args.size() == 1 && !starts_with_dashes(args[0]))
        return apply({"config", args[0]}, Origin{"[CMD-LINE]", 1}, false, kMaskConfig);
    return parse_argv_groups(args);
}

Result<Options> parse_config(std::span<const std::string> args, Logger& log)
{
    Options o;
    Parser p(o, log);
    auto st = p.parse_argv(args);
    if (!st)
        return Err{st.error()};
    auto fin = finalize(o, log);
    if (!fin)
        return Err{fin.error()};
    return o;
}

} // namespace ovpn::options
