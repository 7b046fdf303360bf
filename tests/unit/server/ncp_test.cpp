#include "openvpn/server/ncp.hpp"

#include <gtest/gtest.h>

using namespace ovpn;
using namespace ovpn::server;

namespace {

const char* const kServerList = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";

NcpInput input(std::string peer_info, std::string occ = "V4,dev-type tun,cipher BF-CBC")
{
    NcpInput in;
    in.data_ciphers = kServerList;
    in.peer_info = std::move(peer_info);
    in.client_options = std::move(occ);
    return in;
}

} // namespace

TEST(Ncp, ServerOrderWinsAmongTheClientsCiphers)
{
    auto r = negotiate_server(input("IV_CIPHERS=CHACHA20-POLY1305:AES-128-GCM\nIV_PROTO=990\n"));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->cipher, "AES-128-GCM");
    EXPECT_TRUE(r->push_cipher);
}

TEST(Ncp, CaseInsensitiveAndCanonicalName)
{
    auto in = input("IV_CIPHERS=chacha20-poly1305\n");
    in.data_ciphers = "chacha20-poly1305";
    auto r = negotiate_server(in);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->cipher, "CHACHA20-POLY1305");
}

TEST(Ncp, IvNcp2WithoutCipherListMeansTheTwoGcmCiphers)
{
    auto in = input("IV_NCP=2\n");
    in.data_ciphers = "CHACHA20-POLY1305:AES-128-GCM";
    auto r = negotiate_server(in);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->cipher, "AES-128-GCM");
    EXPECT_TRUE(r->push_cipher);
}

TEST(Ncp, OldClientUsesItsOccCipher)
{
    auto in = input("IV_VER=2.3.18\n", "V4,dev-type tun,cipher AES-256-CBC,auth SHA1");
    in.data_ciphers = "AES-256-GCM:AES-256-CBC";
    auto r = negotiate_server(in);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->cipher, "AES-256-CBC");
    EXPECT_FALSE(r->push_cipher);
}

TEST(Ncp, FallbackForAnOldClientWithoutMatch)
{
    auto in = input("IV_VER=2.3.18\n", "V4,dev-type tun,cipher AES-128-CBC");
    in.fallback = "AES-128-CBC";
    auto r = negotiate_server(in);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->cipher, "AES-128-CBC");
}

TEST(Ncp, NoSharedCipherFails)
{
    auto r = negotiate_server(input("IV_CIPHERS=AES-192-GCM\n"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("no shared cipher"), std::string::npos);
    // A cipher list is authoritative: the fallback does not apply.
    auto in = input("IV_CIPHERS=AES-192-GCM\n");
    in.fallback = "AES-256-CBC";
    EXPECT_FALSE(negotiate_server(in));
}

TEST(Ncp, CbcWithAuthAsInTheCbcFallbackScenario)
{
    auto in = input("IV_CIPHERS=AES-256-GCM:AES-256-CBC\nIV_PROTO=990\n");
    in.data_ciphers = "AES-256-CBC";
    in.auth = "SHA256";
    auto r = negotiate_server(in);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->cipher, "AES-256-CBC");
    EXPECT_EQ(r->auth, "SHA256");
}

TEST(Ncp, ProtocolBitsDecideTheFlags)
{
    // 990 = DATA_V2 | REQUEST_PUSH | TLS_KEY_EXPORT | AUTH_PENDING_KW | DNS_OPTION | CC_EXIT | AUTH_FAIL_TEMP
    // | DYN_TLS_CRYPT
    auto r = negotiate_server(input("IV_CIPHERS=AES-256-GCM\nIV_PROTO=990\n"));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->data_v2);
    EXPECT_TRUE(r->use_ekm);
    EXPECT_TRUE(r->cc_exit);
    EXPECT_TRUE(r->request_push);
    EXPECT_TRUE(r->dyn_tls_crypt);
    using V = std::vector<std::string>;
    EXPECT_EQ(r->push_flags(), V{"protocol-flags cc-exit tls-ekm dyn-tls-crypt"});

    r = negotiate_server(input("IV_CIPHERS=AES-256-GCM\nIV_PROTO=478\n")); // 990 without DYN_TLS_CRYPT
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->dyn_tls_crypt);
    EXPECT_EQ(r->push_flags(), V{"protocol-flags cc-exit tls-ekm"});

    r = negotiate_server(input("IV_CIPHERS=AES-256-GCM\nIV_PROTO=10\n")); // DATA_V2 | TLS_KEY_EXPORT
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->cc_exit);
    EXPECT_EQ(r->push_flags(), V{"key-derivation tls-ekm"});

    // DATA_V2 | TLS_KEY_EXPORT | DYN_TLS_CRYPT: 2.6 pushes both directives
    r = negotiate_server(input("IV_CIPHERS=AES-256-GCM\nIV_PROTO=522\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->push_flags(), (V{"key-derivation tls-ekm", "protocol-flags dyn-tls-crypt"}));

    r = negotiate_server(input("IV_CIPHERS=AES-256-GCM\n"));
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->data_v2);
    EXPECT_FALSE(r->use_ekm);
    EXPECT_TRUE(r->push_flags().empty());
}
