// --replay-persist: 2.6's file image (time_t time, u32 id, padding: 16
// bytes, host order), read and written; the file survives a reopen and is
// locked against a second user.
#include "openvpn/session/replay_persist.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

using namespace ovpn;
using namespace ovpn::session;

namespace {

std::string temp_path(const char* tag)
{
    return ::testing::TempDir() + "replay_persist_" + tag + "_" + std::to_string(::getpid());
}

std::vector<std::uint8_t> read_all(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(ReplayPersist, FileImageIsTwoSixs)
{
    // what 2.6.14 on x86-64 wrote for time 1733580000 (0x67541BE0), id 77
    // (its padding bytes are whatever the stack held: ignored)
    const std::vector<std::uint8_t> by26 = {0xE0, 0x1B, 0x54, 0x67, 0,    0,    0,    0,
                                            77,   0,    0,    0,    0xAA, 0xBB, 0xCC, 0xDD};
    auto pid = decode_replay_state(by26);
    ASSERT_TRUE(pid);
    EXPECT_EQ(pid->time, 0x67541BE0u);
    EXPECT_EQ(pid->id, 77u);
    const auto ours = encode_replay_state(*pid);
    EXPECT_TRUE(std::equal(ours.begin(), ours.begin() + 12, by26.begin()));
    EXPECT_EQ(ours[12] | ours[13] | ours[14] | ours[15], 0);
    // 2.6 keeps no state from a file of another size or without a time
    EXPECT_FALSE(decode_replay_state(std::span(by26).first(12)));
    EXPECT_FALSE(decode_replay_state(std::vector<std::uint8_t>(16, 0)));
}

TEST(ReplayPersist, RoundTripThroughTheFile)
{
    const std::string path = temp_path("rt");
    std::remove(path.c_str());
    {
        auto rp = ReplayPersist::open(path);
        ASSERT_TRUE(rp) << rp.error();
        EXPECT_FALSE(rp->state());    // created empty, as 2.6
        EXPECT_TRUE(rp->save().ok()); // nothing to write yet
        EXPECT_EQ(read_all(path).size(), 0u);
        rp->note({0, 0}); // nothing received
        rp->note({1234, 1733580000});
        ASSERT_TRUE(rp->save().ok());
        EXPECT_EQ(read_all(path).size(), kReplayFileSize);
        // another process cannot take the file meanwhile (2.6's flock)
        auto second = ReplayPersist::open(path);
        ASSERT_FALSE(second);
        EXPECT_NE(second.error().find("Cannot obtain exclusive lock on --replay-persist file"),
                  std::string::npos);
        rp->note({1300, 1733580000});
        ASSERT_TRUE(rp->save().ok());
    }
    auto again = ReplayPersist::open(path);
    ASSERT_TRUE(again) << again.error();
    ASSERT_TRUE(again->state());
    EXPECT_EQ(again->state()->id, 1300u);
    EXPECT_EQ(again->state()->time, 1733580000u);
    const auto bytes = read_all(path);
    ASSERT_EQ(bytes.size(), kReplayFileSize);
    auto direct = decode_replay_state(bytes);
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->id, 1300u);
    std::remove(path.c_str());
}
