// script/temp_file: 2.6's platform_create_temp_file rules (issue 15,
// finding 3).
#include "openvpn/script/temp_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

using namespace ovpn;

namespace {

struct Dir {
    std::string path;
    Dir()
    {
        char tmpl[] = "/tmp/tempfile-test.XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~Dir() { (void)std::system(("rm -rf " + path).c_str()); }
};

} // namespace

TEST(TempFile, UnpredictableNamePrivateModeRemovedAfterUse)
{
    Dir d;
    std::string first;
    {
        auto a = script::TempFile::create(d.path, "cc");
        auto b = script::TempFile::create(d.path, "cc");
        ASSERT_TRUE(a) << a.error();
        ASSERT_TRUE(b) << b.error();
        first = a->path();
        EXPECT_TRUE(std::regex_match(first, std::regex(d.path + "/openvpn_cc_[0-9a-f]{16}\\.tmp"))) << first;
        EXPECT_NE(a->path(), b->path());
        struct stat st {};
        ASSERT_EQ(::lstat(first.c_str(), &st), 0);
        EXPECT_TRUE(S_ISREG(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        ASSERT_TRUE(a->write(as_bytes(std::string("line\n"))));
        auto text = a->read_back();
        ASSERT_TRUE(text) << text.error();
        EXPECT_EQ(*text, "line\n");
    }
    struct stat st {};
    EXPECT_NE(::lstat(first.c_str(), &st), 0);
}

TEST(TempFile, ASymlinkPutInPlaceIsNotReadBack)
{
    Dir d;
    std::ofstream(d.path + "/secret") << "not yours\n";
    auto f = script::TempFile::create(d.path, "cc");
    ASSERT_TRUE(f) << f.error();
    ASSERT_EQ(::unlink(f->path().c_str()), 0);
    ASSERT_EQ(::symlink((d.path + "/secret").c_str(), f->path().c_str()), 0);
    EXPECT_FALSE(f->read_back());
}

TEST(TempFile, MissingDirectoryIsAnErrorNamingThePath)
{
    auto f = script::TempFile::create("/nonexistent-dir-for-test", "up");
    ASSERT_FALSE(f);
    EXPECT_NE(f.error().find("/nonexistent-dir-for-test/openvpn_up_"), std::string::npos) << f.error();
}
