// tests/unit/server/common.hpp: option parsing for the server tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "openvpn/options/parser.hpp"

namespace ovpn::servertest {

inline std::string data_dir()
{
    return std::string(OVPN_SOURCE_DIR) + "/tests/unit/control/data/";
}

inline options::Options parse(std::vector<std::string> args)
{
    Logger log(stderr);
    log.set_verb(0);
    auto o = options::parse_config(args, log);
    EXPECT_TRUE(o) << (o ? "" : o.error());
    return o ? std::move(o).value() : options::Options{};
}

// server_opts: --server NET MASK with the test PKI and --dev tun (nothing
// here opens it).
inline options::Options server_opts(std::vector<std::string> extra = {})
{
    std::vector<std::string> a = {"--dev",
                                  "tun",
                                  "--server",
                                  "10.94.0.0",
                                  "255.255.255.0",
                                  "--ca",
                                  data_dir() + "ca.crt",
                                  "--cert",
                                  data_dir() + "server.crt",
                                  "--key",
                                  data_dir() + "server.key",
                                  "--dh",
                                  "none"};
    a.insert(a.end(), extra.begin(), extra.end());
    return parse(a);
}

} // namespace ovpn::servertest
