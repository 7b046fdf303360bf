// app/: --check-config report and --genkey through the crypto layer.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

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
