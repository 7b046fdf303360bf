// app/: --check-config report and --genkey through the crypto layer.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "openvpn/app/admission.hpp"
#include "openvpn/app/app.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/options/parser.hpp"
#include "parsed.hpp"

using namespace ovpn;

namespace {

using options::test::quiet;

options::Options opts(std::vector<std::string> args)
{
    auto r = options::parse_config(args, quiet());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? *r : options::Options{};
}

std::string report(const options::Options& o, int& rc)
{
    std::FILE* f = std::tmpfile();
    rc = app::check_config(o, quiet(), f);
    std::rewind(f);
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, f))
        out += buf;
    std::fclose(f);
    return out;
}

} // namespace

TEST(App, CheckConfigReportsEveryBlockerAndExitStatus)
{
    const std::string keys = "/usr/share/doc/openvpn/examples/sample-keys/";
    int rc = -1;
    auto out = report(opts({"--client", "--dev", "tap", "--remote", "192.0.2.1", "--fragment", "1300", "--ca",
                            keys + "ca.crt", "--cert", keys + "client.crt", "--key", keys + "client.key"}),
                      rc);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("DCO blocker: --dev:"), std::string::npos) << out;
    EXPECT_NE(out.find("DCO blocker: --fragment:"), std::string::npos) << out;
    EXPECT_NE(out.find("Configuration check OK"), std::string::npos);
    auto bad =
        report(opts({"--client", "--dev", "tun", "--remote", "192.0.2.1", "--ca", "/nonexistent"}), rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(bad.find("--ca fails with '/nonexistent'"), std::string::npos) << bad;
    EXPECT_NE(bad.find("DCO: the options are compatible"), std::string::npos) << bad;
}

TEST(App, GenkeySecretWritesAStaticKeyFile)
{
    const auto path = std::filesystem::temp_directory_path() / ("opt-genkey-" + std::to_string(::getpid()));
    auto o = opts({"--genkey", "secret", path.string()});
    ASSERT_EQ(app::run_genkey(o, quiet()), 0);
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_TRUE(crypto::parse_static_key(ss.str()).ok());
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::group_read,
              std::filesystem::perms::none);
    std::filesystem::remove(path);
    EXPECT_EQ(app::run_genkey(opts({"--genkey", "no-such-type"}), quiet()), 1);
}

// Issue 10 item 7: a TorGuard profile with tun-mtu-extra passed the check
// and the daemon then refused it. Both now ask app::admission() (shown with
// a use this build still refuses; tun-mtu-extra and mtu-test run since
// issue 13).
TEST(App, CheckConfigFailsWhatTheDaemonRefuses)
{
    const std::string keys = "/usr/share/doc/openvpn/examples/sample-keys/";
    const std::vector<std::string> base = {"--client",
                                           "--dev",
                                           "tun",
                                           "--remote",
                                           "192.0.2.1",
                                           "--ca",
                                           keys + "ca.crt",
                                           "--cert",
                                           keys + "client.crt",
                                           "--key",
                                           keys + "client.key"};
    auto with = [&](std::vector<std::string> extra) {
        auto v = base;
        v.insert(v.end(), extra.begin(), extra.end());
        return opts(v);
    };
    int rc = -1;
    const std::vector<std::string> gap = {"--socks-proxy", "192.0.2.9", "1080"}; // SOCKS over UDP
    auto out = report(with(gap), rc);
    EXPECT_EQ(rc, 1) << out;
    EXPECT_NE(out.find("Not supported by this build: --socks-proxy"), std::string::npos) << out;
    EXPECT_NE(out.find("Configuration check FAILED: 1 error(s)"), std::string::npos) << out;
    const auto a = app::admission(with(gap), quiet(), {});
    EXPECT_FALSE(a.admitted());
    ASSERT_EQ(a.gaps.size(), 1u);
    EXPECT_EQ(a.gaps[0].option, "socks-proxy");
    EXPECT_TRUE(app::admission(with({"--mtu-test"}), quiet(), {}).admitted()); // runs since issue 13
    EXPECT_TRUE(app::admission(with({"--tun-mtu-extra", "32"}), quiet(), {}).admitted());
    out = report(with({}), rc);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_TRUE(app::admission(with({}), quiet(), {}).admitted());
}

TEST(App, AdmissionRefusesAPeerWithoutAnyCrypto)
{
    const auto a = app::admission(opts({"--dev", "tun", "--remote", "192.0.2.1"}), quiet(), {});
    ASSERT_FALSE(a.admitted());
    EXPECT_NE(a.errors.back().find("without --secret or TLS"), std::string::npos);
}
