// mgmt/shell.cpp: listening/connecting sockets and the client connection of
// the management interface.
#include "openvpn/mgmt/shell.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "openvpn/core/log.hpp"
#include "openvpn/io/sock_addr.hpp"

namespace ovpn::mgmt {

namespace {

constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kReadsPerEvent = 16; // then let the loop serve others

// errno_text: 2.6's M_ERRNO suffix, "<strerror> (errno=N)".
std::string errno_text(int err)
{
    return strfmt("%s (errno=%d)", std::strerror(err), err);
}

Result<sockaddr_un> unix_address(const std::string& path)
{
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof sun.sun_path)
        return Err{std::string("MANAGEMENT: unix domain socket path is empty or too long: ") + path};
    std::memcpy(sun.sun_path, path.data(), path.size());
    return sun;
}

} // namespace

Shell::Shell(io::EventLoop& loop, Engine& engine, ShellConfig cfg)
    : loop_(&loop), engine_(engine), cfg_(std::move(cfg))
{
}

Result<std::unique_ptr<Shell>> Shell::open(io::EventLoop& loop, Engine& engine, ShellConfig cfg)
{
    std::unique_ptr<Shell> s(new Shell(loop, engine, std::move(cfg)));
    auto st = s->cfg_.connect_out ? s->connect_out() : s->listen();
    if (!st)
        return Err{st.error()};
    Shell* raw = s.get();
    engine.set_waker([raw] {
        raw->arm_write();
        raw->rearm_timer();
        raw->schedule_close();
    });
    return s;
}

Shell::~Shell()
{
    close();
}

// ---- listening -----------------------------------------------------------------

Status<> Shell::listen()
{
    if (cfg_.unix_socket) {
        auto sun = unix_address(cfg_.address);
        if (!sun)
            return Err{sun.error()};
        ::unlink(cfg_.address.c_str());
        listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&*sun), sizeof *sun) != 0)
            return Err{strfmt("MANAGEMENT: Socket bind[%d] failed on unix domain socket %s: %s", listen_fd_,
                              cfg_.address.c_str(), errno_text(errno).c_str())};
        // 2.6 binds under umask(0): anyone may connect, the uid/gid check decides.
        ::chmod(cfg_.address.c_str(), 0777);
        where_ = cfg_.address;
    } else {
        const auto port = static_cast<std::uint16_t>(std::atoi(cfg_.port.c_str()));
        auto addrs = io::resolve(cfg_.address, port, io::Family::Any, io::SockType::Stream, true);
        if (!addrs || addrs->empty())
            return Err{"MANAGEMENT: cannot resolve " + cfg_.address + ": " +
                       (addrs ? "no address" : addrs.error())};
        const io::SockAddr& a = addrs->front();
        listen_fd_ = ::socket(a.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        int one = 1;
        if (listen_fd_ >= 0)
            ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (listen_fd_ < 0 || ::bind(listen_fd_, a.sa(), a.len) != 0)
            return Err{"MANAGEMENT: Socket bind failed on local address " + a.to_string() + ": " +
                       errno_text(errno)};
        io::SockAddr bound;
        bound.len = sizeof bound.ss;
        if (::getsockname(listen_fd_, bound.sa(), &bound.len) != 0)
            bound = a;
        port_ = bound.port();
        where_ = bound.to_string();
    }
    if (::listen(listen_fd_, 1) != 0)
        return Err{"MANAGEMENT: listen() failed: " + errno_text(errno)};
    engine_.note(LogLevel::Management, cfg_.unix_socket
                                           ? "MANAGEMENT: unix domain socket listening on " + where_
                                           : "MANAGEMENT: TCP Socket listening on " + where_);
    engine_.on_listening();
    watch_listener();
    return Ok{};
}

void Shell::watch_listener()
{
    if (listen_fd_ < 0 || listen_watched_ || loop_ == nullptr)
        return;
    if (loop_->add_fd(listen_fd_, io::kReadable, [this](std::uint32_t) { on_accept(); }))
        listen_watched_ = true;
}

