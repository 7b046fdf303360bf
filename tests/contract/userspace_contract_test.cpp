// The DataPlane contract against UserspaceDataPlane, on the host (ctest,
// label unit): fake tun devices, real loopback UDP/TCP sockets between the
// planes, one event loop on a FakeClock (time advances 50 ms per loop turn
// while a case waits, so keepalive expiry takes no real time).
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>

#include <cstring>

#include "contract/cases.hpp"
#include "openvpn/data/userspace_data_plane.hpp"
#include "support/io/fake_tun.hpp"

namespace ovpn::contract {
namespace {

std::uint16_t ip_checksum(const std::uint8_t* p, std::size_t n)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

// udp_packet: the IPv4/UDP datagram an application on `src` sends to `dst`.
Bytes udp_packet(const std::string& src, const std::string& dst, const Bytes& payload)
{
    Bytes p(28 + payload.size());
    p[0] = 0x45;
    p[2] = static_cast<std::uint8_t>(p.size() >> 8);
    p[3] = static_cast<std::uint8_t>(p.size());
    p[8] = 64;
    p[9] = IPPROTO_UDP;
    inet_pton(AF_INET, src.c_str(), &p[12]);
    inet_pton(AF_INET, dst.c_str(), &p[16]);
    auto sum = ip_checksum(p.data(), 20);
    p[10] = static_cast<std::uint8_t>(sum >> 8);
    p[11] = static_cast<std::uint8_t>(sum);
    p[20] = p[22] = static_cast<std::uint8_t>(kAppPort >> 8);
    p[21] = p[23] = static_cast<std::uint8_t>(kAppPort);
    p[24] = static_cast<std::uint8_t>((8 + payload.size()) >> 8);
    p[25] = static_cast<std::uint8_t>(8 + payload.size());
    std::memcpy(p.data() + 28, payload.data(), payload.size());
    return p;
}

class UserspaceEnv : public Env {
public:
    explicit UserspaceEnv(Proto p) : Env(p) {}
    ~UserspaceEnv() override { teardown(); }

    bool kernel() const override { return false; }
    std::string name() const override { return is_tcp(proto()) ? "userspace/tcp4" : "userspace/udp4"; }

    void send_plain(int from, const std::string& dst_ip, const Bytes& payload) override
    {
        auto pkt = udp_packet(vpn_ip(from), dst_ip, payload);
        tuns_.at(static_cast<std::size_t>(from))->inject(pkt);
    }
    void add_local_address(int, const std::string&) override {} // a tun takes any destination

protected:
    const ClockSource& clock() override { return clock_; }
    void make_world(const Topology& t) override
    {
        tuns_.assign(static_cast<std::size_t>(t.clients + 1), nullptr);
    }
    std::unique_ptr<data::DataPlane> make_plane(int side, bool mp) override
    {
        auto tun = std::make_unique<test::FakeTun>("fake" + std::to_string(side));
        tuns_.at(static_cast<std::size_t>(side)) = tun.get();
        data::UserspaceConfig cfg;
        cfg.multi_peer = mp;
        return std::make_unique<data::UserspaceDataPlane>(std::move(tun), cfg);
    }
    io::SockAddr address(int, int) override { return *io::SockAddr::parse_numeric("127.0.0.1", 0); }
    void step(std::chrono::milliseconds d) override
    {
        auto r = loop().run_once(std::chrono::milliseconds(2));
        ASSERT_TRUE(r.ok()) << r.error();
        clock_.advance(d);
    }
    // collect: the UDP datagrams to kAppPort that the plane wrote to tun.
    void collect(int s) override
    {
        auto* tun = tuns_.at(static_cast<std::size_t>(s));
        if (!tun)
            return;
        for (const auto& pkt : tun->written()) {
            if (pkt.size() < 28 || (pkt[0] >> 4) != 4 || pkt[9] != IPPROTO_UDP)
                continue;
            std::size_t ihl = (pkt[0] & 0x0F) * 4u;
            if (pkt.size() < ihl + 8 || (pkt[ihl + 2] << 8 | pkt[ihl + 3]) != kAppPort)
                continue;
            side(s).delivered.emplace_back(pkt.begin() + static_cast<std::ptrdiff_t>(ihl + 8), pkt.end());
        }
        tun->written().clear();
    }
    void before_teardown() override { tuns_.assign(tuns_.size(), nullptr); }

public:
    // vanish: the plane and its sockets go (its tun with it).
    void vanish(int s) override
    {
        tuns_.at(static_cast<std::size_t>(s)) = nullptr;
        Env::vanish(s);
    }

private:
    FakeClock clock_;
    std::vector<test::FakeTun*> tuns_; // owned by the planes
};

template <Proto P> struct UserspaceEnvOf : UserspaceEnv {
    UserspaceEnvOf() : UserspaceEnv(P) {}
};
using UserspaceUdp4 = UserspaceEnvOf<Proto::Udp4>;
using UserspaceTcp4 = UserspaceEnvOf<Proto::Tcp4>;

} // namespace

using UserspaceTransports = ::testing::Types<UserspaceUdp4, UserspaceTcp4>;
INSTANTIATE_TYPED_TEST_SUITE_P(Userspace, DataPlaneContract, UserspaceTransports);
INSTANTIATE_TYPED_TEST_SUITE_P(Userspace, TcpContract, ::testing::Types<UserspaceTcp4>);
INSTANTIATE_TYPED_TEST_SUITE_P(Userspace, MultiPeerContract, UserspaceTransports);

} // namespace ovpn::contract
