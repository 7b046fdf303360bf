// The --management* options as typed fields (options/management_options.hpp)
// and 2.6's checks on them.
#include <gtest/gtest.h>

#include "openvpn/options/management_options.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/validate.hpp"
#include "unit/options/parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

using options::test::parsed;
using options::test::quiet;

// parse_error: the parser's error for `text`, "" when it parses.
std::string parse_error(const std::string& text)
{
    Options o;
    Parser p(o, quiet());
    auto st = p.parse_text(text, "m.conf");
    return st.ok() ? std::string() : st.error();
}

std::vector<std::string> errors(const std::string& text)
{
    return check_options(parsed(text), quiet());
}

bool has(const std::vector<std::string>& v, const std::string& needle)
{
    for (const auto& e : v)
        if (e.find(needle) != std::string::npos)
            return true;
    return false;
}

TEST(ManagementOptions, NoneWithoutManagement)
{
    EXPECT_FALSE(management_options(parsed("dev tun\n")));
}

TEST(ManagementOptions, TcpWithEveryFlag)
{
    auto m =
        management_options(parsed("dev tun\nmanagement 127.0.0.1 7505 pw.txt\n"
                                  "management-client\nmanagement-query-passwords\nmanagement-query-remote\n"
                                  "management-query-proxy\nmanagement-hold\nmanagement-signal\n"
                                  "management-forget-disconnect\nmanagement-up-down\n"
                                  "management-client-auth\nmanagement-log-cache 10x\n"
                                  "management-external-key nopadding pss\n"
                                  "management-external-cert macosx-keychain:subject:o=X\n"));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->address, "127.0.0.1");
    EXPECT_EQ(m->port, "7505");
    EXPECT_FALSE(m->unix_socket);
    EXPECT_FALSE(m->over_tunnel);
    EXPECT_EQ(m->password_file, "pw.txt");
    EXPECT_TRUE(m->connect_as_client && m->query_passwords && m->query_remote && m->query_proxy && m->hold &&
                m->signal_on_disconnect && m->forget_on_disconnect && m->up_down && m->client_auth);
    EXPECT_EQ(m->log_cache, 10); // atoi, as 2.6
    ASSERT_TRUE(m->external_key);
    EXPECT_TRUE(m->external_key->nopadding && m->external_key->pss);
    EXPECT_FALSE(m->external_key->pkcs1 || m->external_key->digest);
    EXPECT_EQ(m->external_cert, "macosx-keychain:subject:o=X");
}

TEST(ManagementOptions, UnixSocketDefaultsAndNetworkManagersArgv)
{
    // NetworkManager-openvpn's way of starting openvpn.
    auto m =
        management_options(parsed("dev tun\nmanagement /var/run/nm.sock unix\nmanagement-client-user root\n"
                                  "management-client-group root\nmanagement-query-passwords\n"
                                  "auth-retry interact\nmanagement-hold\n"));
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->unix_socket);
    EXPECT_EQ(m->address, "/var/run/nm.sock");
    EXPECT_FALSE(m->password_file);
    EXPECT_EQ(m->client_user, "root");
    EXPECT_EQ(m->client_group, "root");
    EXPECT_EQ(m->log_cache, 250);
    EXPECT_FALSE(m->external_key);
    EXPECT_FALSE(m->up_down || m->signal_on_disconnect || m->connect_as_client);
    EXPECT_TRUE(errors("dev tun\nmanagement /var/run/nm.sock unix\nmanagement-client-user root\n").empty());
}

TEST(ManagementOptions, ExternalKeyAssumesPkcs1AndTunnelAddress)
{
    auto m = management_options(parsed("dev tun\nmanagement tunnel 7505\nmanagement-external-key\n"));
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->over_tunnel);
    ASSERT_TRUE(m->external_key);
    EXPECT_TRUE(m->external_key->pkcs1);
}

TEST(ManagementOptions, ParseErrorsAs26)
{
    EXPECT_NE(
        parse_error("management-log-cache 0\n").find("--management-log-cache parameter is out of range"),
        std::string::npos);
    EXPECT_NE(
        parse_error("management-log-cache abc\n").find("--management-log-cache parameter is out of range"),
        std::string::npos);
    EXPECT_NE(parse_error("management-external-key foo\n").find("Unknown management-external-key flag: foo"),
              std::string::npos);
    EXPECT_EQ(parse_error("management-external-key pkcs1 digest\n"), "");
}

TEST(ManagementOptions, ChecksAs26)
{
    // 2.6 accepts a --management-log-cache equal to its default without
    // --management, and names client-user/-group in their own message.
    EXPECT_TRUE(errors("dev tun\nmanagement-log-cache 250\n").empty());
    EXPECT_TRUE(has(errors("dev tun\nmanagement-log-cache 20\n"), "--management is not specified"));
    auto e = errors("dev tun\nmanagement-client-user root\n");
    EXPECT_FALSE(has(e, "--management is not specified"));
    EXPECT_TRUE(has(e, "--management-client-(user|group) can only be used on unix domain sockets"));
    EXPECT_TRUE(has(errors("dev tun\nmanagement 127.0.0.1 7505\nmanagement-client-group root\n"),
                    "can only be used on unix domain sockets"));
}

} // namespace
