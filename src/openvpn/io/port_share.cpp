// io/port_share.cpp: see port_share.hpp.
#include "openvpn/io/port_share.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ovpn::io {

namespace {

// 2.6's D_PS_PROXY message class, for --mute
constexpr int kMutePortShare = 44;
// EPOLLHUP alone: the socket is shut both ways (kHangup has EPOLLRDHUP too)
constexpr std::uint32_t kHupOnly = EPOLLHUP;

bool would_block(int e)
{
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR;
}

void set_rcvlowat(int fd, std::size_t bytes)
{
    int v = static_cast<int>(bytes);
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v);
}

bool peer_shut_down(int fd)
{
    pollfd p{fd, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

int socket_error(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return errno;
    return err;
}

SockAddr sock_name(int fd, bool peer)
{
    SockAddr a;
    a.len = sizeof a.ss;
    const int r = peer ? ::getpeername(fd, a.sa(), &a.len) : ::getsockname(fd, a.sa(), &a.len);
    if (r != 0)
        a.len = 0;
    return a;
}

} // namespace

HeadPeek peek_head(int fd, std::span<std::uint8_t> out, std::size_t min)
{
    const ssize_t r = ::recv(fd, out.data(), out.size(), MSG_PEEK | MSG_DONTWAIT);
    if (r == 0 || (r < 0 && !would_block(errno)))
        return {HeadPeek::Kind::Closed, 0};
    const std::size_t got = r > 0 ? static_cast<std::size_t>(r) : 0;
    if (got >= min) {
        set_rcvlowat(fd, 1);
        return {HeadPeek::Kind::Bytes, got};
    }
    if (got > 0 && peer_shut_down(fd))
        return {HeadPeek::Kind::Closed, 0};
    set_rcvlowat(fd, min);
    return {HeadPeek::Kind::WouldBlock, 0};
}

Result<SockAddr> resolve_port_share(const std::string& host, const std::string& port)
{
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* ai = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &ai);
    if (rc != 0 || ai == nullptr)
        return Err(strfmt("RESOLVE: Cannot resolve host address: %s:%s (%s)", host.c_str(), port.c_str(),
                          ::gai_strerror(rc)));
    SockAddr a;
    std::memcpy(&a.ss, ai->ai_addr, ai->ai_addrlen);
    a.len = ai->ai_addrlen;
    ::freeaddrinfo(ai);
    return a;
}

// Side: one socket of a pair, and the bytes read from it that still have to
// be written to the other socket (buf[head, tail)). It is read only when
// those are all gone (2.6 does the same), so each direction holds at most
// kBufferBytes.
struct PortShare::Side {
    int fd = -1;
    std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(kBufferBytes);
    std::size_t head = 0, tail = 0;
    bool eof = false;       // this socket's peer ended its stream
    bool shut = false;      // we ended ours towards it (SHUT_WR)
    bool hup = false;       // epoll said EPOLLHUP: it wakes us whatever we watch
    bool in_loop = false;   // registered with the loop
    std::uint32_t want = 0; // the events it is registered for
    std::size_t pending() const noexcept { return tail - head; }
};

struct PortShare::Conn {
    std::uint64_t id = 0;
    Side client, server;
    bool connecting = true;
    std::optional<TimerId> connect_timer;
    std::string journal; // the journal file to remove, if one was written
};

PortShare::PortShare(EventLoop& loop, Logger& log, SockAddr target, std::optional<std::string> journal_dir)
    : loop_(loop), log_(log), target_(target), journal_dir_(std::move(journal_dir))
{
    log_.logm(Verb::Info, kMutePortShare, "PORT SHARE PROXY: proxy starting");
}

PortShare::~PortShare()
{
    while (!conns_.empty())
        close(conns_.begin()->first);
    log_.write(Verb::Error, "PORT SHARE PROXY: proxy exiting");
}

