// Lexer: 2.6's quoting, escapes, comments, limits and inline blocks.
#include <gtest/gtest.h>

#include "openvpn/options/lexer.hpp"

using namespace ovpn::options;

namespace {

std::vector<std::string> toks(std::string_view line)
{
    auto r = tokenize(line, Origin{"t.conf", 1});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? *r : std::vector<std::string>{};
}

std::string err(std::string_view line)
{
    auto r = tokenize(line, Origin{"t.conf", 7});
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.error();
}

using V = std::vector<std::string>;

} // namespace

TEST(Lexer, SplitsOnBlanksAndDropsComments)
{
    EXPECT_EQ(toks("remote  host\t1194\n"), (V{"remote", "host", "1194"}));
    EXPECT_EQ(toks("# comment"), V{});
    EXPECT_EQ(toks("   ; comment"), V{});
    EXPECT_EQ(toks("verb 3 # trailing"), (V{"verb", "3"}));
    EXPECT_EQ(toks("a#b"), (V{"a#b"})); // '#' inside a word is literal
    EXPECT_EQ(toks(""), V{});
}

TEST(Lexer, DoubleQuotesAndEscapes)
{
    EXPECT_EQ(toks(R"(setenv X "a b c")"), (V{"setenv", "X", "a b c"}));
    EXPECT_EQ(toks(R"(setenv X "say \"hi\"")"), (V{"setenv", "X", "say \"hi\""}));
    EXPECT_EQ(toks(R"(x "a\\b")"), (V{"x", "a\\b"}));
    EXPECT_EQ(toks(R"(x "")"), (V{"x", ""}));
    EXPECT_EQ(toks(R"(x "a"b)"), (V{"x", "a", "b"})); // a closing quote ends the token
}

TEST(Lexer, SingleQuotesKeepBackslashes)
{
    EXPECT_EQ(toks(R"(x 'a \ b')"), (V{"x", "a \\ b"}));
    EXPECT_EQ(toks(R"(x 'say "hi"')"), (V{"x", "say \"hi\""}));
}

TEST(Lexer, BackslashOutsideQuotes)
{
    EXPECT_EQ(toks(R"(x a\ b)"), (V{"x", "a b"}));
    EXPECT_EQ(toks(R"(x a\\b)"), (V{"x", "a\\b"}));
    EXPECT_EQ(toks(R"(x \"a)"), (V{"x", "\"a"}));
    EXPECT_NE(err(R"(x a\b)").find("Bad backslash"), std::string::npos);
    EXPECT_NE(err(R"(x a\b)").find("t.conf:7"), std::string::npos);
}

TEST(Lexer, UnclosedQuotesAreErrors)
{
    EXPECT_NE(err(R"(x "open)").find("No closing quotation"), std::string::npos);
    EXPECT_NE(err("x 'open").find("No closing single quotation"), std::string::npos);
    EXPECT_NE(err("x trailing\\").find("Residual"), std::string::npos);
}

TEST(Lexer, CarriageReturnIsBlank)
{
    EXPECT_EQ(toks("dev tun\r\n"), (V{"dev", "tun"}));
}

TEST(Lexer, LimitsTokensAndLengths)
{
    std::string many = "opt";
    for (int i = 0; i < 30; ++i)
        many += " a";
    EXPECT_EQ(toks(many).size(), kMaxParams); // extra tokens dropped, as 2.6
    std::string big(300, 'x');
    EXPECT_NE(err("x " + big).find("too long"), std::string::npos);
    EXPECT_NE(err(std::string("x a\0b", 5)).find("NUL"), std::string::npos);
}

TEST(Lexer, SplitConfigHandlesBomCrlfAndInline)
{
    const std::string text = "\xEF\xBB\xBF"
                             "--dev tun\r\n"
                             "<ca>\n"
                             "LINE1\n"
                             "  </ca>\n"
                             "verb 4\n";
    auto r = split_config(text, "f.conf");
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].tokens, (V{"dev", "tun"}));
    EXPECT_EQ((*r)[1].tokens, (V{"ca", "LINE1\n"}));
    EXPECT_TRUE((*r)[1].is_inline);
    EXPECT_EQ((*r)[1].origin.line, 2);
    EXPECT_EQ((*r)[2].origin.line, 5); // numbering continues after the block
}

TEST(Lexer, SplitConfigErrors)
{
    auto r = split_config("<key>\nabc\n", "f.conf");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("Endtag </key> missing"), std::string::npos);
    auto l = split_config("verb 3\n# " + std::string(300, 'x') + "\n", "f.conf");
    ASSERT_FALSE(l.ok());
    EXPECT_NE(l.error().find("f.conf:2"), std::string::npos);
    EXPECT_NE(l.error().find("Maximum option line length"), std::string::npos);
}
