// tests/support/io/fake_tun.hpp: an in-memory TunDevice. Tests push "from
// the kernel" packets with inject() and read what the data plane wrote with
// written(). An eventfd signals readability to a real EventLoop.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <deque>
#include <string>
#include <vector>

#include "openvpn/tun/tun_device.hpp"

namespace ovpn::test {

class FakeTun final : public tun::TunDevice {
public:
    explicit FakeTun(std::string name = "faketun0", std::size_t batch = 32)
        : name_(std::move(name)), batch_(batch), efd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    {
    }
    ~FakeTun() override { ::close(efd_); }

    int fd() const override { return efd_; }
    const std::string& name() const override { return name_; }
    std::size_t batch_size() const override { return batch_; }

    Result<std::size_t> read(std::span<PacketBuf> bufs) override
    {
        std::size_t n = 0;
        while (n < bufs.size() && n < batch_ && !pending_.empty()) {
            bufs[n].reset();
            bufs[n].append(std::span<const std::uint8_t>(pending_.front()));
            pending_.pop_front();
            ++n;
        }
        std::uint64_t v;
        if (pending_.empty())
            (void)!::read(efd_, &v, sizeof v);
        return n;
    }
    Result<std::size_t> write(std::span<const PacketBuf> bufs) override
    {
        for (const auto& b : bufs)
            written_.emplace_back(b.span().begin(), b.span().end());
        return bufs.size();
    }

    void inject(std::span<const std::uint8_t> pkt)
    {
        pending_.emplace_back(pkt.begin(), pkt.end());
        std::uint64_t one = 1;
        (void)!::write(efd_, &one, sizeof one);
    }
    std::vector<std::vector<std::uint8_t>>& written() { return written_; }

private:
    std::string name_;
    std::size_t batch_;
    int efd_;
    std::deque<std::vector<std::uint8_t>> pending_;
    std::vector<std::vector<std::uint8_t>> written_;
};

} // namespace ovpn::test
