// options/lexer.hpp: OpenVPN 2.6's config grammar, one line at a time.
//
//  - A line is split into at most 16 tokens separated by whitespace.
//  - `#` or `;` where a token would start begins a comment.
//  - "double quotes" group words; inside them \" and \\ are escapes.
//  - 'single quotes' group words; nothing is special inside them.
//  - Outside single quotes a backslash may only escape `\`, `"` or
//    whitespace; any other escaped character is an error (as in 2.6).
//  - A token may be at most 255 bytes, a line at most 255 bytes plus its
//    newline; a UTF-8 BOM is skipped at the start of a file; CR is whitespace.
//  - A line holding only `<tag>` opens an inline block that runs to the line
//    that starts (after leading blanks) with `</tag>`; the block's text becomes
//    the option's single argument.
// Pure functions: no I/O, no logging. Errors are complete sentences that name
// the file and line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/result.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::options {

inline constexpr std::size_t kMaxParams = 16;            // tokens per line, name included
inline constexpr std::size_t kMaxParamLen = 256;         // buffer size per token (2.6 OPTION_PARM_SIZE)
inline constexpr std::size_t kMaxLineLen = 256;          // 2.6 OPTION_LINE_SIZE, newline included
inline constexpr std::size_t kMaxConfigBytes = 4u << 20; // our limit for one file

// One logical directive: tokens (name first, "--" prefix removed), where it
// started, and whether its single argument is an inline block.
struct Line {
    std::vector<std::string> tokens;
    Origin origin;
    bool is_inline = false;
};

// tokenize: one physical line (without or with its trailing newline) into
// tokens. An empty vector means a blank or comment line.
Result<std::vector<std::string>> tokenize(std::string_view line, const Origin& at);

// split_config: a whole file (or a <connection> block body) into directives.
// `first_line` is the line number of text's first line in its file;
// `strip_bom` skips a leading UTF-8 BOM (files only).
Result<std::vector<Line>> split_config(std::string_view text, const std::string& file, int first_line = 1,
                                       bool strip_bom = true);

} // namespace ovpn::options
