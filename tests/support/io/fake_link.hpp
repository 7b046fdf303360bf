// tests/support/io/fake_link.hpp: an in-memory LinkSocket pair. Whatever one
// end sends, the other end receives (in order, as separate packets), so two
// data planes or two sessions talk in one process without sockets. An
// eventfd makes the receiving end "readable" for a real EventLoop.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <deque>
#include <memory>
#include <vector>

#include "openvpn/io/link_socket.hpp"

namespace ovpn::test {

class FakeLink final : public io::LinkSocket {
public:
    explicit FakeLink(io::LinkProto proto = io::LinkProto::Udp)
        : proto_(proto), efd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    {
    }
    ~FakeLink() override { ::close(efd_); }

    // connect_pair: a <-> b.
    static void connect_pair(FakeLink& a, FakeLink& b)
    {
        a.peer_ = &b;
        b.peer_ = &a;
    }

    int fd() const override { return efd_; }
    io::LinkProto proto() const override { return proto_; }
    std::size_t batch_size() const override { return 32; }

    Result<std::size_t, io::LinkError> recv(std::span<PacketBuf> bufs, std::span<io::SockAddr> from) override
    {
        std::size_t n = 0;
        while (n < bufs.size() && !inbox_.empty()) {
            bufs[n].reset();
            bufs[n].append(std::span<const std::uint8_t>(inbox_.front()));
            if (n < from.size())
                from[n] = remote_;
            inbox_.pop_front();
            ++n;
        }
        std::uint64_t v;
        if (inbox_.empty())
            (void)!::read(efd_, &v, sizeof v);
        return n;
    }

    Result<std::size_t, io::LinkError> send(std::span<const PacketBuf> bufs, const io::SockAddr* to) override
    {
        if (closed_)
            return Err{io::LinkError{io::LinkErrorKind::Closed, 0}};
        for (const auto& b : bufs) {
            sent_.emplace_back(b.span().begin(), b.span().end());
            sent_to_.push_back(to ? *to : io::SockAddr{});
            if (peer_ && !drop_all_)
                peer_->deliver(b.span());
        }
        return bufs.size();
    }

    io::SockAddr local() const override { return local_; }
    io::SockAddr remote() const override { return remote_; }

    // test hooks
    void deliver(std::span<const std::uint8_t> pkt)
    {
        inbox_.emplace_back(pkt.begin(), pkt.end());
        std::uint64_t one = 1;
        (void)!::write(efd_, &one, sizeof one);
    }
    std::vector<std::vector<std::uint8_t>>& sent() { return sent_; }
    // tos: every set_tos, in order (--passtos).
    void set_tos(std::uint8_t t) override { tos_.push_back(t); }
    std::vector<std::uint8_t>& tos() { return tos_; }
    // sent_to: the destination given with each sent packet (empty: none).
    std::vector<io::SockAddr>& sent_to() { return sent_to_; }
    std::deque<std::vector<std::uint8_t>>& inbox() { return inbox_; }
    void set_drop_all(bool on) { drop_all_ = on; }
    void set_closed(bool on) { closed_ = on; }
    void set_addrs(io::SockAddr local, io::SockAddr remote)
    {
        local_ = local;
        remote_ = remote;
    }

private:
    std::vector<std::uint8_t> tos_;
    io::LinkProto proto_;
    int efd_;
    FakeLink* peer_ = nullptr;
    std::deque<std::vector<std::uint8_t>> inbox_;
    std::vector<std::vector<std::uint8_t>> sent_;
    std::vector<io::SockAddr> sent_to_;
    bool drop_all_ = false, closed_ = false;
    io::SockAddr local_, remote_;
};

} // namespace ovpn::test