void Shell::on_accept()
{
    if (client_fd_ >= 0)
        return;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const int fd =
        ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return; // EAGAIN, or the client already went away
    if (cfg_.unix_socket && !peer_allowed(fd)) {
        ::close(fd);
        return;
    }
    std::string from = where_;
    if (!cfg_.unix_socket) {
        io::SockAddr peer;
        std::memcpy(&peer.ss, &ss, sizeof ss);
        peer.len = len;
        from = peer.to_string();
    }
    loop_->remove_fd(listen_fd_);
    listen_watched_ = false;
    adopt_client(fd, "Client connected from " + from);
}

bool Shell::peer_allowed(int fd)
{
    if (!cfg_.client_uid && !cfg_.client_gid)
        return true;
    static const char prefix[] = "MANAGEMENT: unix domain socket client connection rejected --";
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        engine_.note(LogLevel::Management, std::string(prefix) + " cannot get UID/GID of socket peer");
        return false;
    }
    if (cfg_.client_uid && *cfg_.client_uid != cred.uid) {
        engine_.note(LogLevel::Management,
                     strfmt("%s UID of socket peer (%d) doesn't match required value (%d) as given by "
                            "--management-client-user",
                            prefix, static_cast<int>(cred.uid), static_cast<int>(*cfg_.client_uid)));
        return false;
    }
    if (cfg_.client_gid && *cfg_.client_gid != cred.gid) {
        engine_.note(LogLevel::Management,
                     strfmt("%s GID of socket peer (%d) doesn't match required value (%d) as given by "
                            "--management-client-group",
                            prefix, static_cast<int>(cred.gid), static_cast<int>(*cfg_.client_gid)));
        return false;
    }
    return true;
}

// ---- connecting out (--management-client) --------------------------------------------

Status<> Shell::connect_out()
{
    int fd = -1;
    int rc = 0;
    if (cfg_.unix_socket) {
        auto sun = unix_address(cfg_.address);
        if (!sun)
            return Err{sun.error()};
        where_ = cfg_.address;
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        rc = fd < 0 ? -1 : ::connect(fd, reinterpret_cast<const sockaddr*>(&*sun), sizeof *sun);
    } else {
        const auto port = static_cast<std::uint16_t>(std::atoi(cfg_.port.c_str()));
        auto addrs = io::resolve(cfg_.address, port, io::Family::Any, io::SockType::Stream);
        if (!addrs || addrs->empty())
            return Err{"MANAGEMENT: cannot resolve " + cfg_.address + ": " +
                       (addrs ? "no address" : addrs.error())};
        const io::SockAddr& a = addrs->front();
        where_ = a.to_string();
        fd = ::socket(a.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        rc = fd < 0 ? -1 : ::connect(fd, a.sa(), a.len);
    }
    connect_fd_ = fd;
    engine_.on_listening();
    if (fd >= 0 && rc != 0 && errno == EINPROGRESS) {
        auto st = loop_->add_fd(fd, io::kWritable, [this](std::uint32_t) { on_connect_event(); });
        if (!st)
            return Err{"MANAGEMENT: " + st.error()};
        connect_deadline_ = loop_->now() + cfg_.connect_timeout;
        connect_timer_ = loop_->add_timer(*connect_deadline_, [this] { on_connect_timeout(); });
        return Ok{};
    }
    if (fd >= 0 && rc == 0) {
        on_connect_event();
        return Ok{};
    }
    const int err = errno;
    // Report like a failed connect: log and SIGTERM, on the loop's next turn.
    loop_->add_timer(loop_->now(), [this, err] {
        if (connect_fd_ >= 0)
            ::close(connect_fd_);
        connect_fd_ = -1;
        engine_.on_connect_failed("MANAGEMENT: connect to " + where_ + " failed: " + errno_text(err));
    });
    return Ok{};
}

void Shell::on_connect_event()
{
    const int fd = connect_fd_;
    if (fd < 0)
        return;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err == 0 && cfg_.unix_socket && !peer_allowed(fd))
        err = EPERM;
    loop_->remove_fd(fd);
    if (connect_timer_)
        loop_->cancel_timer(*connect_timer_);
    connect_timer_.reset();
    connect_fd_ = -1;
    if (err != 0) {
        ::close(fd);
        engine_.on_connect_failed(std::string("MANAGEMENT: connect to ") +
                                  (cfg_.unix_socket ? "unix socket " : "") + where_ +
                                  " failed: " + errno_text(err));
        return;
    }
    adopt_client(fd, "Connected to management server at " + where_);
}

