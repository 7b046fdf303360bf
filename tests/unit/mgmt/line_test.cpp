// tests/unit/mgmt/line_test.cpp: line assembly and 2.6's word splitting.
#include <gtest/gtest.h>

#include "openvpn/mgmt/line.hpp"

namespace ovpn::mgmt {
namespace {

std::vector<Line> feed(LineReader& r, std::string_view bytes)
{
    r.append(std::span<const char>(bytes.data(), bytes.size()));
    std::vector<Line> out;
    while (auto l = r.next())
        out.push_back(std::move(*l));
    return out;
}

TEST(LineReader, SplitsOnNewlineAndDropsControlBytesLike26)
{
    LineReader r;
    // 2.6 keeps bytes >= 0x20 except DEL, and '\n': "ver\x01si\x7fon\r" is
    // "version", a TAB vanishes ("sta\ttus" is "status").
    static const char kBytes[] = "ver\x01si\x7fon\r\nsta\ttus\n\xc3\xa9t\xc3\xa9\n";
    auto lines = feed(r, std::string_view(kBytes, sizeof kBytes - 1));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].text, "version");
    EXPECT_EQ(lines[1].text, "status");
    EXPECT_EQ(lines[2].text, "\xc3\xa9t\xc3\xa9"); // UTF-8 passes
}

TEST(LineReader, NulBytesAreDroppedNotLineEnds)
{
    LineReader r;
    auto lines = feed(r, std::string_view("pi\0d\n", 5));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, "pid");
}

TEST(LineReader, LineSplitAcrossReadsIsJoined)
{
    LineReader r;
    EXPECT_TRUE(feed(r, "sta").empty());
    EXPECT_TRUE(feed(r, "te al").empty());
    auto lines = feed(r, "l\r\nhelp\n");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text, "state all");
    EXPECT_EQ(lines[1].text, "help");
}

TEST(LineReader, LongestLineFitsOneMoreIsTooLong)
{
    LineReader r;
    auto ok = feed(r, std::string(LineReader::kMaxLine, 'a') + "\n");
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_FALSE(ok[0].too_long);
    EXPECT_EQ(ok[0].text.size(), LineReader::kMaxLine);
    // One byte more: reported once, when its newline comes; the next line is
    // intact (2.6 would run the overflowing line's tail as a command).
    auto bad = feed(r, std::string(LineReader::kMaxLine + 1, 'a') + "\npid\n");
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_TRUE(bad[0].too_long);
    EXPECT_TRUE(bad[0].text.empty());
    EXPECT_EQ(bad[1].text, "pid");
}

TEST(LineReader, MegabytesWithoutNewlineKeepMemoryBounded)
{
    LineReader r;
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 64; ++i)
        EXPECT_TRUE(feed(r, chunk).empty());
    auto lines = feed(r, "\nquit\n");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].too_long);
    EXPECT_EQ(lines[1].text, "quit");
}

TEST(LineReader, ClearForgetsPartialInput)
{
    LineReader r;
    feed(r, "password Auth sec");
    r.clear();
    auto lines = feed(r, "ret\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, "ret");
}

TEST(Tokenize, WordsQuotesAndEscapes)
{
    auto t = tokenize(R"(echo "a\"b" c\ d 'e\f')");
    ASSERT_FALSE(t.error);
    EXPECT_EQ(t.words, (std::vector<std::string>{"echo", "a\"b", "c d", "e\\f"}));
    t = tokenize(R"(password "Private Key" "foo\\bar")");
    ASSERT_FALSE(t.error);
    EXPECT_EQ(t.words, (std::vector<std::string>{"password", "Private Key", "foo\\bar"}));
    t = tokenize("  status   2  ");
    EXPECT_EQ(t.words, (std::vector<std::string>{"status", "2"}));
    t = tokenize(R"(username "Auth" "")");
    EXPECT_EQ(t.words, (std::vector<std::string>{"username", "Auth", ""}));
}

TEST(Tokenize, CommentsAndEmptyLines)
{
    EXPECT_TRUE(tokenize("").words.empty());
    EXPECT_TRUE(tokenize("# comment").words.empty());
    EXPECT_TRUE(tokenize("; comment").words.empty());
    auto t = tokenize("state on # the rest is ignored");
    EXPECT_EQ(t.words, (std::vector<std::string>{"state", "on"}));
    EXPECT_FALSE(t.error);
    // A '#' inside a word is part of it.
    EXPECT_EQ(tokenize("a#b").words, (std::vector<std::string>{"a#b"}));
}

TEST(Tokenize, ErrorsAre26sLines)
{
    EXPECT_EQ(tokenize("\"unterminated").error, "ERROR: Options error: No closing quotation (\") in TCP:0");
    EXPECT_EQ(tokenize("'single").error, "ERROR: Options error: No closing single quotation (') in TCP:0");
    EXPECT_EQ(tokenize("foo\\").error, "ERROR: Options error: Residual parse state (2) in TCP:0");
    const auto bad = tokenize("foo\\bar").error;
    ASSERT_TRUE(bad);
    EXPECT_EQ(*bad,
              "ERROR: Options warning: Bad backslash ('\\') usage in TCP:0: remember that backslashes are "
              "treated as shell-escapes and if you need to pass backslash characters as part of a Windows "
              "filename, you should use double backslashes such as \"c:\\\\openvpn\\\\static.key\"");
}

TEST(Tokenize, ErrorKeepsTheWordsBefore)
{
    // 2.6 hides "password" lines from the log even when they do not parse.
    auto t = tokenize("password \"Auth");
    ASSERT_TRUE(t.error);
    ASSERT_FALSE(t.words.empty());
    EXPECT_EQ(t.words[0], "password");
}

TEST(Tokenize, WordLengthLimitIs256)
{
    auto ok = tokenize(std::string(256, 'A'));
    ASSERT_FALSE(ok.error);
    EXPECT_EQ(ok.words[0].size(), 256u);
    auto bad = tokenize(std::string(256, 'A') + "B");
    ASSERT_TRUE(bad.error);
    EXPECT_EQ(*bad.error, "ERROR: Options error: Parameter at TCP:0 is too long (256 chars max): " +
                              std::string(255, 'A'));
}

TEST(Tokenize, AtMostSixteenWords)
{
    auto t = tokenize("a b c d e f g h i j k l m n o p q r s t");
    EXPECT_FALSE(t.error);
    ASSERT_EQ(t.words.size(), 16u);
    EXPECT_EQ(t.words.back(), "p");
    // Even an unterminated quote after the 16th word is never seen.
    EXPECT_FALSE(tokenize("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 \"x").error);
}

TEST(Wipe, ClearsTheBytes)
{
    std::string s = "secret-password";
    const char* p = s.data();
    const std::size_t cap = s.capacity();
    wipe(s);
    EXPECT_TRUE(s.empty());
    for (std::size_t i = 0; i < cap; ++i)
        EXPECT_EQ(p[i], '\0');
}

} // namespace
} // namespace ovpn::mgmt
