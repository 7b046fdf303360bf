// mgmt/line.hpp: the management interface's input side, as pure functions
// over bytes: splitting the byte stream into command lines and tokenising a
// line. Both follow OpenVPN 2.6 (manage.c command_line_*, options.c
// parse_line), checked against 2.6.14 transcripts in tests/mgmt/.
//
//  bytes --LineReader--> lines --tokenize--> argv (at most 16 words)
//
// LineReader keeps, like 2.6, only printable bytes (>= 0x20 except DEL, so
// UTF-8 passes) and '\n': CR, TAB, NUL and other control bytes vanish before
// a line is cut ("sta\ttus" reads as "status"). Where 2.6 silently empties its
// 1024-byte buffer when a line overflows it (and then runs whatever tail
// follows as a command), a line longer than kMaxLine is reported as
// `too_long` once its newline arrives, and its bytes are dropped.
//
// tokenize is 2.6's parse_line with the management's arguments ("TCP", line
// 0, M_CLIENT): whitespace separates words, "..." and '...' quote, backslash
// escapes \\, \" and a space outside single quotes, ';' or '#' at the start of
// a word ends the line, words are at most 256 bytes, and words after the 16th
// are ignored. Its errors are the exact "ERROR: Options ..." lines 2.6 sends.
//
// Nothing here allocates without bound: a partial line is at most kMaxLine
// bytes, whatever the input.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ovpn::mgmt {

// One command line as read from the client, without its newline.
struct Line {
    std::string text;
    bool too_long = false; // more than kMaxLine bytes: text is empty
};

class LineReader {
public:
    // 2.6 buffers 1024 bytes including the newline.
    static constexpr std::size_t kMaxLine = 1023;

    ~LineReader() { clear(); }

    // append: take bytes from the socket. Complete lines are kept until
    // next() hands them out; the caller drains next() after every append, so
    // at most one read's worth of lines is ever queued.
    void append(std::span<const char> bytes);
    // next: the oldest complete line, if any.
    std::optional<Line> next();
    // clear: forget everything (client gone); wipes the buffers, which may
    // hold passwords.
    void clear();

private:
    std::string partial_;
    bool overflow_ = false;
    std::vector<Line> ready_;
    std::size_t ready_pos_ = 0;
};

// The result of tokenising a line. On error, `error` is 2.6's reply line (the
// command is not run) and `words` holds the words completed before it (2.6
// still looks at the first word, to hide a `password` line from the log).
struct Tokens {
    std::vector<std::string> words;
    std::optional<std::string> error;
};

inline constexpr std::size_t kMaxWords = 16;    // 2.6 MAX_PARMS
inline constexpr std::size_t kMaxWordLen = 256; // 2.6 OPTION_PARM_SIZE

// tokenize: split one line into words as 2.6's parse_line does.
Tokens tokenize(std::string_view line);

// wipe: overwrite a string's bytes before it is freed (it may hold a
// password), then clear it.
void wipe(std::string& s) noexcept;

} // namespace ovpn::mgmt
