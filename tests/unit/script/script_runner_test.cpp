#include "openvpn/script/script_runner.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace ovpn;
using namespace ovpn::script;

namespace {
struct TempDir {
    std::string path;
    TempDir()
    {
        char t[] = "/tmp/io-script-XXXXXX";
        path = ::mkdtemp(t);
    }
    ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};
std::string slurp(const std::string& p)
{
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
} // namespace

TEST(SplitCommand, QuotesAndBackslashes)
{
    auto r = split_command("'/x y/up.sh' a\\ b \"c d\" e");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, (std::vector<std::string>{"/x y/up.sh", "a b", "c d", "e"}));
    EXPECT_FALSE(split_command("'open").ok());
    EXPECT_FALSE(split_command("   ").ok());
}

TEST(ScriptArgs, UpAndIpchangeLike26)
{
    EXPECT_EQ(up_down_args("tun1", 1500, "10.99.0.2", "255.255.255.0", false),
              (std::vector<std::string>{"tun1", "1500", "0", "10.99.0.2", "255.255.255.0", "init"}));
    EXPECT_EQ(ipchange_args("[AF_INET]127.0.0.1", 11940),
              (std::vector<std::string>{"[AF_INET]127.0.0.1", "11940"}));
}

TEST(ScriptRunner, RunsWithArgsAndOnlyOurEnvironment)
{
    TempDir d;
    const std::string script = d.path + "/up.sh";
    {
        std::ofstream f(script);
        f << "#!/bin/sh\necho \"$@\" > \"$OUT\"\nenv | sort >> \"$OUT\"\nexit 0\n";
    }
    ::chmod(script.c_str(), 0755);
    Logger log(stderr);
    ScriptRunner runner(log, 2);
    Env env;
    env.set("OUT", d.path + "/out");
    env.set("dev", "tun0");
    env.set_int("tun_mtu", 1500);
    ::setenv("IO_TEST_LEAK", "1", 1);
    auto r =
        runner.run("up", script + " user-arg", up_down_args("tun0", 1500, "10.8.0.2", "10.8.0.1", true), env);
    EXPECT_TRUE(r.ok());
    const std::string out = slurp(d.path + "/out");
    EXPECT_EQ(out.substr(0, out.find('\n')), "user-arg tun0 1500 0 10.8.0.2 10.8.0.1 restart");
    EXPECT_NE(out.find("script_type=up\n"), std::string::npos);
    EXPECT_NE(out.find("dev=tun0\n"), std::string::npos);
    EXPECT_EQ(out.find("IO_TEST_LEAK"), std::string::npos);
}

TEST(ScriptRunner, ExitStatusAndScriptSecurity)
{
    TempDir d;
    const std::string script = d.path + "/fail.sh";
    {
        std::ofstream f(script);
        f << "#!/bin/sh\nexit 3\n";
    }
    ::chmod(script.c_str(), 0755);
    std::FILE* devnull = std::fopen("/dev/null", "w");
    Logger log(devnull);
    ScriptRunner runner(log, 2);
    auto r = runner.run("down", script, {}, Env{});
    EXPECT_TRUE(r.ran);
    EXPECT_EQ(r.exit_status, 3);
    EXPECT_FALSE(r.ok());
    runner.set_script_security(1);
    auto refused = runner.run("down", "/bin/true", {}, Env{});
    EXPECT_FALSE(refused.ran);
    auto missing = ScriptRunner(log, 2).run("up", d.path + "/nope", {}, Env{});
    EXPECT_FALSE(missing.ran);
    std::fclose(devnull);
}

TEST(Env, UnsetPrefix)
{
    Env e;
    e.set("route_network_1", "a");
    e.set("route_gateway_1", "b");
    e.set("route", "x");
    e.set("dev", "tun0");
    e.unset_prefix("route_");
    EXPECT_EQ(e.vars().size(), 2u);
    EXPECT_TRUE(e.get("route").has_value());
}
