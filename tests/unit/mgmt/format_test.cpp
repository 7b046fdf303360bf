// tests/unit/mgmt/format_test.cpp: C-library-compatible parsing and the
// address fields of state lines.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "openvpn/mgmt/format.hpp"
#include "openvpn/mgmt/history.hpp"
#include "openvpn/mgmt/host.hpp"

namespace ovpn::mgmt {
namespace {

TEST(Format, AtoiLikeC)
{
    EXPECT_EQ(c_atoi("42"), 42);
    EXPECT_EQ(c_atoi("  -7x"), -7);
    EXPECT_EQ(c_atoi("abc"), 0);
    EXPECT_EQ(c_atoi("+3"), 3);
    EXPECT_EQ(c_atoi(""), 0);
    EXPECT_EQ(c_atoi("99999999999999999999"), INT_MAX);
    EXPECT_EQ(c_atoi("-99999999999999999999"), INT_MIN);
}

TEST(Format, ScanfUnsigned)
{
    std::uint64_t v = 0;
    EXPECT_TRUE(scan_ulong("12abc", v));
    EXPECT_EQ(v, 12u);
    EXPECT_FALSE(scan_ulong("x1", v));
    EXPECT_FALSE(scan_ulong("", v));
    EXPECT_TRUE(scan_ulong("-1", v)); // strtoul wraps
    EXPECT_EQ(v, UINT64_MAX);
    unsigned u = 0;
    EXPECT_TRUE(scan_uint(" 7", u));
    EXPECT_EQ(u, 7u);
    EXPECT_FALSE(scan_uint("y", u));
}

TEST(Format, BufParseLike26)
{
    std::size_t pos = 0;
    std::string f;
    EXPECT_TRUE(buf_parse("1.2.3.4:99", pos, ':', 128, f));
    EXPECT_EQ(f, "1.2.3.4");
    EXPECT_TRUE(buf_parse("1.2.3.4:99", pos, ':', 128, f));
    EXPECT_EQ(f, "99");
    EXPECT_FALSE(buf_parse("1.2.3.4:99", pos, ':', 128, f));
    // A field longer than size-1 keeps size-1 bytes, loses the next two, and
    // the next call reads on from there.
    pos = 0;
    const std::string longer = std::string(130, 'a') + "bcd";
    EXPECT_TRUE(buf_parse(longer, pos, ':', 128, f));
    EXPECT_EQ(f, std::string(127, 'a'));
    EXPECT_TRUE(buf_parse(longer, pos, ':', 128, f));
    EXPECT_EQ(f, "abcd");
}

TEST(Format, Ipv4LikeGetaddrinfoNumeric)
{
    EXPECT_EQ(parse_ipv4("10.93.0.2"), 0x0a5d0002u);
    EXPECT_EQ(parse_ipv4("127.1"), 0x7f000001u);
    EXPECT_FALSE(parse_ipv4("abc"));
    EXPECT_FALSE(parse_ipv4(""));
    EXPECT_EQ(print_ipv4(0x0a5d0002u), "10.93.0.2");
}

TEST(Format, StateTailFields)
{
    EXPECT_EQ(state_tail(nullptr, nullptr, nullptr, nullptr), ",,,,,");
    in_addr tun{};
    inet_pton(AF_INET, "10.94.0.2", &tun);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(1194);
    inet_pton(AF_INET, "10.93.0.1", &remote.sin_addr);
    sockaddr_in local{};
    local.sin_family = AF_INET; // 0.0.0.0: an unbound UDP socket prints empty
    in6_addr tun6{};
    inet_pton(AF_INET6, "fd94::1000", &tun6);
    EXPECT_EQ(
        state_tail(&tun, nullptr, reinterpret_cast<sockaddr*>(&local), reinterpret_cast<sockaddr*>(&remote)),
        ",10.94.0.2,10.93.0.1,1194,,");
    local.sin_port = htons(40001);
    inet_pton(AF_INET, "10.93.0.2", &local.sin_addr);
    EXPECT_EQ(
        state_tail(&tun, &tun6, reinterpret_cast<sockaddr*>(&local), reinterpret_cast<sockaddr*>(&remote)),
        ",10.94.0.2,10.93.0.1,1194,10.93.0.2,40001,fd94::1000");
    in6_addr zero6{};
    EXPECT_EQ(state_tail(nullptr, &zero6, nullptr, nullptr), ",,,,,");
}

TEST(History, KeepsTheNewestUpToCapacity)
{
    History h(3);
    for (int i = 0; i < 5; ++i)
        h.add(HistoryEntry{i, 0, std::to_string(i), {}});
    EXPECT_EQ(h.size(), 3u);
    EXPECT_EQ(h.recent(0)->text, "4");
    EXPECT_EQ(h.recent(2)->text, "2");
    EXPECT_EQ(h.recent(3), nullptr);
}

TEST(History, LineFormats)
{
    EXPECT_EQ(format_log(HistoryEntry{5, kLogInfo, "hello", {}}), "5,I,hello");
    EXPECT_EQ(format_log(HistoryEntry{5, 0, "plain", {}}), "5,,plain");
    EXPECT_EQ(format_log(HistoryEntry{5, kLogWarn | kLogDebug | kLogNonFatal, "x", {}}), "5,NWD,x");
    EXPECT_EQ(format_echo(HistoryEntry{5, 1, "forget-passwords", {}}), "5,forget-passwords");
    EXPECT_EQ(format_state(HistoryEntry{5, static_cast<unsigned>(State::Reconnecting), "SIGUSR1", ",,,,,"}),
              "5,RECONNECTING,SIGUSR1,,,,,");
    EXPECT_STREQ(state_name(static_cast<State>(99)), "?");
}

} // namespace
} // namespace ovpn::mgmt
