// test_pki.hpp: loads the test PKI in tests/unit/control/data (see gen.sh).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "openvpn/control/tls_engine.hpp"

namespace ovpn::testpki {

inline std::string read_text(const std::string& name)
{
    std::ifstream f(std::string(OVPN_SOURCE_DIR) + "/tests/unit/control/data/" + name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline control::TlsConfig config(bool server)
{
    control::TlsConfig c;
    c.is_server = server;
    c.ca_pem = read_text("ca.crt");
    c.cert_pem = read_text(server ? "server.crt" : "client.crt");
    std::string k = read_text(server ? "server.key" : "client.key");
    c.key_pem = SecureBytes(as_bytes(k));
    return c;
}

} // namespace ovpn::testpki
