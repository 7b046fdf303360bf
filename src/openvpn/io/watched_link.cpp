// io/watched_link.cpp: see watched_link.hpp.
#include "openvpn/io/watched_link.hpp"

namespace ovpn::io {

WatchedLink::WatchedLink(std::unique_ptr<LinkSocket> inner, EventLoop& loop)
    : inner_(std::move(inner)), loop_(loop), watching_write_(inner_->wants_write())
{
}

Result<std::size_t, LinkError> WatchedLink::send(std::span<const PacketBuf> bufs, const SockAddr* to)
{
    auto r = inner_->send(bufs, to);
    sync();
    return r;
}

Result<std::size_t, LinkError> WatchedLink::send_from(std::span<const PacketBuf> bufs, const SockAddr* to,
                                                      const LocalEnd& via)
{
    auto r = inner_->send_from(bufs, to, via);
    sync();
    return r;
}

Status<LinkError> WatchedLink::flush()
{
    auto s = inner_->flush();
    sync();
    return s;
}

void WatchedLink::sync()
{
    const bool want = inner_->wants_write();
    if (want == watching_write_ || inner_->fd() < 0)
        return;
    watching_write_ = want;
    (void)loop_.modify_fd(inner_->fd(), kReadable | (want ? kWritable : 0));
}

} // namespace ovpn::io
