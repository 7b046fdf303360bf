#include "openvpn/plugin/plugin.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "openvpn/plugin/callbacks.hpp"

using namespace ovpn;
using namespace ovpn::plugin;

namespace {

struct TempDir {
    std::string path;
    TempDir()
    {
        char t[] = "/tmp/plugin-test-XXXXXX";
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

std::string module(const char* v)
{
    return std::string(OVPN_TEST_PLUGIN_DIR) + "/record_plugin_" + v + ".so";
}

bool has_line(const std::string& text, const std::string& line)
{
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l == line)
            return true;
    return false;
}

struct Fixture : ::testing::Test {
    TempDir dir;
    std::string rec = dir.path + "/rec";
    std::FILE* logf = std::tmpfile();
    Logger log{logf};
    script::Env env;
    ~Fixture() override { std::fclose(logf); }
    std::string logged()
    {
        std::fflush(logf);
        std::rewind(logf);
        std::string s;
        char buf[512];
        while (std::fgets(buf, sizeof buf, logf) != nullptr)
            s += buf;
        return s;
    }
};

} // namespace

using PluginHost = Fixture;

TEST_F(PluginHost, PrefersV3AndPassesArgvEnvpVersionAndCallbacks)
{
    env.set("common_name", "alice");
    PluginList pl(log);
    ASSERT_TRUE(pl.open({{module("3"), rec, "mask=3"}}, env).ok());
    const std::string r = slurp(rec);
    EXPECT_TRUE(has_line(r, "open v3")) << r;
    EXPECT_FALSE(has_line(r, "open v1")) << r;
    EXPECT_TRUE(has_line(r, "argv " + module("3"))) << r;
    EXPECT_TRUE(has_line(r, "argv mask=3")) << r;
    EXPECT_TRUE(has_line(r, "envp common_name=alice")) << r;
    EXPECT_TRUE(has_line(r, "structver=5 ssl=1 version=2.6.14")) << r;
    EXPECT_TRUE(has_line(r, "major.minor=2.6 patch=.14")) << r;
    EXPECT_TRUE(has_line(r, "base64 aGVsbG8= hello")) << r;
    EXPECT_TRUE(has_line(r, "wiped []")) << r;
    EXPECT_NE(logged().find("PLUGIN record: opened with 2 args"), std::string::npos) << logged();
}

TEST_F(PluginHost, OlderGenerationsAreUsedWhenNewerAreMissing)
{
    PluginList pl(log);
    ASSERT_TRUE(pl.open({{module("1"), rec + "1"}, {module("2"), rec + "2"}}, env).ok());
    pl.call({OPENVPN_PLUGIN_UP, {"tun0"}}, env);
    const std::string r1 = slurp(rec + "1"), r2 = slurp(rec + "2");
    EXPECT_TRUE(has_line(r1, "open v1")) << r1;
    EXPECT_TRUE(has_line(r1, "func v1 type=0")) << r1;
    EXPECT_TRUE(has_line(r2, "open v2")) << r2;
    EXPECT_TRUE(has_line(r2, "func v2 type=0")) << r2;
}

TEST_F(PluginHost, CallsOnlyWantedTypesWithModulePathFirstAndNoScriptType)
{
    log.set_verb(3);
    PluginList pl(log);
    ASSERT_TRUE(pl.open({{module("3"), rec, "mask=2"}}, env).ok()); // DOWN only
    EXPECT_TRUE(pl.defined(OPENVPN_PLUGIN_DOWN));
    EXPECT_FALSE(pl.defined(OPENVPN_PLUGIN_UP));
    env.set("script_type", "down");
    env.set("dev", "tun7");
    EXPECT_TRUE(pl.call({OPENVPN_PLUGIN_UP, {"x"}}, env).ok());
    EXPECT_TRUE(pl.call({OPENVPN_PLUGIN_DOWN, {"tun7", "1500"}}, env).ok());
    const std::string r = slurp(rec);
    EXPECT_FALSE(has_line(r, "func v3 type=0")) << r;
    EXPECT_TRUE(has_line(r, "func v3 type=1")) << r;
    EXPECT_TRUE(has_line(r, "argv tun7")) << r;
    EXPECT_TRUE(has_line(r, "envp dev=tun7")) << r;
    EXPECT_FALSE(has_line(r, "envp script_type=down")) << r;
    EXPECT_TRUE(has_line(r, "certdepth -1")) << r;
    EXPECT_TRUE(has_line(r, "openarg " + rec)) << "the open argv must outlive open: " << r;
    EXPECT_NE(logged().find("PLUGIN_INIT: POST"), std::string::npos);
}

TEST_F(PluginHost, StatusesCombineErrorOverDeferredOverSuccess)
{
    PluginList pl(log);
    ASSERT_TRUE(pl.open({{module("3"), rec}}, env).ok());
    env.set("test_status", "1");
    EXPECT_EQ(pl.call({OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY, {}}, env).status, OPENVPN_PLUGIN_FUNC_ERROR);
    env.set("test_status", "2");
    EXPECT_EQ(pl.call({OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY, {}}, env).status, OPENVPN_PLUGIN_FUNC_DEFERRED);
    env.set("test_status", "0");
    EXPECT_EQ(pl.call({OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY, {}}, env).status, OPENVPN_PLUGIN_FUNC_SUCCESS);
    EXPECT_NE(logged().find("PLUGIN_CALL: plugin function PLUGIN_AUTH_USER_PASS_VERIFY failed with status 1"),
              std::string::npos);

    PluginList two(log);
    ASSERT_TRUE(two.open({{module("3"), rec}, {module("2"), rec}}, script::Env{}).ok());
    env.set("test_status", "2");
    EXPECT_EQ(two.call({OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY, {}}, env).status, OPENVPN_PLUGIN_FUNC_ERROR)
        << "only one plugin may defer";
}

TEST_F(PluginHost, ReturnListComesBackPerPlugin)
{
    PluginList pl(log);
    ASSERT_TRUE(pl.open({{module("1"), rec}, {module("3"), rec}}, env).ok());
    env.set("test_return", "config:push \"route 10.1.0.0 255.255.0.0\"");
    CallResult r = pl.call({OPENVPN_PLUGIN_CLIENT_CONNECT_V2, {}}, env);
    ASSERT_EQ(r.returns.size(), 2u);
    EXPECT_TRUE(r.returns[0].empty()); // v1 has no return list
    ASSERT_EQ(r.returns[1].size(), 1u);
    EXPECT_EQ(r.returns[1][0].name, "config");
    EXPECT_EQ(r.value("config"), "push \"route 10.1.0.0 255.255.0.0\"");
}

TEST_F(PluginHost, ClientContextsAreConstructedPassedAndDestroyed)
{
    {
        PluginList pl(log);
        ASSERT_TRUE(pl.open({{module("3"), rec}}, env).ok()); // its own context: client1
        {
            ClientContexts a = pl.new_client();
            ClientContexts b = pl.new_client();
            pl.call({OPENVPN_PLUGIN_CLIENT_CONNECT_V2, {}}, env, &b);
            ClientContexts moved = std::move(a);
        }
        const std::string r = slurp(rec);
        EXPECT_TRUE(has_line(r, "ctor client2")) << r;
        EXPECT_TRUE(has_line(r, "ctor client3")) << r;
        EXPECT_TRUE(has_line(r, "client client3")) << r;
        EXPECT_TRUE(has_line(r, "dtor client2")) << r;
        EXPECT_TRUE(has_line(r, "dtor client3")) << r;
        EXPECT_EQ(r.find("dtor client2"), r.rfind("dtor client2")) << "destroyed once";
        EXPECT_FALSE(has_line(r, "dtor client1")) << r;
        pl.call({OPENVPN_PLUGIN_UP, {}}, env); // no client: the list's own
        EXPECT_TRUE(has_line(slurp(rec), "client client1"));
    }
    const std::string r = slurp(rec);
    EXPECT_LT(r.find("dtor client1"), r.find("close")) << r;
}

TEST_F(PluginHost, CloseAndAbortReachThePlugin)
{
    {
        PluginList pl(log);
        ASSERT_TRUE(pl.open({{module("3"), rec}}, env).ok());
        abort_all();
        EXPECT_TRUE(has_line(slurp(rec), "abort"));
        EXPECT_FALSE(has_line(slurp(rec), "close"));
    }
    EXPECT_TRUE(has_line(slurp(rec), "close"));
}

TEST_F(PluginHost, LoadFailuresAreClearErrors)
{
    PluginList pl(log);
    auto r = pl.open({{dir.path + "/missing.so", rec}}, env);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("could not load plugin shared object"), std::string::npos) << r.error();
    PluginList nc(log);
    r = nc.open({{module("noclose"), rec}}, env);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("openvpn_plugin_close_v1"), std::string::npos) << r.error();
    PluginList fo(log);
    env.set("test_fail_open", "1");
    r = fo.open({{module("3"), rec}}, env);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("plugin initialization function failed"), std::string::npos) << r.error();
    PluginList bad(log);
    env.unset("test_fail_open");
    r = bad.open({{module("3"), rec, "mask=10000"}}, env); // bit 16: beyond OPENVPN_PLUGIN_N
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("unsupported plugin types"), std::string::npos) << r.error();
}

