#include "openvpn/client/setup.hpp"

#include <gtest/gtest.h>

#include "openvpn/options/parser.hpp"
#include "openvpn/options/push_options.hpp"

using namespace ovpn;
using namespace ovpn::client;

namespace {

std::string data_dir()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/unit/control/data/";
}

options::Options parse(std::vector<std::string> args)
{
    Logger log(stderr);
    log.set_verb(0);
    auto o = options::parse_config(args, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return o ? std::move(o).value() : options::Options{};
}

options::Options client_opts(std::vector<std::string> extra = {})
{
    std::vector<std::string> a = {"--client",
                                  "--dev",
                                  "null",
                                  "--remote",
                                  "10.94.1.1",
                                  "--ca",
                                  data_dir() + "ca.crt",
                                  "--cert",
                                  data_dir() + "client.crt",
                                  "--key",
                                  data_dir() + "client.key"};
    a.insert(a.end(), extra.begin(), extra.end());
    return parse(a);
}

options::Options with_push(const options::Options& base, std::vector<std::string> push)
{
    options::Options o = base;
    Logger log(stderr);
    log.set_verb(0);
    auto r = options::apply_pushed_options(o, push, log);
    EXPECT_TRUE(r) << (r ? "" : r.error());
    return o;
}

TEST(ClientSetup, PeerInfoForPullClient)
{
    auto o = client_opts();
    std::string pi = make_peer_info(o);
    EXPECT_NE(pi.find("IV_VER=2.6.14\n"), std::string::npos);
    EXPECT_NE(pi.find("IV_NCP=2\n"), std::string::npos);
    EXPECT_NE(pi.find("IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\n"), std::string::npos);
    // DATA_V2 | REQUEST_PUSH | TLS_KEY_EXPORT | CC_EXIT | AUTH_FAIL_TEMP | DYN_TLS_CRYPT
    EXPECT_NE(pi.find("IV_PROTO=910\n"), std::string::npos) << pi;
    EXPECT_NE(pi.find("IV_COMP_STUBv2=1\n"), std::string::npos) << pi;
}

// 2.6 with DCO announces no compression at all (COMP_F_ALLOW_NOCOMP_ONLY).
TEST(ClientSetup, PeerInfoUnderDcoHasNoCompressionLines)
{
    std::string pi = make_peer_info(client_opts(), true);
    EXPECT_EQ(pi.find("COMP"), std::string::npos) << pi;
    EXPECT_EQ(pi.find("LZO"), std::string::npos) << pi;
    EXPECT_NE(pi.find("IV_PROTO=910\n"), std::string::npos) << pi;
}

// A p2p peer announces P2P NCP and dynamic tls-crypt, not REQUEST_PUSH.
TEST(ClientSetup, PeerInfoForP2pAnnouncesDynamicTlsCrypt)
{
    auto o = parse({"--dev", "null", "--tls-client"});
    // DATA_V2 | TLS_KEY_EXPORT | NCP_P2P | CC_EXIT | DYN_TLS_CRYPT
    EXPECT_EQ(iv_proto(o), 682u);
}

TEST(ClientSetup, NegotiatePulledCipherEkmAndPeerId)
{
    auto o = with_push(client_opts(), {"peer-id 3", "cipher AES-128-GCM", "protocol-flags cc-exit tls-ekm"});
    auto n = negotiate_pull(o, "V4,cipher BF-CBC");
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(n->cipher, "AES-128-GCM");
    EXPECT_TRUE(n->use_ekm);
    EXPECT_TRUE(n->cc_exit);
    EXPECT_FALSE(n->dyn_tls_crypt);
    EXPECT_EQ(n->peer_id, 3u);
    auto o2 = with_push(client_opts(), {"key-derivation tls-ekm", "cipher AES-256-GCM"});
    auto n2 = negotiate_pull(o2, "");
    ASSERT_TRUE(n2);
    EXPECT_TRUE(n2->use_ekm);
    EXPECT_FALSE(n2->cc_exit);
    EXPECT_FALSE(n2->peer_id);
}

// What a 2.6 server pushes to a client that announced IV_PROTO bit 9.
TEST(ClientSetup, PushedDynTlsCryptTurnsItOn)
{
    auto o = with_push(client_opts(), {"cipher AES-256-GCM", "protocol-flags cc-exit tls-ekm dyn-tls-crypt"});
    auto n = negotiate_pull(o, "");
    ASSERT_TRUE(n) << n.error();
    EXPECT_TRUE(n->dyn_tls_crypt);
    EXPECT_TRUE(n->use_ekm);
    EXPECT_TRUE(n->cc_exit);
    // without cc-exit 2.6 pushes key-derivation and the flag alone
    auto o2 = with_push(client_opts(),
                        {"cipher AES-256-GCM", "key-derivation tls-ekm", "protocol-flags dyn-tls-crypt"});
    auto n2 = negotiate_pull(o2, "");
    ASSERT_TRUE(n2) << n2.error();
    EXPECT_TRUE(n2->dyn_tls_crypt);
    EXPECT_TRUE(n2->use_ekm);
    EXPECT_FALSE(n2->cc_exit);
}

TEST(ClientSetup, NegotiatePoorMansNcpAndFallback)
{
    // No pushed cipher: the server's OCC cipher if we allow it.
    auto o = client_opts({"--data-ciphers", "AES-256-GCM:AES-256-CBC"});
    auto n = negotiate_pull(o, "V4,dev-type tun,cipher AES-256-CBC,auth SHA256");
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(n->cipher, "AES-256-CBC");
    EXPECT_FALSE(n->use_ekm);
    // Not in our list and no fallback: refuse.
    auto bad = negotiate_pull(client_opts(), "V4,cipher BF-CBC");
    EXPECT_FALSE(bad);
    auto fb = negotiate_pull(client_opts({"--data-ciphers-fallback", "AES-128-CBC"}), "V4");
    ASSERT_TRUE(fb);
    EXPECT_EQ(fb->cipher, "AES-128-CBC");
}

TEST(ClientSetup, NegotiateP2pServerOrderWins)
{
    auto o = parse({"--dev", "null", "--tls-client", "--data-ciphers", "CHACHA20-POLY1305:AES-256-GCM"});
    // peer = TLS server lists AES-256-GCM first
    auto n = negotiate_p2p(o, false, "IV_CIPHERS=AES-256-GCM:CHACHA20-POLY1305\nIV_PROTO=746\n", "");
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(n->cipher, "AES-256-GCM");
    EXPECT_TRUE(n->use_ekm);
    EXPECT_TRUE(n->cc_exit);
    EXPECT_TRUE(n->dyn_tls_crypt); // 746 = 2.6's p2p bits, dynamic tls-crypt (512) among them
    EXPECT_TRUE(n->peer_id);
    auto old = negotiate_p2p(o, false, "IV_CIPHERS=AES-256-GCM\nIV_PROTO=234\n", ""); // 2.6.0: no bit 9
    ASSERT_TRUE(old) << old.error();
    EXPECT_FALSE(old->dyn_tls_crypt);
    EXPECT_TRUE(old->use_ekm);
    EXPECT_FALSE(negotiate_p2p(o, false, "IV_CIPHERS=AES-256-GCM\nIV_PROTO=512\n", "")->dyn_tls_crypt)
        << "without NCP_P2P 2.6 takes none of the peer's bits";
    // we are the TLS server: our order
    auto n2 = negotiate_p2p(o, true, "IV_CIPHERS=AES-256-GCM:CHACHA20-POLY1305\nIV_PROTO=2\n", "");
    ASSERT_TRUE(n2);
    EXPECT_EQ(n2->cipher, "CHACHA20-POLY1305");
    EXPECT_FALSE(n2->use_ekm); // no NCP_P2P bit
    EXPECT_FALSE(negotiate_p2p(o, true, "IV_CIPHERS=AES-128-GCM\nIV_PROTO=746\n", ""));
}

} // namespace
