// The client's auth-token (client/auth_token.hpp): 2.6 wipes it when it is
// replaced or dropped. The test binary's operator delete looks at the one
// block a test watches when it is freed, so a token left in freed memory
// fails the test; a dropped token still in its own buffer is read there.
#include "openvpn/client/auth_token.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>

#include <gtest/gtest.h>

namespace {

struct Watch {
    const unsigned char* block = nullptr;
    std::size_t len = 0;
    bool freed = false;
    bool zero_when_freed = false;
};
Watch g_watch;

bool all_zero(const unsigned char* p, std::size_t n)
{
    return std::all_of(p, p + n, [](unsigned char c) { return c == 0; });
}

void on_free(void* p) noexcept
{
    if (p == nullptr || p != g_watch.block)
        return;
    g_watch.freed = true;
    g_watch.zero_when_freed = all_zero(g_watch.block, g_watch.len);
    g_watch.block = nullptr;
}

void watch(const ovpn::SecureBytes& b)
{
    g_watch = Watch{b.data(), b.size(), false, false};
}

// a token long enough to be a real heap block (2.6's tokens are 76 chars)
std::string token(char c)
{
    return "SESS_ID_AT_" + std::string(65, c);
}

} // namespace

void* operator new(std::size_t n)
{
    if (void* p = std::malloc(n == 0 ? 1 : n))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    on_free(p);
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    on_free(p);
    std::free(p);
}

using ovpn::client::AuthToken;

TEST(ClientAuthToken, SetWipesTheStringItCameIn)
{
    AuthToken t;
    std::string in = token('a');
    const std::size_t n = in.size();
    const char* buf = in.data();
    t.set(in);
    EXPECT_TRUE(t.has());
    EXPECT_EQ(t.bytes().size(), n);
    EXPECT_TRUE(in.empty());
    EXPECT_TRUE(all_zero(reinterpret_cast<const unsigned char*>(buf), n)); // clear() keeps the buffer
}

TEST(ClientAuthToken, ReplacedTokenIsWipedBeforeItsMemoryIsFreed)
{
    AuthToken t;
    std::string a = token('a'), b = token('b');
    t.set(a);
    watch(t.bytes());
    t.set(b);
    EXPECT_TRUE(g_watch.freed);
    EXPECT_TRUE(g_watch.zero_when_freed);
    EXPECT_EQ(t.bytes()[11], 'b');
}

TEST(ClientAuthToken, ClearWipesAndSaysWhetherThereWasOne)
{
    AuthToken t;
    EXPECT_FALSE(t.clear());
    std::string a = token('a');
    t.set(a);
    const unsigned char* p = t.bytes().data();
    const std::size_t n = t.bytes().size();
    watch(t.bytes());
    EXPECT_TRUE(t.clear()); // AUTH_FAILED, forget-passwords
    EXPECT_FALSE(t.has());
    if (g_watch.freed)
        EXPECT_TRUE(g_watch.zero_when_freed);
    else
        EXPECT_TRUE(all_zero(p, n)); // still our block: read it
    g_watch = Watch{};
}

TEST(ClientAuthToken, DestroyedTokenIsWipedBeforeItsMemoryIsFreed)
{
    {
        AuthToken t;
        std::string a = token('a');
        t.set(a);
        watch(t.bytes());
    }
    EXPECT_TRUE(g_watch.freed);
    EXPECT_TRUE(g_watch.zero_when_freed);
}
