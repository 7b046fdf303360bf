// io/event_loop.hpp: the single-threaded epoll loop the daemon runs on.
// File descriptors, deadline timers and POSIX signals (through signalfd) all
// become callbacks on this thread. Time comes from the injected ClockSource:
// a timer fires when clock.now() >= its deadline, so tests drive timers with
// a FakeClock and run_once(0ms) without sleeping.
//
// Threading: every method is called from the loop's thread only.
// Callbacks may add/remove fds and timers (including their own) safely.
#pragma once

#include <signal.h>
#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "openvpn/core/clock.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::io {

// Readiness bits passed to and from fd callbacks (the epoll values).
inline constexpr std::uint32_t kReadable = EPOLLIN;
inline constexpr std::uint32_t kWritable = EPOLLOUT;
inline constexpr std::uint32_t kHangup = EPOLLHUP | EPOLLRDHUP;
inline constexpr std::uint32_t kError = EPOLLERR;

// The signals 2.6 reacts to, as events.
enum class Signal : std::uint8_t { Usr1, Hup, Term, Int, Usr2 };
// signal_name: 2.6's lower-case name ("sigterm", "sigusr1", ...), as used in
// the `signal` script variable and the log.
const char* signal_name(Signal s) noexcept;

using TimerId = std::uint64_t;

class EventLoop {
public:
    using FdCallback = std::function<void(std::uint32_t events)>;
    using TimerCallback = std::function<void()>;
    using SignalCallback = std::function<void(Signal)>;

    // EventLoop: `clock` must outlive the loop. Throws std::system_error when
    // epoll_create1 fails (start-up only).
    explicit EventLoop(const ClockSource& clock);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    const ClockSource& clock() const noexcept { return clock_; }
    TimePoint now() const { return clock_.now(); }

    // add_fd: watch `fd` (not owned) for `events`; cb gets the ready bits.
    Status<> add_fd(int fd, std::uint32_t events, FdCallback cb);
    // modify_fd: change the watched events (e.g. add kWritable while a TCP
    // send queue is non-empty).
    Status<> modify_fd(int fd, std::uint32_t events);
    // remove_fd: stop watching; safe to call from inside fd's own callback.
    void remove_fd(int fd);

    // add_timer: call cb once when now() >= deadline. Returns an id for
    // cancel_timer. Timers with equal deadlines fire in insertion order.
    TimerId add_timer(TimePoint deadline, TimerCallback cb);
    // cancel_timer: no-op for an unknown or already fired id.
    void cancel_timer(TimerId id);
    // next_deadline: the earliest pending timer, if any.
    std::optional<TimePoint> next_deadline() const;

    // watch_signals: block SIGUSR1, SIGHUP, SIGTERM, SIGINT, SIGUSR2 for the
    // process and deliver them through a signalfd as Signal events. SIGPIPE
    // is ignored. The previous mask is restored by the destructor.
    Status<> watch_signals(SignalCallback cb);

    // run_once: wait for fds or the next timer deadline, but at most
    // `max_wait` (nullopt: no limit), then dispatch ready fds and every due
    // timer. Returns the number of callbacks run; an error only for a
    // failed epoll_wait other than EINTR.
    Result<std::size_t> run_once(std::optional<Duration> max_wait = std::nullopt);
    // run: run_once until stop() is called; returns at once when stop()
    // came before (e.g. an exit decided during start-up).
    Status<> run();
    void stop() noexcept { stopped_ = true; }
    bool stopped() const noexcept { return stopped_; }

private:
    struct Watch {
        std::shared_ptr<FdCallback> cb;
        std::uint32_t events;
    };
    std::size_t fire_due_timers();
    void on_signalfd();

    const ClockSource& clock_;
    int epfd_ = -1;
    int sigfd_ = -1;
    bool sigmask_saved_ = false;
    sigset_t old_mask_{};
    SignalCallback signal_cb_;
    std::unordered_map<int, Watch> fds_;
    // (deadline, id) -> callback; the id breaks ties in insertion order.
    std::map<std::pair<TimePoint, TimerId>, TimerCallback> timers_;
    std::unordered_map<TimerId, TimePoint> timer_deadlines_;
    TimerId next_timer_id_ = 1;
    bool stopped_ = false;
};

} // namespace ovpn::io
