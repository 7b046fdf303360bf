// core/log: 2.6's line formats, --verb, --mute and where lines go.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <regex>
#include <string>
#include <vector>

#include "openvpn/core/log.hpp"

namespace ovpn {
namespace {

// Capture: a tmpfile stream whose contents can be read back.
struct Capture {
    std::FILE* f = std::tmpfile();
    ~Capture() { std::fclose(f); }
    std::string text()
    {
        std::fflush(f);
        std::rewind(f);
        std::string out;
        char buf[512];
        while (std::fgets(buf, sizeof buf, f))
            out += buf;
        return out;
    }
};

class LogTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

TEST_F(LogTest, TimestampLikeTwoSix)
{
    Capture c;
    Logger log(c.f);
    log.write(Verb::Error, "Initialization Sequence Completed");
    EXPECT_TRUE(std::regex_match(c.text(), std::regex("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d "
                                                      "Initialization Sequence Completed\n")))
        << c.text();
    // 2026-11-25 19:38:42 UTC; microseconds appear from --verb 4 on, and only when non-zero.
    EXPECT_EQ(log.format_prefix(Verb::Error, Severity::Normal, 1795635522, 123), "2026-11-25 19:38:42 ");
    log.set_verb(4);
    EXPECT_EQ(log.format_prefix(Verb::Error, Severity::Normal, 1795635522, 123),
              "2026-11-25 19:38:42 us=123 ");
    EXPECT_EQ(log.format_prefix(Verb::Error, Severity::Normal, 1795635522, 0), "2026-11-25 19:38:42 ");
}

TEST_F(LogTest, SuppressTimestamps)
{
    Capture c;
    Logger log(c.f);
    log.set_timestamps(false);
    log.logf(Verb::Error, "peer %s", "x");
    EXPECT_EQ(c.text(), "peer x\n");
}

TEST_F(LogTest, MachineReadable)
{
    Capture c;
    Logger log(c.f);
    log.set_machine_readable(true);
    log.set_timestamps(false); // machine-readable wins over --suppress-timestamps, as in 2.6
    EXPECT_EQ(log.format_prefix(Verb::Error, Severity::Normal, 1795635522, 42), "1795635522.000042 1 ");
    EXPECT_EQ(log.format_prefix(Verb::Fatal, Severity::Fatal, 1, 0), "1.000000 10 ");
    EXPECT_EQ(log.format_prefix(Verb::Error, Severity::Warning, 1, 0), "1.000000 41 ");
    log.write(Verb::Error, "hello");
    EXPECT_TRUE(std::regex_match(c.text(), std::regex("\\d+\\.\\d{6} 1 hello\n"))) << c.text();
}

TEST_F(LogTest, VerbFilters)
{
    Capture c;
    Logger log(c.f);
    log.set_timestamps(false);
    log.set_verb(3);
    log.write(Verb::Info, "three");
    log.write(Verb::Notice, "four");
    log.logf(Verb::Debug, "seven %d", 7);
    log.set_verb(0);
    log.write(Verb::Error, "one");
    log.write(Verb::Fatal, "zero");
    EXPECT_EQ(c.text(), "three\nzero\n");
}

TEST_F(LogTest, MuteLikeTwoSix)
{
    Capture c;
    Logger log(c.f);
    log.set_timestamps(false);
    log.set_mute(2);
    for (int i = 0; i < 5; ++i)
        log.logm(Verb::Error, mute::ReplayErrors, "replay %d", i);
    log.write(Verb::Error, "uncategorised"); // never muted, ends no run
    log.logm(Verb::Error, mute::ReplayErrors, "replay %d", 5);
    log.logm(Verb::Error, mute::LinkErrors, "link %d", 0);
    log.logm(Verb::Error, mute::LinkErrors, "link %d", 1);
    log.logm(Verb::Error, mute::ReplayErrors, "replay %d", 6); // a run of 2: nothing suppressed
    EXPECT_EQ(c.text(), "replay 0\n"
                        "replay 1\n"
                        "NOTE: --mute triggered...\n"
                        "uncategorised\n"
                        "4 variation(s) on previous 2 message(s) suppressed by --mute\n"
                        "link 0\n"
                        "link 1\n"
                        "replay 6\n");
}

TEST_F(LogTest, MuteOffByDefaultAndAboveVerbDoesNotCount)
{
    Capture c;
    Logger log(c.f);
    log.set_timestamps(false);
    for (int i = 0; i < 3; ++i)
        log.logm(Verb::Error, mute::CryptErrors, "c%d", i);
    log.set_mute(1);
    log.logm(Verb::Debug, mute::CryptErrors, "hidden"); // above --verb: not counted
    log.logm(Verb::Error, mute::LinkErrors, "l");
    EXPECT_EQ(c.text(), "c0\nc1\nc2\nl\n");
}

TEST_F(LogTest, FatalLinesGoToTheErrorStream)
{
    Capture out, err;
    Logger log(out.f);
    log.set_timestamps(false);
    log.write(Verb::Fatal, "fatal one");
    log.set_error_output(err.f); // --errors-to-stderr
    log.write(Verb::Fatal, "fatal two");
    log.write(Verb::Error, "normal");
    log.write(Verb::Error, mute::None, Severity::Fatal, "fatal three");
    EXPECT_EQ(out.text(), "fatal one\nnormal\n");
    EXPECT_EQ(err.text(), "fatal two\nfatal three\n");
}

TEST_F(LogTest, TapSeesEmittedLines)
{
    Capture c;
    Logger log(c.f);
    std::vector<std::string> seen;
    log.set_tap([&](const LogLine& l) { seen.emplace_back(l.text); });
    log.set_mute(1);
    log.logm(Verb::Error, mute::TlsErrors, "a");
    log.logm(Verb::Error, mute::TlsErrors, "b");
    log.logm(Verb::Info, mute::TlsErrors, "above verb");
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "NOTE: --mute triggered..."}));
}

TEST_F(LogTest, SyslogDivertsFromTheStream)
{
    Capture c;
    Logger log(c.f);
    log.use_syslog("openvpn-proc-test");
    EXPECT_TRUE(log.syslog_active());
    log.write(Verb::Error, "to syslog");
    log.stop_syslog();
    EXPECT_FALSE(log.syslog_active());
    log.set_timestamps(false);
    log.write(Verb::Error, "to stream");
    EXPECT_EQ(c.text(), "to stream\n");
}

TEST_F(LogTest, StrfmtLongLines)
{
    const std::string big(5000, 'x');
    EXPECT_EQ(strfmt("<%s>", big.c_str()), "<" + big + ">");
    EXPECT_EQ(strfmt("%s", ""), "");
}

} // namespace
} // namespace ovpn