TEST(PluginPath, RelativeNamesLiveInThePluginDirectory)
{
    EXPECT_EQ(resolve_path("openvpn-plugin-down-root.so", "/usr/lib/x/openvpn/plugins"),
              "/usr/lib/x/openvpn/plugins/openvpn-plugin-down-root.so");
    EXPECT_EQ(resolve_path("my/p.so", "/d"), "/d/my/p.so");
    EXPECT_EQ(resolve_path("./p.so", "/d"), "./p.so");
    EXPECT_EQ(resolve_path("/abs/p.so", "/d"), "/abs/p.so");
}

TEST(PluginBase64, MatchesRfc4648AndRefusesOverflow)
{
    char* s = nullptr;
    ASSERT_EQ(base64_encode("foob", 4, &s), 8);
    EXPECT_STREQ(s, "Zm9vYg==");
    std::free(s);
    ASSERT_EQ(base64_encode("", 0, &s), 0);
    EXPECT_STREQ(s, "");
    std::free(s);
    EXPECT_EQ(base64_encode("x", -1, &s), -1);
    unsigned char out[8] = {};
    EXPECT_EQ(base64_decode("Zm9vYmFy", out, 6), 6);
    EXPECT_EQ(std::memcmp(out, "foobar", 6), 0);
    EXPECT_EQ(base64_decode("Zm9vYmFy", out, 5), -1);
    EXPECT_EQ(base64_decode("Zm9vYg==", out, -1), 4);
    EXPECT_EQ(base64_decode("Zm9", out, 8), -1);     // short group
    EXPECT_EQ(base64_decode("Z=9v", out, 8), -1);    // padding inside
    EXPECT_EQ(base64_decode("Zm9v\nYg", out, 8), 3); // stops at a non-base64 character
}

TEST(PluginLog, LevelsFollow26)
{
    std::FILE* f = std::tmpfile();
    {
        Logger log(f);
        log.set_timestamps(false);
        set_callback_logger(&log);
        callbacks()->plugin_log(PLOG_DEBUG, "p", "hidden %d", 1);
        callbacks()->plugin_log(PLOG_WARN, "p", "shown %d", 2);
        callbacks()->plugin_log(PLOG_NOTE, "", "nameless");
        errno = ENOENT;
        callbacks()->plugin_log(static_cast<openvpn_plugin_log_flags_t>(PLOG_ERR | PLOG_ERRNO), "p", "gone");
        set_callback_logger(nullptr);
    }
    std::rewind(f);
    std::string s;
    char buf[256];
    while (std::fgets(buf, sizeof buf, f) != nullptr)
        s += buf;
    std::fclose(f);
    EXPECT_EQ(s.find("hidden"), std::string::npos) << s;
    EXPECT_NE(s.find("PLUGIN p: shown 2"), std::string::npos) << s;
    EXPECT_EQ(s.find("nameless"), std::string::npos) << s;
    EXPECT_NE(s.find("PLUGIN p: gone: No such file or directory (errno=2)"), std::string::npos) << s;
}
