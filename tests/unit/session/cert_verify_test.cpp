// cert_verify / run_tls_verify: the option-driven certificate checks of 2.6's
// verify_cert with its log lines, on certificates made in the test, and the
// options as 2.6.14's options.c parses them.
#include "openvpn/session/cert_verify.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "openvpn/control/cert_checks.hpp"
#include "openvpn/options/cert_options.hpp"
#include "openvpn/options/parser.hpp"
#include "openvpn/options/validate.hpp"
#include "openvpn/session/tls_config.hpp"
#include "openvpn/session/tls_verify.hpp"
#include "unit/control/gen_cert.hpp"

using namespace ovpn;
using namespace ovpn::session;
using testcert::make;
using testcert::new_key;

namespace {

std::string data_dir()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/unit/control/data/";
}

Result<options::Options> parse(std::vector<std::string> extra, bool with_ca = true)
{
    Logger log(std::fopen("/dev/null", "w"));
    std::vector<std::string> a = {"--client",
                                  "--dev",
                                  "null",
                                  "--remote",
                                  "10.94.1.1",
                                  "--cert",
                                  data_dir() + "client.crt",
                                  "--key",
                                  data_dir() + "client.key"};
    if (with_ca)
        a.insert(a.end(), {"--ca", data_dir() + "ca.crt"});
    a.insert(a.end(), extra.begin(), extra.end());
    return options::parse_config(a, log);
}

options::Options opts(std::vector<std::string> extra, bool with_ca = true)
{
    auto o = parse(std::move(extra), with_ca);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return o ? std::move(o).value() : options::Options{};
}

// Captured: a logger writing into a memory file, and what it wrote.
struct Captured {
    char* buf = nullptr;
    std::size_t len = 0;
    std::FILE* f = open_memstream(&buf, &len);
    Logger log{f};
    Captured() { log.set_verb(4); }
    ~Captured() { std::free(buf); }
    std::string text()
    {
        std::fflush(f);
        return std::string(buf, len);
    }
};

struct Peer {
    testcert::Key k = new_key();
    testcert::Cert x;
    explicit Peer(const std::string& cn, testcert::Pairs ext = {}) : x(make({{{"CN", cn}}, ext}, k.get())) {}
    control::CertFacts facts(int depth = 0) const { return control::cert_facts_of(x.get(), depth); }
    std::string sha256() const
    {
        return control::hex_colon(control::cert_hash_of(x.get(), control::CertHashAlgo::Sha256), true);
    }
};

bool verify(const options::Options& o, const control::CertFacts& f, Captured& c)
{
    return run_tls_verify(o, f, {f}, script::Env{}, "", c.log);
}

TEST(PeerFingerprint, AcceptsTheListedCertificateAndRefusesOthersWith26sLine)
{
    Peer peer("srv"), other("other");
    auto o = opts({"--peer-fingerprint", peer.sha256()}, false);
    ASSERT_TRUE(o.verify_hash);
    EXPECT_EQ(o.verify_hash->depth, 0);
    Captured ok;
    EXPECT_TRUE(verify(o, peer.facts(), ok));
    EXPECT_NE(ok.text().find("VERIFY OK: depth=0, CN=srv"), std::string::npos) << ok.text();
    Captured bad;
    EXPECT_FALSE(verify(o, other.facts(), bad));
    const std::string got =
        control::hex_colon(control::cert_hash_of(other.x.get(), control::CertHashAlgo::Sha256), false);
    EXPECT_NE(
        bad.text().find("TLS Error: --tls-verify/--peer-fingerprint certificate hash verification failed. "
                        "(got certificate fingerprint: " +
                        got + ")"),
        std::string::npos)
        << bad.text();
    EXPECT_EQ(bad.text().find("VERIFY OK"), std::string::npos);
    Logger quiet(std::fopen("/dev/null", "w"));
    EXPECT_TRUE(options::validate(o, quiet).empty()); // no CA needed
    // depth 1 is not the peer: not checked by --peer-fingerprint
    Captured d1;
    EXPECT_TRUE(verify(o, other.facts(1), d1));
    // no CA: the context ignores the chain verdict; with a CA it does not
    auto t = make_tls_config(o);
    ASSERT_TRUE(t) << t.error();
    EXPECT_TRUE(t->fingerprint_only);
    auto with_ca = make_tls_config(opts({"--peer-fingerprint", peer.sha256()}));
    ASSERT_TRUE(with_ca);
    EXPECT_FALSE(with_ca->fingerprint_only);
}