void Shell::on_connect_timeout()
{
    connect_timer_.reset();
    if (connect_fd_ < 0)
        return;
    loop_->remove_fd(connect_fd_);
    ::close(connect_fd_);
    connect_fd_ = -1;
    engine_.on_connect_failed("MANAGEMENT: connect to " + where_ + " failed: " + errno_text(ETIMEDOUT));
}

// ---- moving between the daemon's loops ----------------------------------------------------

void Shell::detach_loop()
{
    if (loop_ == nullptr)
        return;
    if (listen_watched_)
        loop_->remove_fd(listen_fd_);
    if (client_fd_ >= 0)
        loop_->remove_fd(client_fd_);
    if (connect_fd_ >= 0)
        loop_->remove_fd(connect_fd_);
    for (auto* t : {&bytecount_timer_, &connect_timer_, &close_timer_}) {
        if (*t)
            loop_->cancel_timer(**t);
        t->reset();
    }
    loop_ = nullptr;
}

void Shell::attach_loop(io::EventLoop& loop)
{
    if (loop_ == &loop || closed_)
        return;
    detach_loop();
    loop_ = &loop;
    if (listen_watched_) {
        listen_watched_ = false;
        watch_listener();
    }
    if (client_fd_ >= 0) {
        const bool writable = write_armed_;
        if (!loop_->add_fd(client_fd_, writable ? io::kReadable | io::kWritable : io::kReadable,
                           [this](std::uint32_t ev) { on_client_event(ev); })) {
            drop_client();
            return;
        }
        arm_write();
        schedule_close();
    }
    if (connect_fd_ >= 0) {
        (void)loop_->add_fd(connect_fd_, io::kWritable, [this](std::uint32_t) { on_connect_event(); });
        connect_timer_ =
            loop_->add_timer(connect_deadline_.value_or(loop_->now()), [this] { on_connect_timeout(); });
    }
    rearm_timer();
}

// ---- the client connection ----------------------------------------------------------------

void Shell::adopt_client(int fd, std::string description)
{
    auto st = loop_->add_fd(fd, io::kReadable, [this](std::uint32_t ev) { on_client_event(ev); });
    if (!st) {
        engine_.note(LogLevel::Management, "MANAGEMENT: " + st.error());
        ::close(fd);
        watch_listener();
        return;
    }
    client_fd_ = fd;
    write_armed_ = false;
    engine_.on_client_connected(description, now());
    arm_write();
    rearm_timer();
}

void Shell::on_client_event(std::uint32_t events)
{
    if (client_fd_ < 0)
        return;
    if (events & (io::kReadable | io::kHangup | io::kError))
        read_client();
    if (client_fd_ >= 0)
        flush();
}

