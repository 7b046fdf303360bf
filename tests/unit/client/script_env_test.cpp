// The environment of the client's scripts (features.md §4.2).
#include "openvpn/client/script_env.hpp"

#include <gtest/gtest.h>

using namespace ovpn;
using namespace ovpn::client;

namespace {

ScriptEnvFacts up_facts()
{
    ScriptEnvFacts f;
    f.config = "/etc/openvpn/client.conf";
    f.daemon_pid = 4242;
    f.start_time = 1700000000;
    f.verb = 3;
    f.remote = "vpn.example.org";
    f.remote_port = "1194";
    f.proto = "udp";
    f.setenv = {{"CLIENTFOO", "baz"}};
    f.now_unix = 1700000100;
    f.now_ascii = "2023-11-14 22:15:00";
    f.dev = "tun1";
    f.tun_mtu = 1500;
    f.subnet = true;
    f.ifconfig_local = "10.99.0.2";
    f.ifconfig_remote_or_netmask = "255.255.255.0";
    f.ifconfig_ipv6_local = "fd99::1000";
    f.ifconfig_ipv6_netbits = 64;
    f.ifconfig_ipv6_remote = "fd99::1";
    f.route_vpn_gateway = "10.99.0.1";
    f.route_net_gateway = "192.168.1.1";
    f.routes = {{"10.20.0.0", "255.255.0.0", "10.99.0.1", 5},
                {"10.30.0.0", "255.255.255.0", "10.99.0.1", {}}};
    f.routes_ipv6 = {{"fd20::/48", "fd99::1", {}}};
    f.foreign_options = {"dhcp-option DNS 10.99.0.1", "dhcp-option DOMAIN example.org"};
    f.peer_ip = "198.51.100.7";
    f.peer_port = 1194;
    f.common_name = "server";
    f.cert_vars = {{"X509_0_CN", "server"},
                   {"X509_0_O", "Example"},
                   {"tls_serial_0", "258"},
                   {"X509_1_CN", "CA"},
                   {"tls_digest_sha256_1", "ab:cd"}};
    return f;
}

std::string get(const script::Env& e, const std::string& k)
{
    auto v = e.get(k);
    return v ? *v : "<unset>";
}

} // namespace

TEST(ScriptEnv, UpHasTheVariablesOf26)
{
    auto e = build_script_env(up_facts());
    EXPECT_EQ(get(e, "config"), "/etc/openvpn/client.conf");
    EXPECT_EQ(get(e, "daemon"), "0");
    EXPECT_EQ(get(e, "daemon_pid"), "4242");
    EXPECT_EQ(get(e, "daemon_start_time"), "1700000000");
    EXPECT_EQ(get(e, "verb"), "3");
    EXPECT_EQ(get(e, "remote_1"), "vpn.example.org");
    EXPECT_EQ(get(e, "remote_port_1"), "1194");
    EXPECT_EQ(get(e, "proto_1"), "udp");
    EXPECT_EQ(get(e, "local_port_1"), "<unset>"); // not bound
    EXPECT_EQ(get(e, "CLIENTFOO"), "baz");
    EXPECT_EQ(get(e, "time_unix"), "1700000100");
    EXPECT_EQ(get(e, "dev"), "tun1");
    EXPECT_EQ(get(e, "dev_type"), "tun");
    EXPECT_EQ(get(e, "tun_mtu"), "1500");
    EXPECT_EQ(get(e, "script_context"), "init");
    EXPECT_EQ(get(e, "ifconfig_local"), "10.99.0.2");
    EXPECT_EQ(get(e, "ifconfig_netmask"), "255.255.255.0");
    EXPECT_EQ(get(e, "ifconfig_remote"), "<unset>");
    EXPECT_EQ(get(e, "ifconfig_ipv6_local"), "fd99::1000");
    EXPECT_EQ(get(e, "ifconfig_ipv6_netbits"), "64");
    EXPECT_EQ(get(e, "ifconfig_ipv6_remote"), "fd99::1");
    EXPECT_EQ(get(e, "route_vpn_gateway"), "10.99.0.1");
    EXPECT_EQ(get(e, "route_net_gateway"), "192.168.1.1");
    EXPECT_EQ(get(e, "route_network_1"), "10.20.0.0");
    EXPECT_EQ(get(e, "route_netmask_1"), "255.255.0.0");
    EXPECT_EQ(get(e, "route_gateway_1"), "10.99.0.1");
    EXPECT_EQ(get(e, "route_metric_1"), "5");
    EXPECT_EQ(get(e, "route_network_2"), "10.30.0.0");
    EXPECT_EQ(get(e, "route_metric_2"), "<unset>");
    EXPECT_EQ(get(e, "route_ipv6_network_1"), "fd20::/48");
    EXPECT_EQ(get(e, "route_ipv6_gateway_1"), "fd99::1");
    EXPECT_EQ(get(e, "foreign_option_1"), "dhcp-option DNS 10.99.0.1");
    EXPECT_EQ(get(e, "foreign_option_2"), "dhcp-option DOMAIN example.org");
    EXPECT_EQ(get(e, "redirect_gateway"), "0");
    EXPECT_EQ(get(e, "trusted_ip"), "198.51.100.7");
    EXPECT_EQ(get(e, "trusted_port"), "1194");
    EXPECT_EQ(get(e, "untrusted_ip"), "198.51.100.7");
    EXPECT_EQ(get(e, "untrusted_port"), "1194");
    EXPECT_EQ(get(e, "common_name"), "server");
    EXPECT_EQ(get(e, "X509_0_CN"), "server");
    EXPECT_EQ(get(e, "X509_0_O"), "Example");
    EXPECT_EQ(get(e, "tls_serial_0"), "258");
    EXPECT_EQ(get(e, "X509_1_CN"), "CA");
    EXPECT_EQ(get(e, "tls_digest_sha256_1"), "ab:cd");
    EXPECT_EQ(get(e, "signal"), "<unset>");
}

