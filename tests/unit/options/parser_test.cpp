// Parser: CLI and file merging, nesting, unknown options, permissions,
// <connection> blocks, helpers, pushed options.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "openvpn/options/helpers.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/push_options.hpp"
#include "parsed.hpp"

using namespace ovpn;
using namespace ovpn::options;

namespace {

using test::quiet;

struct Tmp {
    std::filesystem::path dir;
    Tmp()
    {
        char tmpl[] = "/tmp/opt-unit.XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~Tmp() { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text)
    {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
};

Result<Options> parse(std::vector<std::string> args)
{
    return parse_config(args, quiet());
}

Result<Options> parse_text(const std::string& text)
{
    Options o;
    Parser p(o, quiet());
    auto st = p.parse_text(text, "t.conf");
    if (!st)
        return Err(st.error());
    auto f = finalize(o, quiet());
    if (!f)
        return Err(f.error());
    return o;
}

} // namespace

TEST(Parser, CommandLineGroups)
{
    auto r = parse({"--dev", "tun", "--remote", "h", "1194", "udp", "--verb", "5"});
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->dev, "tun");
    EXPECT_EQ(r->verb, 5);
    ASSERT_EQ(r->ce.remotes.size(), 1u);
    EXPECT_EQ(r->ce.remotes[0].port, "1194");
    auto bad = parse({"--dev", "tun", "stray"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("[CMD-LINE]"), std::string::npos);
    auto noprefix = parse({"dev", "tun"});
    ASSERT_FALSE(noprefix.ok());
    EXPECT_NE(noprefix.error().find("leading '--'"), std::string::npos);
}

TEST(Parser, SingleBareArgumentIsAConfigFileAndLaterOptionsWin)
{
    Tmp t;
    const auto f = t.write("a.conf", "dev tun\nverb 2\n");
    auto r = parse({f});
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->verb, 2);
    EXPECT_EQ(r->config, f);
    auto r2 = parse({"--config", f, "--verb", "6"});
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(r2->verb, 6);
}

TEST(Parser, NestedConfigAndLoops)
{
    Tmp t;
    t.write("inner.conf", "verb 4\n");
    const auto outer = t.write("outer.conf", "dev tun\nconfig " + (t.dir / "inner.conf").string() + "\n");
    auto r = parse({outer});
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->verb, 4);
    const auto a = t.write("loop-a.conf", "config " + (t.dir / "loop-b.conf").string() + "\n");
    t.write("loop-b.conf", "config " + a + "\n");
    auto loop = parse({a});
    ASSERT_FALSE(loop.ok());
    EXPECT_NE(loop.error().find("includes itself"), std::string::npos);
    auto missing = parse({(t.dir / "nope.conf").string()});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().find("Error opening configuration file"), std::string::npos);
}

TEST(Parser, UnknownWindowsAndRelaxations)
{
    auto unknown = parse_text("dev tun\nfoo-bar 1\n");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(
        unknown.error().find("Unrecognized option or missing or extra parameter(s) in t.conf:2: foo-bar"),
        std::string::npos);
    EXPECT_FALSE(parse_text("dev tun\nblock-outside-dns\n").ok());
    EXPECT_TRUE(parse_text("dev tun\nsetenv opt block-outside-dns\n").ok());
    EXPECT_TRUE(parse_text("ignore-unknown-option block-outside-dns\nblock-outside-dns\ndev tun\n").ok());
    EXPECT_TRUE(parse_text("setenv FORWARD_COMPATIBLE 1\nwhatever 1 2\ndev tun\n").ok());
    EXPECT_FALSE(parse_text("dev tun extra\n").ok()); // arity
    EXPECT_FALSE(parse_text("keysize 256\n").ok());
    auto removed = parse_text("client-cert-not-required\n");
    ASSERT_FALSE(removed.ok());
    EXPECT_NE(removed.error().find("REMOVED OPTION"), std::string::npos);
}

TEST(Parser, ContextsAndInline)
{
    auto ccd_only = parse_text("iroute 10.0.0.0 255.0.0.0\n");
    ASSERT_FALSE(ccd_only.ok());
    EXPECT_NE(ccd_only.error().find("cannot be used in this context"), std::string::npos);
    auto not_inline = parse_text("<verb>\n3\n</verb>\n");
    ASSERT_FALSE(not_inline.ok());
    EXPECT_NE(not_inline.error().find("not expected to be inline"), std::string::npos);
    auto ok = parse_text("dev tun\n<ca>\nPEM\n</ca>\n");
    ASSERT_TRUE(ok.ok()) << ok.error();
    ASSERT_TRUE(ok->ca.has_value());
    EXPECT_TRUE(ok->ca->is_inline);
    EXPECT_EQ(ok->ca->content, "PEM\n");
    EXPECT_EQ(ok->directives.back().args.at(0), "[inline]"); // key text is not copied
}

