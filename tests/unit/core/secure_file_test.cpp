// core/secure_file: key files read straight into SecureBytes (issue 15,
// finding 5).
#include "openvpn/core/secure_file.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

using namespace ovpn;

TEST(SecureFile, ReadsTheWholeFileSmallOrLarge)
{
    char tmpl[] = "/tmp/secure-file-test.XXXXXX";
    const int fd = ::mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    ::close(fd);
    for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{70000}}) {
        std::string text(len, 'k');
        for (std::size_t i = 0; i < len; ++i)
            text[i] = static_cast<char>('a' + i % 26);
        std::ofstream(tmpl, std::ios::trunc) << text;
        auto b = read_secret_file(tmpl);
        ASSERT_TRUE(b) << b.error();
        EXPECT_EQ(secret_text(*b), text) << len;
    }
    ::unlink(tmpl);
}

TEST(SecureFile, MissingFileIsAnError)
{
    auto b = read_secret_file("/nonexistent/secure-file-test");
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error(), "No such file or directory");
}
