// session::KeyRotation: the first key into the primary slot; a
// renegotiated one into the secondary slot and swapped, the old key kept
// as the lame duck until it expires, and a lame duck still there at the
// next renegotiation deleted first. Driven by real control channels.
#include "openvpn/session/keys.hpp"

#include <gtest/gtest.h>

#include "support/data/recording_plane.hpp"
#include "unit/session/channel_pair.hpp"

using namespace ovpn;

namespace {

using Calls = std::vector<std::string>;
const session::DataCipher kGcm{"AES-256-GCM", "SHA1", true};

// next_key: drain the client's events until a KeyActive; its key id.
std::optional<std::uint8_t> next_key(test::ChannelPair& p)
{
    std::optional<std::uint8_t> id;
    p.run_until([&] {
        while (auto e = p.c->poll_event())
            if (e->kind == control::ControlEvent::Kind::KeyActive)
                id = e->key_active.key_id;
        return id.has_value();
    });
    return id;
}

} // namespace

TEST(KeyRotation, FirstKeyThenRenegotiationsWithTheLameDuck)
{
    test::ChannelPair p(seconds(10));
    test::RecordingPlane dp;
    session::KeyRotation keys;
    auto k = next_key(p);
    ASSERT_EQ(k, 0);
    ASSERT_TRUE(keys.install(dp, 7, *p.c, kGcm, *k, true));
    EXPECT_EQ(dp.calls, (Calls{"install 7 primary k0"}));
    EXPECT_FALSE(keys.lame_duck());

    k = next_key(p); // reneg-sec on the server side
    ASSERT_EQ(k, 1);
    dp.calls.clear();
    ASSERT_TRUE(keys.install(dp, 7, *p.c, kGcm, *k, false));
    EXPECT_EQ(dp.calls, (Calls{"install 7 secondary k1", "swap 7"}));
    EXPECT_EQ(keys.lame_duck(), 0);

    // an expiry of a key that is not the lame duck changes nothing
    dp.calls.clear();
    keys.lame_duck_expired(dp, 7, 5);
    EXPECT_TRUE(dp.calls.empty());

    // the next renegotiation comes before key 0 expired: it goes first
    k = next_key(p);
    ASSERT_EQ(k, 2);
    ASSERT_TRUE(keys.install(dp, 7, *p.c, kGcm, *k, false));
    EXPECT_EQ(dp.calls, (Calls{"del 7 secondary", "install 7 secondary k2", "swap 7"}));
    EXPECT_EQ(keys.lame_duck(), 1);
    dp.calls.clear();
    keys.lame_duck_expired(dp, 7, 1);
    EXPECT_EQ(dp.calls, (Calls{"del 7 secondary"}));
    EXPECT_FALSE(keys.lame_duck());
}

TEST(KeyRotation, KeysOfAnUnknownKeyIdAreAnError)
{
    test::ChannelPair p;
    test::RecordingPlane dp;
    session::KeyRotation keys;
    ASSERT_EQ(next_key(p), 0);
    EXPECT_FALSE(keys.install(dp, 1, *p.c, kGcm, 3, true));
    EXPECT_TRUE(dp.calls.empty());
}
