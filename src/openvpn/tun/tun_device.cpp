// tun/tun_device.cpp: /dev/net/tun (IFF_TUN or IFF_TAP, with IFF_NO_PI) and --dev null.
#include "openvpn/tun/tun_device.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "openvpn/core/log.hpp"

namespace ovpn::tun {
namespace {

class LinuxTun final : public TunDevice {
public:
    LinuxTun(int fd, std::string name, std::size_t batch) : fd_(fd), name_(std::move(name)), batch_(batch) {}
    ~LinuxTun() override { ::close(fd_); }

    int fd() const override { return fd_; }
    const std::string& name() const override { return name_; }
    std::size_t batch_size() const override { return batch_; }

    Result<std::size_t> read(std::span<PacketBuf> bufs) override
    {
        std::size_t n = 0;
        const std::size_t want = std::min(bufs.size(), batch_);
        while (n < want) {
            bufs[n].reset();
            auto tail = bufs[n].tail();
            ssize_t r = ::read(fd_, tail.data(), tail.size());
            if (r > 0) {
                bufs[n].commit(static_cast<std::size_t>(r));
                ++n;
                continue;
            }
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                break;
            if (n)
                break;
            return Err{strfmt("read from TUN/TAP device %s: %s", name_.c_str(),
                              r == 0 ? "end of file" : std::strerror(errno))};
        }
        return n;
    }

