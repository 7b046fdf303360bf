// options/lexer.cpp: see lexer.hpp for the grammar.
#include "openvpn/options/lexer.hpp"

#include <cctype>

#include "openvpn/core/log.hpp"

namespace ovpn::options {
namespace {

bool is_blank(char c)
{
    return c == '\0' || std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string where(const Origin& at)
{
    return strfmt("%s:%d", at.file.c_str(), at.line);
}

// Tokenizer: the state machine of one line. Each input character is fed to
// step(); a backslash only arms `escaped_` for the next character.
class Tokenizer {
public:
    explicit Tokenizer(const Origin& at) : at_(at) {}

    Result<std::vector<std::string>> run(std::string_view line);

private:
    enum class State { Initial, Unquoted, Double, Single };

    // step: consume one character; returns false to stop (comment / full).
    Result<bool> step(char in);
    Status<> emit_char(char out);
    void finish_token();

    const Origin& at_;
    State state_ = State::Initial;
    bool escaped_ = false;
    std::string cur_;
    std::vector<std::string> out_;
};

Result<std::vector<std::string>> Tokenizer::run(std::string_view line)
{
    for (std::size_t i = 0; i <= line.size(); ++i) {
        const char in = i < line.size() ? line[i] : '\0';
        auto r = step(in);
        if (!r)
            return Err{r.error()};
        if (!*r || out_.size() >= kMaxParams)
            break;
    }
    if (state_ == State::Double)
        return Err{strfmt("No closing quotation (\") in %s", where(at_).c_str())};
    if (state_ == State::Single)
        return Err{strfmt("No closing single quotation (') in %s", where(at_).c_str())};
    if (state_ != State::Initial)
        return Err{strfmt("Residual parse state in %s (line ends with a backslash)", where(at_).c_str())};
    return std::move(out_);
}

Result<bool> Tokenizer::step(char in)
{
    if (!escaped_ && in == '\\' && state_ != State::Single) {
        escaped_ = true;
        return true;
    }
    char out = 0;
    bool done = false;
    switch (state_) {
    case State::Initial:
        if (is_blank(in))
            break;
        if (in == '#' || in == ';')
            return false; // comment, even right after a backslash (as 2.6)
        if (!escaped_ && in == '"')
            state_ = State::Double;
        else if (!escaped_ && in == '\'')
            state_ = State::Single;
        else {
            out = in;
            state_ = State::Unquoted;
        }
        break;
    case State::Unquoted:
        done = !escaped_ && is_blank(in);
        out = done ? 0 : in;
        break;
    case State::Double:
        done = !escaped_ && in == '"';
        out = done ? 0 : in;
        break;
    case State::Single:
        done = in == '\'';
        out = done ? 0 : in;
        break;
    }
    if (done)
        finish_token();
    if (escaped_ && out != 0 && out != '\\' && out != '"' && !is_blank(out))
        return Err{strfmt("Bad backslash ('\\') usage in %s: backslashes escape only \\, \" and blanks; "
                          "write a literal backslash as \\\\",
                          where(at_).c_str())};
    escaped_ = false;
    if (out != 0) {
        auto st = emit_char(out);
        if (!st)
            return Err{st.error()};
    }
    return true;
}

Status<> Tokenizer::emit_char(char out)
{
    if (cur_.size() >= kMaxParamLen)
        return Err{strfmt("Parameter at %s is too long (%zu chars max): %.40s...", where(at_).c_str(),
                          kMaxParamLen, cur_.c_str())};
    cur_.push_back(out);
    return Ok{};
}

void Tokenizer::finish_token()
{
    out_.push_back(std::move(cur_));
    cur_.clear();
    state_ = State::Initial;
}

// next_line: the physical line starting at `pos` (newline included) and the
// position after it.
std::string_view next_line(std::string_view text, std::size_t& pos)
{
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(pos, end - pos);
    pos = end;
    return line;
}

bool starts_after_blanks(std::string_view line, std::string_view tag)
{
    std::size_t i = 0;
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
        ++i;
    return line.substr(i, tag.size()) == tag;
}

// read_block: the body of an inline block up to its closing tag.
Result<std::string> read_block(std::string_view text, std::size_t& pos, int& line_no, const std::string& tag)
{
    const std::string close = "</" + tag + ">";
    std::string body;
    while (pos < text.size()) {
        std::string_view line = next_line(text, pos);
        ++line_no;
        if (starts_after_blanks(line, close))
            return body;
        body.append(line);
        if (body.empty() || body.back() != '\n')
            body.push_back('\n');
    }
    return Err{strfmt("Endtag %s missing", close.c_str())};
}

bool is_open_tag(const std::vector<std::string>& t)
{
    return t.size() == 1 && t[0].size() >= 2 && t[0].front() == '<' && t[0].back() == '>';
}

void strip_double_dash(std::string& name)
{
    if (name.size() >= 3 && name.compare(0, 2, "--") == 0)
        name.erase(0, 2);
}

} // namespace

Result<std::vector<std::string>> tokenize(std::string_view line, const Origin& at)
{
    if (line.find('\0') != std::string_view::npos)
        return Err{strfmt("In %s: the line contains a NUL byte", where(at).c_str())};
    return Tokenizer(at).run(line);
}

Result<std::vector<Line>> split_config(std::string_view text, const std::string& file, int first_line,
                                       bool strip_bom)
{
    if (text.size() > kMaxConfigBytes)
        return Err{strfmt("%s is larger than %zu bytes", file.c_str(), kMaxConfigBytes)};
    if (strip_bom && text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    std::vector<Line> out;
    std::size_t pos = 0;
    int line_no = first_line - 1;
    while (pos < text.size()) {
        std::string_view raw = next_line(text, pos);
        ++line_no;
        Origin at{file, line_no};
        if (raw.size() >= kMaxLineLen)
            return Err{strfmt("In %s: Maximum option line length (%zu) exceeded, line starts with %.40s",
                              where(at).c_str(), kMaxLineLen, std::string(raw).c_str())};
        auto toks = tokenize(raw, at);
        if (!toks)
            return Err{toks.error()};
        if (toks->empty())
            continue;
        Line l{std::move(*toks), at, false};
        strip_double_dash(l.tokens[0]);
        if (is_open_tag(l.tokens)) {
            const std::string tag = l.tokens[0].substr(1, l.tokens[0].size() - 2);
            auto body = read_block(text, pos, line_no, tag);
            if (!body)
                return Err{strfmt("In %s: %s", where(at).c_str(), body.error().c_str())};
            l.tokens = {tag, std::move(*body)};
            l.is_inline = true;
        }
        out.push_back(std::move(l));
    }
    return out;
}

} // namespace ovpn::options
