// data/mtu_test.cpp: see mtu_test.hpp.
#include "openvpn/data/mtu_test.hpp"

#include <cstdio>

namespace ovpn::data {

namespace {

// 2.6's mtu_load_test_sequence: 30 pairs of LOAD_REQUEST, LOAD, then 10
// MTU_REQUEST; one entry per tick.
constexpr std::size_t kLoadSteps = 60;
constexpr std::size_t kRequestSteps = 10;

std::optional<wire::OccType> sequence_op(std::size_t step)
{
    if (step < kLoadSteps)
        return step % 2 == 0 ? wire::OccType::MtuLoadRequest : wire::OccType::MtuLoad;
    if (step < kLoadSteps + kRequestSteps)
        return wire::OccType::MtuRequest;
    return std::nullopt;
}

std::vector<std::uint8_t> occ_head(wire::OccType type)
{
    std::vector<std::uint8_t> out(wire::kOccMagic.begin(), wire::kOccMagic.end());
    out.push_back(static_cast<std::uint8_t>(type));
    return out;
}

} // namespace

std::size_t occ_frame_overhead(const MssfixFrame& f) noexcept
{
    // 2.6's packet id: long form without TLS (and for CFB/OFB, whose IV
    // carries it; those come here with long_packet_id set).
    const std::size_t pid = f.long_packet_id ? 8 : 4;
    std::size_t n = (f.tcp ? 2 : 0) + (f.tls ? (f.peer_id ? 4 : 1) : 0) + pid;
    n += f.aead ? 16 : f.iv_len + f.hmac_len;
    n += (f.comp_v1 ? 1 : 0) + (f.fragment ? 4 : 0);
    return n;
}

std::uint16_t mtu_load_size(const MssfixFrame& f, int tun_mtu) noexcept
{
    const std::size_t n =
        static_cast<std::size_t>(tun_mtu > 0 ? tun_mtu : 0) + f.extra_tun + occ_frame_overhead(f);
    return static_cast<std::uint16_t>(n > 0xFFFF ? 0xFFFF : n);
}

std::size_t mtu_load_length(std::uint16_t requested, std::size_t overhead) noexcept
{
    constexpr std::size_t kHead = wire::kOccMagic.size() + 1;
    const std::size_t want = requested < kMtuLoadCap ? requested : kMtuLoadCap;
    return want > overhead + kHead ? want - overhead : kHead;
}

std::vector<std::uint8_t> mtu_load_payload(std::size_t len, std::uint32_t seed)
{
    std::vector<std::uint8_t> out = occ_head(wire::OccType::MtuLoad);
    std::uint32_t x = seed ? seed : 0x9E3779B9u;
    while (out.size() < len) {
        x ^= x << 13; // xorshift32: filler only, nothing secret
        x ^= x >> 17;
        x ^= x << 5;
        out.push_back(static_cast<std::uint8_t>(x & 0xFF));
    }
    return out;
}

std::vector<std::uint8_t> mtu_load_request_payload(std::uint16_t load_size)
{
    std::vector<std::uint8_t> out = occ_head(wire::OccType::MtuLoadRequest);
    out.push_back(static_cast<std::uint8_t>(load_size >> 8));
    out.push_back(static_cast<std::uint8_t>(load_size & 0xFF));
    return out;
}

std::vector<std::uint8_t> mtu_request_payload()
{
    return occ_head(wire::OccType::MtuRequest);
}

MtuTestStep MtuTest::tick(bool established)
{
    MtuTestStep st;
    if (!running_ || !established)
        return st;
    if (step_ == 0)
        st.lines.emplace_back(
            "NOTE: Beginning empirical MTU test -- results should be available in 3 to 4 minutes.");
    st.send = sequence_op(step_++);
    if (!st.send) {
        st.lines.emplace_back("NOTE: failed to empirically measure MTU (requires OpenVPN 1.5 or higher at "
                              "other end of connection).");
        running_ = false;
    }
    return st;
}

std::vector<std::string> MtuTest::on_reply(const MtuReport& r)
{
    std::vector<std::string> lines;
    if (!running_)
        return lines;
    running_ = false;
    if (r.remote_recv == 0 || r.remote_send == 0)
        return lines;
    char buf[256];
    std::snprintf(
        buf, sizeof buf,
        "NOTE: Empirical MTU test completed [Tried,Actual] local->remote=[%d,%d] remote->local=[%d,%d]",
        r.local.max_send, r.remote_recv, r.remote_send, r.local.max_recv);
    lines.emplace_back(buf);
    if (!cfg_.fragment && cfg_.dgram && r.local.max_send > kTunMtuMin &&
        (r.remote_recv < r.local.max_send || r.local.max_recv < r.remote_send)) {
        std::snprintf(
            buf, sizeof buf,
            "NOTE: This connection is unable to accommodate a UDP packet size of %d. Consider using "
            "--fragment or --mssfix options as a workaround.",
            r.local.max_send);
        lines.emplace_back(buf);
    }
    return lines;
}

} // namespace ovpn::data
