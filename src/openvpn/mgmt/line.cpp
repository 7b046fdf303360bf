// mgmt/line.cpp: command line assembly and 2.6's word splitting.
#include "openvpn/mgmt/line.hpp"

#include <openssl/crypto.h>

namespace ovpn::mgmt {

void wipe(std::string& s) noexcept
{
    s.resize(s.capacity()); // zero-fills the unused tail, no reallocation
    if (!s.empty())
        OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

void LineReader::append(std::span<const char> bytes)
{
    for (char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            Line line;
            line.too_long = overflow_;
            if (!overflow_)
                line.text = partial_;
            wipe(partial_);
            overflow_ = false;
            ready_.push_back(std::move(line));
        } else if (c >= 0x20 && c != 0x7f) {
            if (partial_.size() >= kMaxLine) {
                overflow_ = true;
                wipe(partial_);
            }
            if (!overflow_)
                partial_.push_back(ch);
        }
    }
}

std::optional<Line> LineReader::next()
{
    if (ready_pos_ >= ready_.size()) {
        ready_.clear();
        ready_pos_ = 0;
        return std::nullopt;
    }
    Line out = std::move(ready_[ready_pos_]);
    wipe(ready_[ready_pos_].text);
    ++ready_pos_;
    return out;
}

void LineReader::clear()
{
    wipe(partial_);
    overflow_ = false;
    for (auto& l : ready_)
        wipe(l.text);
    ready_.clear();
    ready_pos_ = 0;
}

namespace {

enum class Lex { Initial, Quoted, Unquoted, SingleQuoted };

// is_space: 2.6's space(): NUL or C-locale whitespace.
bool is_space(char c)
{
    return c == '\0' || c == ' ' || (c >= '\t' && c <= '\r');
}

constexpr const char* kBadBackslash =
    "ERROR: Options warning: Bad backslash ('\\') usage in TCP:0: remember that backslashes are treated as "
    "shell-escapes and if you need to pass backslash characters as part of a Windows filename, you should "
    "use double backslashes such as \"c:\\\\openvpn\\\\static.key\"";

// Splitter: one pass of 2.6's state machine over a line and its final NUL.
class Splitter {
public:
    explicit Splitter(Tokens& out) : out_(out) {}

    // step: one input byte; false when splitting stops (error, comment,
    // 16 words).
    bool step(char in)
    {
        char produced = 0;
        if (!escaped_ && in == '\\' && state_ != Lex::SingleQuoted) {
            escaped_ = true;
        } else {
            if (!lex(in, produced))
                return false; // a comment ends the line
            if (escaped_ && produced && !(produced == '\\' || produced == '"' || is_space(produced)))
                return fail(kBadBackslash);
            escaped_ = false;
        }
        if (produced && !store(produced))
            return false;
        return out_.words.size() < kMaxWords;
    }

    // finish: 2.6's checks once the line is consumed.
    void finish()
    {
        if (out_.error)
            return;
        if (state_ == Lex::Quoted)
            fail("ERROR: Options error: No closing quotation (\") in TCP:0");
        else if (state_ == Lex::SingleQuoted)
            fail("ERROR: Options error: No closing single quotation (') in TCP:0");
        else if (state_ == Lex::Unquoted)
            fail("ERROR: Options error: Residual parse state (2) in TCP:0");
    }

private:
    // lex: advance the state on `in`; `produced` is the byte that joins the
    // current word (0 for none). False for a comment.
    bool lex(char in, char& produced)
    {
        switch (state_) {
        case Lex::Initial:
            if (is_space(in))
                break;
            if (in == ';' || in == '#')
                return false;
            if (!escaped_ && in == '"')
                state_ = Lex::Quoted;
            else if (!escaped_ && in == '\'')
                state_ = Lex::SingleQuoted;
            else {
                produced = in;
                state_ = Lex::Unquoted;
            }
            break;
        case Lex::Unquoted:
            if (!escaped_ && is_space(in))
                end_word();
            else
                produced = in;
            break;
        case Lex::Quoted:
            if (!escaped_ && in == '"')
                end_word();
            else
                produced = in;
            break;
        case Lex::SingleQuoted:
            if (in == '\'')
                end_word();
            else
                produced = in;
            break;
        }
        return true;
    }

    void end_word()
    {
        out_.words.push_back(word_);
        word_.clear();
        state_ = Lex::Initial;
    }

    bool store(char c)
    {
        if (word_.size() >= kMaxWordLen) {
            word_.resize(kMaxWordLen - 1);
            return fail("ERROR: Options error: Parameter at TCP:0 is too long (256 chars max): " + word_);
        }
        word_.push_back(c);
        return true;
    }

    bool fail(std::string msg)
    {
        out_.error = std::move(msg);
        return false;
    }

    Tokens& out_;
    Lex state_ = Lex::Initial;
    bool escaped_ = false;
    std::string word_;
};

} // namespace

Tokens tokenize(std::string_view line)
{
    Tokens out;
    Splitter s(out);
    bool go = true;
    for (std::size_t i = 0; go && i <= line.size(); ++i)
        go = s.step(i < line.size() ? line[i] : '\0');
    s.finish();
    return out;
}

} // namespace ovpn::mgmt
