// data/mtu_test.hpp: --mtu-test, 2.6's empirical MTU measurement (occ.c),
// without I/O. Both peers count the largest datagram they sent and the
// largest authenticated one they received (MtuSizes, kept by the data
// plane). The side running the test asks, once every 3 s after the
// connection is established, for 60 big OCC_MTU_LOAD packets
// (OCC_MTU_LOAD_REQUEST with its load size, then one OCC_MTU_LOAD of its
// own), then for the peer's sizes (OCC_MTU_REQUEST, up to 10 times); the
// OCC_MTU_REPLY gives the result lines. No reply: a note after 70 ticks.
//
// 2.6's sequence carries a size delta per step (-1000 ... 0) that it never
// uses: every load has the same size, the one of a full --tun-mtu packet.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/data/mssfix.hpp"
#include "openvpn/wire/ping_occ.hpp"

namespace ovpn::data {

// kMtuTestInterval: 2.6's OCC_MTU_LOAD_INTERVAL_SECONDS.
inline constexpr std::chrono::seconds kMtuTestInterval{3};
// kMtuLoadCap: 2.6's receive buffer payload size (tun-mtu up to 1600,
// 32 spare, 136 headroom): a load is never asked larger than this.
inline constexpr std::size_t kMtuLoadCap = 1600 + 32 + 136;

// MtuSizes: the largest datagram sent to / authenticated from one peer
// (2.6's max_send_size_local / max_recv_size_local).
struct MtuSizes {
    std::uint16_t max_send = 0;
    std::uint16_t max_recv = 0;
    void sent(std::size_t n) noexcept { max_send = clamp_max(max_send, n); }
    void received(std::size_t n) noexcept { max_recv = clamp_max(max_recv, n); }

private:
    static std::uint16_t clamp_max(std::uint16_t cur, std::size_t n) noexcept
    {
        const std::size_t v = n > 0xFFFF ? 0xFFFF : n;
        return v > cur ? static_cast<std::uint16_t>(v) : cur;
    }
};

// MtuReport: what an OCC_MTU_REPLY completes: our sizes and the peer's.
struct MtuReport {
    MtuSizes local;
    std::uint16_t remote_recv = 0; // the largest the peer got from us
    std::uint16_t remote_send = 0; // the largest the peer sent us
};

// occ_frame_overhead: 2.6's frame arithmetic for a data packet around its
// payload (frame_calculate_payload_overhead without the tap room, plus
// frame_calculate_protocol_header_size): transport prefix, opcode/peer-id,
// packet id, tag or IV and HMAC, compression byte, fragment header. No CBC
// padding (2.6 does not count it).
std::size_t occ_frame_overhead(const MssfixFrame& f) noexcept;
// mtu_load_size: the size a test asks its loads to have: a full --tun-mtu
// packet (with the tap room) once framed and encrypted.
std::uint16_t mtu_load_size(const MssfixFrame& f, int tun_mtu) noexcept;
// mtu_load_length: the OCC_MTU_LOAD payload (magic, opcode, filler) the
// peer sends for a request of `requested` bytes, given its own data
// packet overhead (2.6: min(requested, buffer) minus the overheads, never
// less than magic and opcode).
std::size_t mtu_load_length(std::uint16_t requested, std::size_t overhead) noexcept;

// mtu_load_payload: an OCC_MTU_LOAD of `len` bytes, filled with pseudo-random
// bytes from `seed` (2.6: get_random()).
std::vector<std::uint8_t> mtu_load_payload(std::size_t len, std::uint32_t seed);
// mtu_load_request_payload / mtu_request_payload: the two questions.
std::vector<std::uint8_t> mtu_load_request_payload(std::uint16_t load_size);
std::vector<std::uint8_t> mtu_request_payload();

struct MtuTestConfig {
    std::uint16_t load_size = 0; // mtu_load_size of our frame
    bool fragment = false;       // --fragment is set
    bool dgram = true;           // UDP transport
};

// MtuTestStep: what one tick asks for: a message to send (nullopt: none)
// and lines to log at verb 3 (M_INFO).
struct MtuTestStep {
    std::optional<wire::OccType> send;
    std::vector<std::string> lines;
};

class MtuTest {
public:
    explicit MtuTest(const MtuTestConfig& cfg) : cfg_(cfg) {}

    // tick: every kMtuTestInterval while running(); `established`: the
    // data channel carries traffic (2.6's connection_established).
    MtuTestStep tick(bool established);
    // on_reply: the OCC_MTU_REPLY arrived: the result lines; the test ends.
    std::vector<std::string> on_reply(const MtuReport& r);
    bool running() const noexcept { return running_; }
    std::uint16_t load_size() const noexcept { return cfg_.load_size; }

private:
    MtuTestConfig cfg_;
    std::size_t step_ = 0;
    bool running_ = true;
};

// kTunMtuMin: 2.6's TUN_MTU_MIN, below which no fragment advice is given.
inline constexpr int kTunMtuMin = 100;

} // namespace ovpn::data
