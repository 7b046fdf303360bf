// io/event_loop.cpp: epoll + a deadline-ordered timer map + signalfd.
#include "openvpn/io/event_loop.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "openvpn/core/log.hpp"

namespace ovpn::io {

const char* signal_name(Signal s) noexcept
{
    switch (s) {
    case Signal::Usr1:
        return "sigusr1";
    case Signal::Hup:
        return "sighup";
    case Signal::Term:
        return "sigterm";
    case Signal::Int:
        return "sigint";
    case Signal::Usr2:
        return "sigusr2";
    }
    return "unknown";
}

EventLoop::EventLoop(const ClockSource& clock) : clock_(clock), epfd_(::epoll_create1(EPOLL_CLOEXEC))
{
    if (epfd_ < 0)
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

EventLoop::~EventLoop()
{
    if (sigfd_ >= 0)
        ::close(sigfd_);
    if (sigmask_saved_)
        ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    ::close(epfd_);
}

Status<> EventLoop::add_fd(int fd, std::uint32_t events, FdCallback cb)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0)
        return Err{strfmt("epoll_ctl(ADD, fd %d): %s", fd, std::strerror(errno))};
    fds_[fd] = Watch{std::make_shared<FdCallback>(std::move(cb)), events};
    return Ok{};
}

Status<> EventLoop::modify_fd(int fd, std::uint32_t events)
{
    auto it = fds_.find(fd);
    if (it == fds_.end())
        return Err{strfmt("modify_fd: fd %d not watched", fd)};
    if (it->second.events == events)
        return Ok{};
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (::epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0)
        return Err{strfmt("epoll_ctl(MOD, fd %d): %s", fd, std::strerror(errno))};
    it->second.events = events;
    return Ok{};
}

void EventLoop::remove_fd(int fd)
{
    if (fds_.erase(fd) != 0)
        ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
}

TimerId EventLoop::add_timer(TimePoint deadline, TimerCallback cb)
{
    TimerId id = next_timer_id_++;
    timers_.emplace(std::make_pair(deadline, id), std::move(cb));
    timer_deadlines_.emplace(id, deadline);
    return id;
}

void EventLoop::cancel_timer(TimerId id)
{
    auto it = timer_deadlines_.find(id);
    if (it == timer_deadlines_.end())
        return;
    timers_.erase(std::make_pair(it->second, id));
    timer_deadlines_.erase(it);
}

std::optional<TimePoint> EventLoop::next_deadline() const
{
    if (timers_.empty())
        return std::nullopt;
    return timers_.begin()->first.first;
}

Status<> EventLoop::watch_signals(SignalCallback cb)
{
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : {SIGUSR1, SIGHUP, SIGTERM, SIGINT, SIGUSR2})
        sigaddset(&mask, s);
    if (!sigmask_saved_) {
        if (::sigprocmask(SIG_BLOCK, &mask, &old_mask_) != 0)
            return Err{strfmt("sigprocmask: %s", std::strerror(errno))};
        sigmask_saved_ = true;
    }
    ::signal(SIGPIPE, SIG_IGN);
    if (sigfd_ < 0) {
        sigfd_ = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (sigfd_ < 0)
            return Err{strfmt("signalfd: %s", std::strerror(errno))};
        auto st = add_fd(sigfd_, kReadable, [this](std::uint32_t) { on_signalfd(); });
        if (!st)
            return st;
    }
    signal_cb_ = std::move(cb);
    return Ok{};
}

void EventLoop::on_signalfd()
{
    signalfd_siginfo si;
    while (::read(sigfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        std::optional<Signal> s;
        switch (si.ssi_signo) {
        case SIGUSR1:
            s = Signal::Usr1;
            break;
        case SIGHUP:
            s = Signal::Hup;
            break;
        case SIGTERM:
            s = Signal::Term;
            break;
        case SIGINT:
            s = Signal::Int;
            break;
        case SIGUSR2:
            s = Signal::Usr2;
            break;
        default:
            break;
        }
        if (s && signal_cb_)
            signal_cb_(*s);
    }
}

std::size_t EventLoop::fire_due_timers()
{
    std::size_t n = 0;
    const TimePoint now = clock_.now();
    // Only timers due now; ones added by callbacks with a due deadline run
    // in the next turn, so a callback re-arming at `now` cannot starve I/O.
    std::vector<TimerId> due;
    for (auto it = timers_.begin(); it != timers_.end() && it->first.first <= now; ++it)
        due.push_back(it->first.second);
    for (TimerId id : due) {
        auto dl = timer_deadlines_.find(id);
        if (dl == timer_deadlines_.end())
            continue; // cancelled by an earlier callback
        auto it = timers_.find(std::make_pair(dl->second, id));
        TimerCallback cb = std::move(it->second);
        timers_.erase(it);
        timer_deadlines_.erase(dl);
        cb();
        ++n;
    }
    return n;
}

Result<std::size_t> EventLoop::run_once(std::optional<Duration> max_wait)
{
    int timeout_ms = -1;
    auto clamp_ms = [](Duration d) {
        if (d <= Duration::zero())
            return 0;
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
        return ms > 1000 * 3600 ? 1000 * 3600 : static_cast<int>(ms);
    };
    if (max_wait)
        timeout_ms = clamp_ms(*max_wait);
    if (auto dl = next_deadline()) {
        int t = clamp_ms(*dl - clock_.now());
        if (timeout_ms < 0 || t < timeout_ms)
            timeout_ms = t;
    }
    epoll_event evs[64];
    int n = ::epoll_wait(epfd_, evs, 64, timeout_ms);
    if (n < 0) {
        if (errno == EINTR)
            n = 0;
        else
            return Err{strfmt("epoll_wait: %s", std::strerror(errno))};
    }
    std::size_t ran = 0;
    for (int i = 0; i < n; ++i) {
        auto it = fds_.find(evs[i].data.fd);
        if (it == fds_.end())
            continue;            // removed by an earlier callback in this turn
        auto cb = it->second.cb; // keep alive if the callback removes itself
        (*cb)(evs[i].events);
        ++ran;
    }
    ran += fire_due_timers();
    return ran;
}

Status<> EventLoop::run()
{
    while (!stopped_) {
        auto r = run_once();
        if (!r)
            return Err{r.error()};
    }
    return Ok{};
}

} // namespace ovpn::io