TEST(PeerFingerprint, InlineBlockHoldsSeveralWithCommentsAndBlankLines)
{
    std::string a;
    for (int i = 0; i < 32; ++i)
        a += (i ? ":" : "") + std::string("a5");
    auto two = options::parse_fingerprint_lines("\n# c\n" + a + "\r\n\n  ; x\n  " + a + "\n", 32);
    ASSERT_TRUE(two) << two.error();
    EXPECT_EQ(two->size(), 2u);
    EXPECT_EQ((*two)[0], std::vector<std::uint8_t>(32, 0xa5));
    // one bad line fails the block
    EXPECT_FALSE(options::parse_fingerprint_lines(a + "\nnot-a-fingerprint\n", 32));
}

TEST(PeerFingerprint, FormatErrorsAs26)
{
    auto e = options::parse_fingerprint("AB:CD", 32);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error(), "hash fingerprint is wrong length - expected 32 bytes, got 2: AB:CD");
    e = options::parse_fingerprint("AB:CX", 32);
    EXPECT_EQ(e.error(), "format error in hash fingerprint: AB:CX");
    e = options::parse_fingerprint("ABCD", 2);
    EXPECT_EQ(e.error(), "format error in hash fingerprint: ABCD");
    e = options::parse_fingerprint("AB:CD:EF", 2);
    EXPECT_EQ(e.error(), "hash fingerprint too long - expected only 2 bytes: AB:CD:EF");
    e = options::parse_fingerprint("AB:CD:", 2);
    EXPECT_FALSE(e);
    auto ok = options::parse_fingerprint("aB:0c", 2);
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, (std::vector<std::uint8_t>{0xab, 0x0c}));
    EXPECT_FALSE(parse({"--peer-fingerprint", "AB:CD"}));
}

TEST(VerifyHash, DepthOneSha1ByDefaultSha256OnRequestNotMixedWithPeerFingerprint)
{
    Peer ca("ca");
    const std::string sha1 =
        control::hex_colon(control::cert_hash_of(ca.x.get(), control::CertHashAlgo::Sha1), true);
    auto o = opts({"--verify-hash", sha1});
    ASSERT_TRUE(o.verify_hash);
    EXPECT_EQ(o.verify_hash->depth, 1);
    EXPECT_TRUE(o.verify_hash->sha1);
    Captured c;
    EXPECT_TRUE(verify(o, ca.facts(1), c));
    Peer other("other");
    EXPECT_FALSE(verify(o, other.facts(1), c));
    EXPECT_TRUE(verify(o, other.facts(0), c)); // depth 0 is not checked
    auto o256 = opts({"--verify-hash", ca.sha256(), "SHA256"});
    EXPECT_FALSE(o256.verify_hash->sha1);
    EXPECT_TRUE(verify(o256, ca.facts(1), c));
    EXPECT_FALSE(parse({"--verify-hash", ca.sha256()})); // SHA1 expected: wrong length
    EXPECT_FALSE(parse({"--verify-hash", sha1, "MD5"})); // only SHA1 and SHA256
    EXPECT_FALSE(parse({"--verify-hash", sha1, "--peer-fingerprint", ca.sha256()})); // exclusive
    EXPECT_FALSE(make_tls_config(o)->fingerprint_only);                              // never without the CA
    Logger quiet(std::fopen("/dev/null", "w"));
    EXPECT_FALSE(options::validate(opts({"--verify-hash", sha1}, false), quiet).empty()); // a CA is required
}

TEST(RemoteCertKu, AnyOfTheValuesAndTheBareFormOnlyNeedsTheExtension)
{
    Peer ku("a", {{"keyUsage", "digitalSignature,keyAgreement"}}), none("b");
    Captured c;
    EXPECT_TRUE(verify(opts({"--remote-cert-ku", "a0", "88"}), ku.facts(), c));
    EXPECT_NE(c.text().find("Validating certificate key usage"), std::string::npos);
    EXPECT_NE(c.text().find("VERIFY KU OK"), std::string::npos);
    Captured bad;
    EXPECT_FALSE(verify(opts({"--remote-cert-ku", "a0", "20"}), ku.facts(), bad));
    EXPECT_NE(bad.text().find("ERROR: Certificate has key usage 0088, expected one of:"), std::string::npos)
        << bad.text();
    EXPECT_NE(bad.text().find(" * 00a0"), std::string::npos);
    EXPECT_NE(bad.text().find(" * 0020"), std::string::npos);
    EXPECT_NE(bad.text().find("VERIFY KU ERROR"), std::string::npos);
    EXPECT_TRUE(verify(opts({"--remote-cert-ku"}), ku.facts(), c));
    Captured missing;
    EXPECT_FALSE(verify(opts({"--remote-cert-ku"}), none.facts(), missing));
    EXPECT_NE(missing.text().find("Certificate does not have key usage extension"), std::string::npos);
    EXPECT_TRUE(verify(opts({"--remote-cert-ku", "20"}), none.facts(1), c)); // depth 0 only
    EXPECT_EQ(*opts({"--remote-cert-ku", "0x80", "e0"}).remote_cert_ku, (std::vector<unsigned>{0x80, 0xe0}));
    EXPECT_FALSE(parse({"--remote-cert-ku", "zz"}));
}

