// tests/unit/server/common.hpp: option parsing and a free port for the
// server tests.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "openvpn/options/dco.hpp"
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

// no_dco: the verdict the server tests run under (userspace data plane).
inline const options::DcoVerdict& no_dco()
{
    static const options::DcoVerdict v{{{"test", "Note: the unit tests run the userspace data plane."}}};
    return v;
}

// free_udp_port: a UDP port on 127.0.0.1 that was free a moment ago (the
// kernel picks it for a socket that is closed at once).
inline std::uint16_t free_udp_port()
{
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    (void)::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    (void)::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

} // namespace ovpn::servertest
