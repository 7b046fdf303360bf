// io/watched_link.hpp: a LinkSocket that keeps its own event-loop watch in
// step with its send queue. A TCP socket queues what the kernel does not
// take at once; someone must then watch the fd for kWritable and flush().
// Whoever sends (the control plane, or the data plane writing data
// packets from its own tun reads) goes through this wrapper, and it arms
// kWritable when the queue fills and disarms it when the queue drains, so
// no owner has to poll wants_write() after every send.
//
// The owner registers fd() with the loop itself (add_fd, its callback),
// with kReadable plus kWritable when wants_write(); on a writable event it
// calls flush() here (which re-syncs the watch). Every LinkSocket virtual
// is forwarded to the inner socket: a new one must be forwarded here too.
//
// Threading: the loop's thread only.
#pragma once

#include <memory>

#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"

namespace ovpn::io {

class WatchedLink final : public LinkSocket {
public:
    // WatchedLink: `inner` (owned) and `loop` (must outlive this); the
    // watch is assumed to match inner->wants_write() now.
    WatchedLink(std::unique_ptr<LinkSocket> inner, EventLoop& loop);

    LinkSocket& inner() noexcept { return *inner_; }

    int fd() const override { return inner_->fd(); }
    LinkProto proto() const override { return inner_->proto(); }
    std::size_t batch_size() const override { return inner_->batch_size(); }
    Result<std::size_t, LinkError> recv(std::span<PacketBuf> bufs, std::span<SockAddr> from) override
    {
        return inner_->recv(bufs, from);
    }
    Result<std::size_t, LinkError> recv_local(std::span<PacketBuf> bufs, std::span<SockAddr> from,
                                              std::span<LocalEnd> to) override
    {
        return inner_->recv_local(bufs, from, to);
    }
    // send / send_from: inner's, then the watch follows wants_write().
    Result<std::size_t, LinkError> send(std::span<const PacketBuf> bufs, const SockAddr* to) override;
    Result<std::size_t, LinkError> send_from(std::span<const PacketBuf> bufs, const SockAddr* to,
                                             const LocalEnd& via) override;
    bool wants_write() const override { return inner_->wants_write(); }
    // flush: inner's flush, then the watch follows wants_write() (also after
    // a finished TCP connect, which ends wanting to write).
    Status<LinkError> flush() override;
    SockAddr local() const override { return inner_->local(); }
    SockAddr remote() const override { return inner_->remote(); }
    std::uint64_t num_dropped() const override { return inner_->num_dropped(); }
    std::vector<LinkFault> take_faults() override { return inner_->take_faults(); }
    void handover_done() override { inner_->handover_done(); }
    bool holds_partial_record() const override { return inner_->holds_partial_record(); }

private:
    void sync();

    std::unique_ptr<LinkSocket> inner_;
    EventLoop& loop_;
    bool watching_write_;
};

} // namespace ovpn::io