void PortShare::redirect(int client_fd)
{
    ++stats_.redirected;
    const int cfd = ::fcntl(client_fd, F_DUPFD_CLOEXEC, 0);
    const int sfd = cfd < 0 ? -1 : ::socket(target_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (sfd < 0) {
        const int e = errno;
        log_.write(Verb::Error, mute::None, Severity::Warning,
                   strfmt("PORT SHARE PROXY: cannot create socket: %s (errno=%d)", std::strerror(e), e));
        if (cfd >= 0)
            ::close(cfd);
        ++stats_.connect_failed;
        return;
    }
    auto c = std::make_unique<Conn>();
    c->id = next_id_++;
    c->client.fd = cfd;
    c->server.fd = sfd;
    const std::uint64_t id = c->id;
    Conn& conn = *c;
    conns_.emplace(id, std::move(c));
    const int rc = ::connect(sfd, target_.sa(), target_.len);
    if (rc != 0 && errno != EINPROGRESS) {
        log_.write(Verb::Error, mute::None, Severity::Warning,
                   "PORT SHARE PROXY: connect to port-share server failed");
        ++stats_.connect_failed;
        close(id);
        return;
    }
    conn.connect_timer =
        loop_.add_timer(loop_.now() + kConnectTimeout, [this, id] { on_connect_timeout(id); });
    if (rc == 0)
        on_connected(conn);
    else
        watch(conn);
}

void PortShare::on_connect_timeout(std::uint64_t id)
{
    auto it = conns_.find(id);
    if (it == conns_.end())
        return;
    it->second->connect_timer.reset();
    log_.write(Verb::Error, mute::None, Severity::Warning,
               "PORT SHARE PROXY: connect to port-share server failed");
    ++stats_.connect_failed;
    close(id);
}

void PortShare::on_event(std::uint64_t id, bool server_side, std::uint32_t events)
{
    auto it = conns_.find(id);
    if (it == conns_.end())
        return;
    Conn& c = *it->second;
    Side& s = server_side ? c.server : c.client;
    if ((events & kError) != 0 && socket_error(s.fd) != 0) {
        if (c.connecting) {
            log_.write(Verb::Error, mute::None, Severity::Warning,
                       "PORT SHARE PROXY: connect to port-share server failed");
            ++stats_.connect_failed;
        }
        close(id);
        return;
    }
    s.hup = s.hup || (events & kHupOnly) != 0;
    if (c.connecting) {
        if (server_side && (events & (kWritable | kHupOnly)) != 0)
            on_connected(c);
        return;
    }
    if (!pump(c)) {
        close(id);
        return;
    }
    watch(c);
}

void PortShare::on_connected(Conn& c)
{
    c.connecting = false;
    if (c.connect_timer) {
        loop_.cancel_timer(*c.connect_timer);
        c.connect_timer.reset();
    }
    log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: connect to port-share server succeeded");
    if (journal_dir_)
        journal_add(c);
    log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: NEW CONNECTION [c=%d s=%d]", c.client.fd,
              c.server.fd);
    if (!pump(c)) {
        close(c.id);
        return;
    }
    watch(c);
}

// pump: move what can move now in both directions; false on an error that
// ends the pair. The pair also ends here when both directions are done.
bool PortShare::pump(Conn& c)
{
    if (!move(c.client, c.server, stats_.bytes_to_server) ||
        !move(c.server, c.client, stats_.bytes_to_client))
        return false;
    const bool done = c.client.shut && c.server.shut && c.client.pending() == 0 && c.server.pending() == 0;
    return !done;
}

// move: from -> to, at most kMaxBurst bytes; then pass an end of stream on.
bool PortShare::move(Side& from, Side& to, std::uint64_t& counter)
{
    if (!drain(from, to, counter))
        return false;
    if (from.eof && from.pending() == 0 && !to.shut) {
        log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: shutdown sd=%d (end of stream from sd=%d)",
                  to.fd, from.fd);
        (void)::shutdown(to.fd, SHUT_WR);
        to.shut = true;
    }
    return true;
}