void Shell::read_client()
{
    char buf[kReadChunk];
    for (std::size_t i = 0; i < kReadsPerEvent && client_fd_ >= 0; ++i) {
        const ssize_t n = ::recv(client_fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            engine_.on_input(std::span<const char>(buf, static_cast<std::size_t>(n)), now());
            if (engine_.close_requested())
                break;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        if (n < 0)
            engine_.note(LogLevel::Management,
                         std::string("MANAGEMENT: TCP recv error: ") + std::strerror(errno));
        drop_client();
        break;
    }
    std::memset(buf, 0, sizeof buf); // it may have held a password
}

void Shell::flush()
{
    while (client_fd_ >= 0 && !engine_.pending_output().empty()) {
        const auto out = engine_.pending_output();
        const ssize_t n = ::send(client_fd_, out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            engine_.consume_output(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        if (!engine_.close_requested())
            engine_.note(LogLevel::Management,
                         std::string("MANAGEMENT: TCP send error: ") + std::strerror(errno));
        drop_client();
        return;
    }
    if (client_fd_ < 0)
        return;
    if (engine_.close_requested()) {
        drop_client();
        return;
    }
    const bool want = !engine_.pending_output().empty();
    if (want != write_armed_)
        watch_client(want);
}

void Shell::watch_client(bool writable)
{
    write_armed_ = writable;
    auto st = loop_->modify_fd(client_fd_, writable ? io::kReadable | io::kWritable : io::kReadable);
    if (!st) {
        engine_.note(LogLevel::Management, "MANAGEMENT: " + st.error());
        drop_client();
    }
}

void Shell::schedule_close()
{
    // A close request must not wait for the socket to become writable: a
    // client that stopped reading may never make it so.
    if (close_timer_ || client_fd_ < 0 || !engine_.close_requested() || loop_ == nullptr)
        return;
    close_timer_ = loop_->add_timer(loop_->now(), [this] {
        close_timer_.reset();
        if (client_fd_ >= 0)
            flush();
    });
}

void Shell::arm_write()
{
    if (client_fd_ >= 0 && !write_armed_ && loop_ != nullptr)
        watch_client(true);
}

void Shell::drop_client()
{
    if (client_fd_ < 0)
        return;
    loop_->remove_fd(client_fd_);
    ::close(client_fd_);
    client_fd_ = -1;
    write_armed_ = false;
    if (close_timer_)
        loop_->cancel_timer(*close_timer_);
    close_timer_.reset();
    engine_.on_client_closed();
    after_close();
}

void Shell::after_close()
{
    if (!closed_ && !cfg_.connect_out && engine_.listening())
        watch_listener();
}

void Shell::rearm_timer()
{
    if (loop_ == nullptr)
        return;
    if (bytecount_timer_)
        loop_->cancel_timer(*bytecount_timer_);
    bytecount_timer_.reset();
    const auto due = engine_.next_timeout();
    if (!due)
        return;
    const auto wait = std::chrono::seconds(*due > now() ? *due - now() : 0);
    bytecount_timer_ = loop_->add_timer(loop_->now() + wait, [this] {
        bytecount_timer_.reset();
        engine_.on_timeout(now());
        rearm_timer();
    });
}

void Shell::close()
{
    if (closed_)
        return;
    closed_ = true;
    engine_.set_waker(nullptr);
    if (client_fd_ >= 0) {
        const auto out = engine_.pending_output();
        if (!out.empty()) {
            const ssize_t n = ::send(client_fd_, out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0)
                engine_.consume_output(static_cast<std::size_t>(n));
        }
        if (loop_ != nullptr)
            loop_->remove_fd(client_fd_);
        ::close(client_fd_);
        client_fd_ = -1;
    }
    engine_.shutdown();
    if (connect_fd_ >= 0) {
        if (loop_ != nullptr)
            loop_->remove_fd(connect_fd_);
        ::close(connect_fd_);
        connect_fd_ = -1;
    }
    for (auto* t : {&bytecount_timer_, &connect_timer_, &close_timer_}) {
        if (*t && loop_ != nullptr)
            loop_->cancel_timer(**t);
        t->reset();
    }
    if (listen_fd_ >= 0) {
        if (listen_watched_ && loop_ != nullptr)
            loop_->remove_fd(listen_fd_);
        ::close(listen_fd_);
        listen_fd_ = -1;
        if (cfg_.unix_socket)
            ::unlink(cfg_.address.c_str());
    }
}

} // namespace ovpn::mgmt