TEST(Parser, ConnectionBlocks)
{
    auto r = parse_text("dev tun\nproto udp\n<connection>\nremote a 1194\n</connection>\n"
                        "<connection>\nremote b 443\nproto tcp-client\nfragment 1300\n</connection>\n");
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_EQ(r->connections.size(), 2u);
    EXPECT_EQ(r->connections[0].remotes[0].host, "a");
    EXPECT_EQ(r->connections[1].proto, "tcp-client");
    EXPECT_EQ(r->connections[1].fragment, 1300);
    EXPECT_FALSE(r->connections[0].fragment.has_value());
    EXPECT_FALSE(parse_text("<connection>\nremote a\ndev tun\n</connection>\n").ok());
    EXPECT_FALSE(parse_text("<connection>\nproto udp\n</connection>\n").ok()); // no remote
}

TEST(Parser, RemoteListBecomesConnections)
{
    auto r = parse_text("dev tun\nport 1000\nremote a\nremote b 2000 tcp-client\n");
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_EQ(r->connections.size(), 2u);
    EXPECT_EQ(r->connections[0].port, "1000");
    EXPECT_FALSE(r->connections[0].rport.has_value());
    // The remote's port is the remote side's only: the local port stays 1000.
    EXPECT_EQ(r->connections[1].port, "1000");
    EXPECT_EQ(r->connections[1].rport, "2000");
    EXPECT_EQ(r->connections[1].proto, "tcp-client");
    auto wrap = parse_text("dev tun\nremote a 99999\n");
    ASSERT_FALSE(wrap.ok());
    EXPECT_NE(wrap.error().find("t.conf:2"), std::string::npos);
    EXPECT_NE(wrap.error().find("--remote"), std::string::npos);
}

TEST(Helpers, ServerSubnetExpansion)
{
    auto r = parse_text("dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\nkeepalive 10 60\n");
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(r->is_server());
    EXPECT_TRUE(r->tls_server);
    EXPECT_EQ(r->ifconfig->first, "10.8.0.1");
    EXPECT_EQ(r->ifconfig->second, "255.255.255.0");
    EXPECT_EQ((*r->ifconfig_pool)[0], "10.8.0.2");
    EXPECT_EQ((*r->ifconfig_pool)[1], "10.8.0.254");
    EXPECT_EQ(r->ping_restart, 120);
    const auto& p = r->push;
    EXPECT_NE(std::find(p.begin(), p.end(), "route-gateway 10.8.0.1"), p.end());
    EXPECT_NE(std::find(p.begin(), p.end(), "topology subnet"), p.end());
    EXPECT_NE(std::find(p.begin(), p.end(), "ping-restart 60"), p.end());
}

TEST(Helpers, ServerNet30AndIpv6)
{
    auto r = parse_text("dev tun\nserver 10.8.0.0 255.255.255.0\nserver-ipv6 fd00::/64\n");
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->ifconfig->second, "10.8.0.2");
    EXPECT_EQ((*r->ifconfig_pool)[0], "10.8.0.4");
    EXPECT_EQ((*r->ifconfig_pool)[1], "10.8.0.251");
    EXPECT_EQ(r->ifconfig_ipv6->first, "fd00::1/64");
    EXPECT_EQ(*r->ifconfig_ipv6_pool, "fd00::1000/64");
    EXPECT_EQ(r->topology, Topology::Net30);
}

TEST(Helpers, Conflicts)
{
    EXPECT_FALSE(parse_text("dev tun\nserver 10.8.0.0 255.255.255.0\nclient\n").ok());
    EXPECT_FALSE(parse_text("dev tun\nserver 10.8.0.1 255.255.255.0\n").ok()); // host bits set
    EXPECT_FALSE(parse_text("dev tun\nserver 10.8.0.0 255.255.255.252\n").ok());
    EXPECT_FALSE(parse_text("dev tun\nclient\nkeepalive 10 15\n").ok());
    auto c = parse_text("dev tun\nclient\nremote x\n");
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c->pull && c->tls_client);
}

