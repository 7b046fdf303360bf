// tests/unit/mgmt/setup_test.cpp: from the --management* options to the
// engine's and the shell's configuration (password file, console, uid/gid).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "openvpn/mgmt/setup.hpp"

namespace ovpn::mgmt {
namespace {

struct SetupTest : ::testing::Test {
    std::string dir;
    void SetUp() override
    {
        char tmpl[] = "/tmp/mgmt-setup-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string file(const std::string& name, const std::string& text)
    {
        std::ofstream(dir + "/" + name) << text;
        return dir + "/" + name;
    }
};

options::ManagementOptions tcp()
{
    options::ManagementOptions m;
    m.address = "127.0.0.1";
    m.port = "7505";
    return m;
}

TEST_F(SetupTest, FlagsAndAddressCarryOver)
{
    auto m = tcp();
    m.hold = m.signal_on_disconnect = m.forget_on_disconnect = m.up_down = m.connect_as_client = true;
    m.log_cache = 17;
    auto s = setup(m, SetupContext{true, "T", Signal::Hup, std::nullopt, nullptr});
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(s->engine.title, "T");
    EXPECT_TRUE(s->engine.server && s->engine.hold && s->engine.signal_on_disconnect &&
                s->engine.forget_on_disconnect && s->engine.up_down && s->engine.connect_as_client);
    EXPECT_EQ(s->engine.log_cache, 17);
    EXPECT_EQ(s->engine.remap_usr1, Signal::Hup);
    EXPECT_FALSE(s->engine.password);
    EXPECT_EQ(s->shell.address, "127.0.0.1");
    EXPECT_EQ(s->shell.port, "7505");
    EXPECT_TRUE(s->shell.connect_out);
    EXPECT_FALSE(s->shell.unix_socket);
}

TEST_F(SetupTest, PasswordIsTheFirstLine)
{
    auto m = tcp();
    m.password_file = "pw.txt";
    SetupContext ctx;
    ctx.password_path = file("pw.txt", "sekrit\r\nsecond line\n");
    auto s = setup(m, ctx);
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(s->engine.password, "sekrit");
}

TEST_F(SetupTest, PasswordFileErrorsAre26s)
{
    auto m = tcp();
    m.password_file = "missing.txt";
    SetupContext ctx;
    ctx.password_path = dir + "/missing.txt";
    auto s = setup(m, ctx);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(),
              "Error opening 'Management' auth file: missing.txt: No such file or directory (errno=2)");
    m.password_file = "empty.txt";
    ctx.password_path = file("empty.txt", "\n");
    s = setup(m, ctx);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), "Error reading password from Management authfile: empty.txt");
}

TEST_F(SetupTest, PasswordFromTheConsole)
{
    auto m = tcp();
    m.password_file = "stdin"; // OpenVPN GUI's way
    SetupContext ctx;
    std::string asked;
    ctx.read_console = [&](const std::string& prompt) -> std::optional<std::string> {
        asked = prompt;
        return "typed\r";
    };
    auto s = setup(m, ctx);
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(asked, "Enter Management Password:");
    EXPECT_EQ(s->engine.password, "typed");
}

TEST_F(SetupTest, UnixSocketUserAndGroup)
{
    options::ManagementOptions m;
    m.address = dir + "/m.sock";
    m.port = "unix";
    m.unix_socket = true;
    m.client_user = "root";
    m.client_group = "root";
    auto s = setup(m, SetupContext{});
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_TRUE(s->shell.unix_socket);
    EXPECT_EQ(s->shell.client_uid, 0u);
    EXPECT_EQ(s->shell.client_gid, 0u);
    EXPECT_EQ(s->log, (std::vector<std::string>{"MANAGEMENT: client_uid=0", "MANAGEMENT: client_gid=0"}));
    m.client_user = "no-such-user-mgmt-test";
    s = setup(m, SetupContext{});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), "failed to find UID for user no-such-user-mgmt-test");
    m.client_user.reset();
    m.client_group = "no-such-group-mgmt-test";
    s = setup(m, SetupContext{});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), "failed to find GID for group no-such-group-mgmt-test");
}

TEST_F(SetupTest, TunnelAddressIsRefusedByName)
{
    auto m = tcp();
    m.address = "tunnel";
    m.over_tunnel = true;
    auto s = setup(m, SetupContext{});
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().find("--management tunnel"), std::string::npos);
}

} // namespace
} // namespace ovpn::mgmt
