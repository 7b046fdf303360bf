// session/mtu_frame: --mtu-test loads are sized by 2.6's configured key type
// (--cipher / --data-ciphers-fallback / --auth), not the negotiated cipher.
// The figures are the ones 2.6.14 asks and sends in the interop scenarios.
#include "openvpn/session/mtu_frame.hpp"

#include <gtest/gtest.h>

#include "openvpn/data/mtu_test.hpp"
#include "openvpn/options/parser.hpp"

using namespace ovpn;

namespace {

options::Options parse(std::vector<std::string> args)
{
    Logger log(stderr);
    log.set_verb(0);
    auto o = options::parse_config(args, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return o ? std::move(o).value() : options::Options{};
}

} // namespace

TEST(MtuFrame, TlsWithoutCipherCountsNoneAndSha1)
{
    const auto o = parse({"--client", "--dev", "tun", "--remote", "192.0.2.1"});
    EXPECT_EQ(session::occ_crypto_overhead(o), 4u + 20u);
    data::MssfixFrame f;
    f.tls = true;
    f.peer_id = true;
    f.aead = true; // the negotiated AES-256-GCM: replaced
    session::use_occ_key_type(f, o);
    EXPECT_EQ(data::mtu_load_size(f, 1500), 1528); // what 2.6 asks for
}

TEST(MtuFrame, ConfiguredCipherAndAuthCount)
{
    EXPECT_EQ(session::occ_crypto_overhead(
                  parse({"--client", "--dev", "tun", "--remote", "192.0.2.1", "--cipher", "AES-256-GCM"})),
              4u + 16u);
    EXPECT_EQ(
        session::occ_crypto_overhead(parse({"--client", "--dev", "tun", "--remote", "192.0.2.1",
                                            "--data-ciphers-fallback", "AES-128-CBC", "--auth", "SHA256"})),
        4u + 16u + 32u);
    // --secret: the long packet id; 2.6's 1568-byte loads for AES-256-CBC/SHA256
    const auto s = parse({"--dev", "tun", "--remote", "192.0.2.1", "--secret", "/nonexistent", "--cipher",
                          "AES-256-CBC", "--auth", "SHA256"});
    EXPECT_EQ(session::occ_crypto_overhead(s), 8u + 16u + 32u);
}
