// tun/tun_device.hpp: the tunnel side of the data plane, batch-shaped (G5).
// One read() returns up to batch_size() IP packets (Ethernet frames on a
// tap device); write() takes a batch. The Linux device is /dev/net/tun with
// IFF_TUN|IFF_NO_PI (2.6's --dev tun) or IFF_TAP|IFF_NO_PI (--dev tap);
// `--dev null` is a device that never reads and discards every write.
// A FakeTun for tests lives in tests/support/io/fake_tun.hpp.
//
// Threading: one thread at a time. Non-blocking.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "openvpn/core/packet_buf.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::tun {

class TunDevice {
public:
    virtual ~TunDevice() = default;

    // fd: for the event loop (readable = read() has packets); -1 for null.
    virtual int fd() const = 0;
    // name: the interface name ("tun0"), "null" for --dev null.
    virtual const std::string& name() const = 0;
    virtual std::size_t batch_size() const = 0;

    // read: fill bufs[0..n) with packets (each buf is reset to the default
    // headroom first, so encryption can prepend headers in place). Returns
    // n; 0 when nothing is ready. An error (errno text) only for a dead fd.
    virtual Result<std::size_t> read(std::span<PacketBuf> bufs) = 0;
    // write: write packets to the kernel; returns how many were accepted
    // (packets the kernel refuses, e.g. malformed, are counted as written and
    // dropped, as 2.6 does).
    virtual Result<std::size_t> write(std::span<const PacketBuf> bufs) = 0;
};

struct TunConfig {
    std::string dev = "tun"; // --dev: "tun" (kernel picks tunN), "tun5", a name, or "null"
    bool persist = false;    // --persist-tun: the process keeps the device across restarts
    std::size_t batch = 32;
    bool tap = false;                  // IFF_TAP ("tap" alone: the kernel picks tapN)
    std::string node = "/dev/net/tun"; // --dev-node: the clone device opened
};

// open_tun: create/attach the device. Errors carry 2.6-like text
// ("Cannot open TUN/TAP dev /dev/net/tun: ...").
Result<std::unique_ptr<TunDevice>> open_tun(const TunConfig& cfg);
// set_txqueuelen: --txqueuelen on the interface (SIOCSIFTXQLEN, as 2.6 sets
// it right after opening the device). Err: 2.6's warning text ("Note:
// Cannot set tx queue length on tun0: ..."); 2.6 goes on without it.
Status<> set_txqueuelen(const std::string& ifname, int qlen);
// set_lladdr: --lladdr "xx:xx:xx:xx:xx:xx" on a tap interface
// (SIOCSIFHWADDR). Err: why, for 2.6's warning.
Status<> set_lladdr(const std::string& ifname, const std::string& mac);
// make_null_tun: the --dev null device.
std::unique_ptr<TunDevice> make_null_tun();

// --mktun / --rmtun on an open device, as 2.6's tuncfg: TUNSETPERSIST on or
// off, TUNSETOWNER and TUNSETGROUP. Err carries 2.6's text ("Cannot ioctl
// TUNSETPERSIST(1) tun9: ..."); the null device has no descriptor and fails
// as in 2.6 (EBADF).
Status<> set_persist(const TunDevice& dev, bool on);
Status<> set_owner(const TunDevice& dev, unsigned uid, const std::string& user);
Status<> set_group(const TunDevice& dev, unsigned gid, const std::string& group);

} // namespace ovpn::tun