TEST(Push, AppliesPermittedAndSkipsTheRest)
{
    auto r = parse_text("dev tun\nclient\nremote x\npull-filter ignore \"route 10.9.\"\n");
    ASSERT_TRUE(r.ok());
    Options o = *r;
    std::vector<std::string> pushed = {"route 10.8.0.0 255.255.255.0",
                                       "route 10.9.0.0 255.255.0.0",
                                       "topology subnet",
                                       "ping 10",
                                       "peer-id 3",
                                       "cipher AES-256-GCM",
                                       "block-outside-dns",
                                       "dev tap",
                                       "ifconfig 10.8.0.2 255.255.255.0"};
    auto res = apply_pushed_options(o, pushed, quiet());
    ASSERT_TRUE(res.ok()) << res.error();
    EXPECT_EQ(o.routes.size(), 1u);
    EXPECT_EQ(o.topology, Topology::Subnet);
    EXPECT_EQ(o.ping, 10);
    EXPECT_EQ(o.peer_id, 3);
    EXPECT_EQ(o.cipher, "AES-256-GCM");
    EXPECT_EQ(o.dev, "tun"); // --dev may not be pushed
    EXPECT_EQ(res->applied, 6);
    EXPECT_EQ(res->skipped, 3);
    std::vector<std::string> bad = {"ping abc"};
    EXPECT_FALSE(apply_pushed_options(o, bad, quiet()).ok());
}

TEST(Push, RouteNopullAndReject)
{
    auto r = parse_text("dev tun\nclient\nremote x\nroute-nopull\npull-filter reject redirect-gateway\n");
    ASSERT_TRUE(r.ok());
    Options o = *r;
    std::vector<std::string> pushed = {"route 10.8.0.0 255.255.255.0"};
    auto res = apply_pushed_options(o, pushed, quiet());
    ASSERT_TRUE(res.ok());
    EXPECT_TRUE(o.routes.empty());
    std::vector<std::string> rej = {"redirect-gateway def1"};
    EXPECT_FALSE(apply_pushed_options(o, rej, quiet()).ok());
}

TEST(Push, ClientConfigDirMask)
{
    auto r = parse_text("dev tun\ntopology subnet\nserver 10.8.0.0 255.255.255.0\n");
    ASSERT_TRUE(r.ok());
    Options o = *r;
    auto ok = apply_client_config(o,
                                  "iroute 192.168.5.0 255.255.255.0\nifconfig-push 10.8.0.9 255.255.255.0\n"
                                  "push-reset\npush \"route 10.1.0.0 255.255.0.0\"\n",
                                  "ccd/alice", quiet());
    ASSERT_TRUE(ok.ok()) << ok.error();
    EXPECT_EQ(o.iroutes.size(), 1u);
    ASSERT_EQ(o.push.size(), 1u);
    EXPECT_EQ(o.push[0], "route 10.1.0.0 255.255.0.0");
    auto bad = apply_client_config(o, "dev tap\n", "ccd/bob", quiet());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("ccd/bob:1"), std::string::npos);
}

// --http-proxy-override (2.6's options_postprocess_http_proxy_override): the
// TCP client entries connect through it, the UDP ones are left out; with no
// TCP entry nothing changes.
TEST(Parser, HttpProxyOverride)
{
    auto o =
        test::parsed("dev tun\nclient\nhttp-proxy-override 10.0.0.9 3128\n<connection>\nremote a 1194 udp\n"
                     "</connection>\n<connection>\nremote b 443 tcp-client\n</connection>\n");
    ASSERT_EQ(o.connections.size(), 1u);
    EXPECT_EQ(o.connections[0].remotes[0].host, "b");
    ASSERT_TRUE(o.connections[0].http_proxy.has_value());
    EXPECT_EQ(o.connections[0].http_proxy->host, "10.0.0.9");
    EXPECT_EQ(o.connections[0].http_proxy->port, "3128");
    EXPECT_TRUE(o.connections[0].http_proxy->extra.empty()); // no credentials
    auto udp = test::parsed("dev tun\nclient\nremote a 1194\nhttp-proxy-override 10.0.0.9 3128 nct\n");
    ASSERT_EQ(udp.connections.size(), 1u);
    EXPECT_FALSE(udp.connections[0].http_proxy.has_value());
}