TEST(ScriptEnv, Net30RestartDownAndUntrustedPeer)
{
    auto f = up_facts();
    f.subnet = false;
    f.ifconfig_remote_or_netmask = "10.99.0.1";
    f.restart = true;
    f.signal = "sigterm";
    f.peer_trusted = false;
    f.peer_ipv6 = true;
    f.peer_ip = "2001:db8::7";
    f.local_port = "1194";
    auto e = build_script_env(f);
    EXPECT_EQ(get(e, "ifconfig_remote"), "10.99.0.1");
    EXPECT_EQ(get(e, "ifconfig_netmask"), "<unset>");
    EXPECT_EQ(get(e, "script_context"), "restart");
    EXPECT_EQ(get(e, "signal"), "sigterm");
    EXPECT_EQ(get(e, "untrusted_ip6"), "2001:db8::7");
    EXPECT_EQ(get(e, "untrusted_port"), "1194");
    EXPECT_EQ(get(e, "trusted_ip"), "<unset>");
    EXPECT_EQ(get(e, "local_port_1"), "1194");
}

TEST(ScriptEnv, BeforeTheTunThereAreNoTunnelVariables)
{
    ScriptEnvFacts f;
    f.remote = "10.0.0.1";
    auto e = build_script_env(f);
    EXPECT_EQ(get(e, "remote_1"), "10.0.0.1");
    EXPECT_EQ(get(e, "dev"), "<unset>");
    EXPECT_EQ(get(e, "script_context"), "<unset>");
    EXPECT_EQ(get(e, "route_network_1"), "<unset>");
}

TEST(ScriptEnv, SubjectFieldsAndForeignOptions)
{
    auto s = split_subject("C=KG, ST=NA, O=OpenVPN-TEST, CN=Test-Server");
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0], (std::pair<std::string, std::string>{"C", "KG"}));
    EXPECT_EQ(s[3], (std::pair<std::string, std::string>{"CN", "Test-Server"}));
    auto t = split_subject("/C=US/CN=io-server");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[1].second, "io-server");
    EXPECT_TRUE(split_subject("").empty());

    options::Options o;
    o.dhcp_options = {{"DNS", "10.8.0.1"}, {"DOMAIN", "corp.example"}};
    auto fo = foreign_options_of(o);
    ASSERT_EQ(fo.size(), 2u);
    EXPECT_EQ(fo[0], "dhcp-option DNS 10.8.0.1");
    EXPECT_EQ(fo[1], "dhcp-option DOMAIN corp.example");
    EXPECT_EQ(format_time_ascii(0).size(), 19u);
}