TEST(RemoteCertEku, ByNameOrOid)
{
    Peer srv("s", {{"extendedKeyUsage", "serverAuth"}}), none("n");
    Captured c;
    EXPECT_TRUE(verify(opts({"--remote-cert-eku", "TLS Web Server Authentication"}), srv.facts(), c));
    EXPECT_TRUE(verify(opts({"--remote-cert-eku", "1.3.6.1.5.5.7.3.1"}), srv.facts(), c));
    EXPECT_NE(c.text().find("++ Certificate has EKU (oid) 1.3.6.1.5.5.7.3.1, expects 1.3.6.1.5.5.7.3.1"),
              std::string::npos)
        << c.text();
    EXPECT_NE(c.text().find("VERIFY EKU OK"), std::string::npos);
    Captured bad;
    EXPECT_FALSE(verify(opts({"--remote-cert-eku", "1.3.6.1.5.5.7.3.2"}), srv.facts(), bad));
    EXPECT_NE(bad.text().find("VERIFY EKU ERROR"), std::string::npos);
    EXPECT_FALSE(
        verify(opts({"--remote-cert-eku", "serverAuth"}), srv.facts(), bad)); // 2.6: long name or OID
    Captured missing;
    EXPECT_FALSE(verify(opts({"--remote-cert-eku", "1.3.6.1.5.5.7.3.1"}), none.facts(), missing));
    EXPECT_NE(missing.text().find("Certificate does not have extended key usage extension"),
              std::string::npos);
}

TEST(X509UsernameField, UpcasedOnlyWhenAllLowerCaseAndExtensionsChecked)
{
    auto o = opts({"--x509-username-field", "ou", "emailAddress", "ext:subjectAltName", "CN"});
    EXPECT_EQ(o.x509_username_field,
              (std::vector<std::string>{"OU", "emailAddress", "ext:subjectAltName", "CN"}));
    EXPECT_FALSE(parse({"--x509-username-field", "ext:keyUsage"})); // only the alt names
    auto t = make_tls_config(o);
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->naming.username_fields, o.x509_username_field);
    // the peer without the field is refused with 2.6's line
    Peer p("name-only");
    control::CertNaming n;
    n.username_fields = {"OU"};
    auto f = control::cert_facts_of(p.x.get(), 0, n);
    Captured c;
    EXPECT_FALSE(verify(o, f, c));
    EXPECT_NE(
        c.text().find("VERIFY ERROR: could not extract OU from X509 subject string ('CN=name-only') -- note "
                      "that the field length is limited to 64 characters"),
        std::string::npos)
        << c.text();
}

TEST(X509Track, OptionsKeptAsGivenAndUnknownNamesRefused)
{
    auto o = opts({"--x509-track", "+CN", "--x509-track", "SHA256", "--x509-track", "subjectAltName"});
    EXPECT_EQ(o.x509_track, (std::vector<std::string>{"+CN", "SHA256", "subjectAltName"}));
    EXPECT_EQ(make_tls_config(o)->naming.track, o.x509_track);
    EXPECT_FALSE(parse({"--x509-track", "+noSuchField"}));
}

// --tls-export-cert: the script finds the PEM file named by peer_cert, and
// the file is gone once the check is over.
TEST(TlsExportCert, ThePemFileExistsForTheScriptAndIsRemovedAfter)
{
    char dtmpl[] = "/tmp/ovpn-pef-XXXXXX";
    ASSERT_NE(mkdtemp(dtmpl), nullptr);
    const std::string dir = dtmpl, seen = dir + "-seen.pem", script = dir + "-verify.sh";
    std::ofstream(script) << "#!/bin/sh\ncase \"$peer_cert\" in " << dir
                          << "/openvpn_pef_*.tmp) cp \"$peer_cert\" " << seen << " ;; esac\n";
    ::chmod(script.c_str(), 0755);
    Peer p("exported");
    auto o = opts({"--tls-export-cert", dir, "--script-security", "2", "--tls-verify", script});
    Captured c;
    EXPECT_TRUE(verify(o, p.facts(), c)) << c.text();
    std::ifstream in(seen);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), testcert::pem_of(p.x.get()));
    EXPECT_EQ(::rmdir(dir.c_str()), 0) << "the exported file is still there";
    std::remove(seen.c_str());
    std::remove(script.c_str());
    // an unwritable directory refuses the peer with 2.6's line
    auto bad = opts({"--tls-export-cert", "/nonexistent-dir"});
    Captured b;
    EXPECT_FALSE(verify(bad, p.facts(), b));
    EXPECT_NE(
        b.text().find("TLS Error: Failed to export certificate for --tls-export-cert in /nonexistent-dir"),
        std::string::npos);
}

} // namespace
