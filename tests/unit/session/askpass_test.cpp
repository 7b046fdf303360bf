// An encrypted private key is unlocked with the --askpass file's first line
// and handed to TLS as a plain PKCS#8 PEM; a wrong passphrase is a clear
// error naming the key file.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "openvpn/options/parser.hpp"
#include "openvpn/session/tls_config.hpp"

using namespace ovpn;
using namespace ovpn::session;

namespace {

std::string data_dir()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/unit/control/data/";
}

std::string tmp_path(const std::string& name)
{
    return "/tmp/ovpn-askpass-" + std::to_string(::getpid()) + "-" + name;
}

// encrypt_key: the test key, encrypted (AES-256-CBC PKCS#8) with `pass`.
std::string encrypt_key(const std::string& pass)
{
    std::ifstream in(data_dir() + "client.key");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string pem = ss.str();
    BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    EXPECT_NE(k, nullptr);
    BIO* out = BIO_new(BIO_s_mem());
    EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(out, k, EVP_aes_256_cbc(), pass.data(),
                                            static_cast<int>(pass.size()), nullptr, nullptr),
              1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(out, &data);
    std::string enc(data, static_cast<std::size_t>(n));
    BIO_free(out);
    EVP_PKEY_free(k);
    return enc;
}

void write_file(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
}

Result<control::TlsConfig> config_with(const std::string& key_path, const std::string& pass_path)
{
    Logger log(stderr);
    log.set_verb(0);
    const std::vector<std::string> args{"--client",
                                        "--dev",
                                        "null",
                                        "--remote",
                                        "10.94.1.1",
                                        "--ca",
                                        data_dir() + "ca.crt",
                                        "--cert",
                                        data_dir() + "client.crt",
                                        "--key",
                                        key_path,
                                        "--askpass",
                                        pass_path};
    auto o = options::parse_config(args, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return make_tls_config(*o);
}

} // namespace

TEST(Askpass, UnlocksAnEncryptedKey)
{
    const std::string key = tmp_path("key.pem"), pass = tmp_path("pass.txt");
    const std::string enc = encrypt_key("hunter2");
    ASSERT_NE(enc.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
    write_file(key, enc);
    write_file(pass, "hunter2\n");
    auto t = config_with(key, pass);
    ASSERT_TRUE(t) << t.error();
    const std::string plain(reinterpret_cast<const char*>(t->key_pem.data()), t->key_pem.size());
    EXPECT_NE(plain.find("BEGIN PRIVATE KEY"), std::string::npos);
    EXPECT_EQ(plain.find("ENCRYPTED"), std::string::npos);

    write_file(pass, "wrong\n");
    auto bad = config_with(key, pass);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find(key), std::string::npos);
    // a key failure: the client restarts on it unless --auth-retry none
    EXPECT_TRUE(ovpn::session::is_key_failure(bad.error()));
    EXPECT_TRUE(ovpn::session::is_key_failure("Error: private key password verification failed"));
    EXPECT_FALSE(ovpn::session::is_key_failure("Cannot load CA certificate file x"));
    std::remove(key.c_str());
    std::remove(pass.c_str());
}