bool PortShare::drain(Side& from, Side& to, std::uint64_t& counter)
{
    std::size_t moved = 0;
    while (moved < kMaxBurst) {
        if (from.pending() == 0 && !from.eof) {
            from.head = from.tail = 0;
            const ssize_t r = ::recv(from.fd, from.buf.data(), from.buf.size(), MSG_DONTWAIT);
            if (r < 0)
                return would_block(errno);
            if (r == 0) {
                from.eof = true;
                return true;
            }
            from.tail = static_cast<std::size_t>(r);
            log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: read[%d] %zd", from.fd, r);
        }
        if (from.pending() == 0)
            return true;
        const ssize_t w =
            ::send(to.fd, from.buf.data() + from.head, from.pending(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0)
            return would_block(errno);
        const auto n = static_cast<std::size_t>(w);
        if (n != from.pending())
            log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: partial write[%d], tried=%zu got=%zu",
                      to.fd, from.pending(), n);
        else
            log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: wrote[%d] %zu", to.fd, n);
        from.head += n;
        moved += n;
        counter += n;
        if (from.pending() != 0)
            return true; // its send buffer is full: wait until it is writable
    }
    return true;
}

// watch: register each socket for what it can do next: read while its
// buffer is empty and its stream goes on, write while the other side's
// buffer holds bytes. A socket that saw EPOLLHUP and has nothing to do
// leaves the loop, which would otherwise report the hang-up again and again.
void PortShare::watch(Conn& c)
{
    const std::uint64_t id = c.id;
    auto want = [&](const Side& s, const Side& other) -> std::uint32_t {
        if (c.connecting)
            return &s == &c.server ? kWritable : 0;
        return (s.pending() == 0 && !s.eof ? kReadable : 0) | (other.pending() > 0 ? kWritable : 0);
    };
    for (Side* s : {&c.client, &c.server}) {
        const bool server_side = s == &c.server;
        const std::uint32_t w = want(*s, server_side ? c.client : c.server);
        if (s->hup && w == 0) {
            if (s->in_loop)
                loop_.remove_fd(s->fd);
            s->in_loop = false;
            continue;
        }
        if (!s->in_loop) {
            s->in_loop =
                loop_
                    .add_fd(s->fd, w,
                            [this, id, server_side](std::uint32_t ev) { on_event(id, server_side, ev); })
                    .ok();
        } else if (s->want != w) {
            (void)loop_.modify_fd(s->fd, w);
        }
        s->want = w;
    }
}

// journal_add: 2.6's journal file for the server behind (see the header).
void PortShare::journal_add(Conn& c)
{
    const SockAddr from = sock_name(c.client.fd, true);
    const SockAddr to = sock_name(c.server.fd, false);
    if (from.empty() || to.empty())
        return;
    const std::string jfn = *journal_dir_ + "/" + to.to_string();
    const std::string origin = from.to_string();
    log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: client origin %s -> %s", jfn.c_str(),
              origin.c_str());
    const int fd = ::open(jfn.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR | S_IRGRP);
    if (fd < 0) {
        const int e = errno;
        log_.write(Verb::Error, mute::None, Severity::Warning,
                   strfmt("PORT SHARE: unable to write journal file in %s: %s (errno=%d)", jfn.c_str(),
                          std::strerror(e), e));
        return;
    }
    if (::write(fd, origin.data(), origin.size()) != static_cast<ssize_t>(origin.size()))
        log_.write(Verb::Error, mute::None, Severity::Warning,
                   strfmt("PORT SHARE: writing to journal file (%s) failed", jfn.c_str()));
    ::close(fd);
    c.journal = jfn;
}

void PortShare::close(std::uint64_t id)
{
    auto it = conns_.find(id);
    if (it == conns_.end())
        return;
    Conn& c = *it->second;
    if (c.connect_timer)
        loop_.cancel_timer(*c.connect_timer);
    for (Side* s : {&c.server, &c.client}) {
        if (s->in_loop)
            loop_.remove_fd(s->fd);
        log_.logm(Verb::Debug, mute::Debug, "PORT SHARE PROXY: delete sd=%d", s->fd);
        ::close(s->fd);
    }
    if (!c.journal.empty())
        (void)::unlink(c.journal.c_str());
    conns_.erase(it);
}

} // namespace ovpn::io