    Result<std::size_t> write(std::span<const PacketBuf> bufs) override
    {
        std::size_t n = 0;
        for (const auto& b : bufs) {
            ssize_t r = ::write(fd_, b.data(), b.size());
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break; // the kernel queue is full: the caller counts drops
            if (r < 0 && errno == EBADF)
                return Err{strfmt("write to TUN/TAP device %s: %s", name_.c_str(), std::strerror(errno))};
            ++n; // EINVAL etc.: a malformed packet, dropped like 2.6 does
        }
        return n;
    }

private:
    int fd_;
    std::string name_;
    std::size_t batch_;
};

class NullTun final : public TunDevice {
public:
    int fd() const override { return -1; }
    const std::string& name() const override { return name_; }
    std::size_t batch_size() const override { return 1; }
    Result<std::size_t> read(std::span<PacketBuf>) override { return std::size_t{0}; }
    Result<std::size_t> write(std::span<const PacketBuf> bufs) override { return bufs.size(); }

private:
    std::string name_ = "null";
};

} // namespace

std::unique_ptr<TunDevice> make_null_tun()
{
    return std::make_unique<NullTun>();
}

namespace {

// A device opened with --persist-tun, held open by the process (as 2.6
// holds its tun fd across restarts): the next run's open_tun with the same
// --dev gets the same device, and the kernel removes it when the process
// ends. TUNSETPERSIST would leave it behind after exit (2.6 sets it only for
// --mktun), one stray device per NetworkManager disconnect.
struct KeptTun {
    std::string dev;
    bool tap;
    int fd;
    std::string name;
};

std::vector<KeptTun>& kept_tuns()
{
    static std::vector<KeptTun> kept;
    return kept;
}

Result<std::unique_ptr<TunDevice>> reuse_kept(const TunConfig& cfg, const KeptTun& k)
{
    const int fd = ::fcntl(k.fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return Err{strfmt("ERROR: Cannot reuse TUN/TAP dev %s: %s", k.name.c_str(), std::strerror(errno))};
    return std::unique_ptr<TunDevice>(std::make_unique<LinuxTun>(fd, k.name, cfg.batch ? cfg.batch : 1));
}

} // namespace

Result<std::unique_ptr<TunDevice>> open_tun(const TunConfig& cfg)
{
    if (cfg.dev == "null")
        return make_null_tun();
    if (cfg.persist)
        for (const KeptTun& k : kept_tuns())
            if (k.dev == cfg.dev && k.tap == cfg.tap)
                return reuse_kept(cfg, k);
    int fd = ::open(cfg.node.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return Err{strfmt("ERROR: Cannot open TUN/TAP dev %s: %s (errno=%d)", cfg.node.c_str(),
                          std::strerror(errno), errno)};
    ifreq ifr{};
    ifr.ifr_flags = static_cast<short>((cfg.tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI);
    // "tun" alone lets the kernel pick tunN; anything else is the exact name.
    if (cfg.dev != "tun" && cfg.dev != "tap") {
        if (cfg.dev.size() >= IFNAMSIZ) {
            ::close(fd);
            return Err{strfmt("ERROR: TUN/TAP device name too long: '%s'", cfg.dev.c_str())};
        }
        std::memcpy(ifr.ifr_name, cfg.dev.c_str(), cfg.dev.size());
    } else {
        std::memcpy(ifr.ifr_name, cfg.tap ? "tap%d" : "tun%d", 5);
    }
    if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
        int e = errno;
        ::close(fd);
        return Err{
            strfmt("ERROR: Cannot ioctl TUNSETIFF %s: %s (errno=%d)", cfg.dev.c_str(), std::strerror(e), e)};
    }
    if (cfg.persist) {
        const int keep = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (keep < 0) {
            int e = errno;
            ::close(fd);
            return Err{strfmt("ERROR: Cannot keep TUN/TAP dev %s open: %s", ifr.ifr_name, std::strerror(e))};
        }
        kept_tuns().push_back(KeptTun{cfg.dev, cfg.tap, keep, ifr.ifr_name});
    }
    return std::unique_ptr<TunDevice>(
        std::make_unique<LinuxTun>(fd, ifr.ifr_name, cfg.batch ? cfg.batch : 1));
}

namespace {

// tun_ioctl: one of the persistence ioctls, failing with 2.6's M_ERR text.
Status<> tun_ioctl(const TunDevice& dev, unsigned long req, unsigned long arg, const std::string& what)
{
    if (::ioctl(dev.fd(), req, arg) == 0)
        return Ok{};
    const int e = errno;
    return Err{
        strfmt("Cannot ioctl %s %s: %s (errno=%d)", what.c_str(), dev.name().c_str(), std::strerror(e), e)};
}

} // namespace

Status<> set_txqueuelen(const std::string& ifname, int qlen)
{
    ifreq ifr{};
    if (ifname.size() >= IFNAMSIZ)
        return Err{strfmt("Note: Cannot set tx queue length on %s: name too long", ifname.c_str())};
    std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
    ifr.ifr_qlen = qlen;
    const int ctl = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (ctl < 0)
        return Err{strfmt("Note: Cannot open control socket on %s: %s (errno=%d)", ifname.c_str(),
                          std::strerror(errno), errno)};
    const int rc = ::ioctl(ctl, SIOCSIFTXQLEN, &ifr);
    const int e = errno;
    ::close(ctl);
    if (rc != 0)
        return Err{strfmt("Note: Cannot set tx queue length on %s: %s (errno=%d)", ifname.c_str(),
                          std::strerror(e), e)};
    return Ok{};
}

Status<> set_lladdr(const std::string& ifname, const std::string& mac)
{
    unsigned v[6];
    char tail = 0;
    if (std::sscanf(mac.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                    &tail) != 6)
        return Err{strfmt("Cannot set lladdr on %s: '%s' is not a MAC address", ifname.c_str(), mac.c_str())};
    ifreq ifr{};
    if (ifname.size() >= IFNAMSIZ)
        return Err{strfmt("Cannot set lladdr on %s: name too long", ifname.c_str())};
    std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    for (int i = 0; i < 6; ++i)
        ifr.ifr_hwaddr.sa_data[i] = static_cast<char>(v[i]);
    const int ctl = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (ctl < 0)
        return Err{
            strfmt("Cannot set lladdr on %s: %s (errno=%d)", ifname.c_str(), std::strerror(errno), errno)};
    const int rc = ::ioctl(ctl, SIOCSIFHWADDR, &ifr);
    const int e = errno;
    ::close(ctl);
    if (rc != 0)
        return Err{strfmt("Cannot set lladdr on %s: %s (errno=%d)", ifname.c_str(), std::strerror(e), e)};
    return Ok{};
}

Status<> set_persist(const TunDevice& dev, bool on)
{
    return tun_ioctl(dev, TUNSETPERSIST, on ? 1 : 0, on ? "TUNSETPERSIST(1)" : "TUNSETPERSIST(0)");
}

Status<> set_owner(const TunDevice& dev, unsigned uid, const std::string& user)
{
    return tun_ioctl(dev, TUNSETOWNER, uid, "TUNSETOWNER(" + user + ")");
}

Status<> set_group(const TunDevice& dev, unsigned gid, const std::string& group)
{
    return tun_ioctl(dev, TUNSETGROUP, gid, "TUNSETGROUP(" + group + ")");
}

} // namespace ovpn::tun
