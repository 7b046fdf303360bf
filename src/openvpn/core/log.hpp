// core/log.hpp: the logger, passed by reference to whoever logs (no global
// state). Lines look like 2.6's: "2026-11-25 20:30:00 message"; at --verb 4
// and above the time gets " us=<microseconds>" as in 2.6; no time under
// --suppress-timestamps; "<sec>.<usec> <flags hex> message" under
// --machine-readable-output. Verbosity follows --verb (0..11).
//
// --mute N works like 2.6: every message may carry a mute category (2.6's
// D_* classes, see namespace mute below). After N consecutive messages of
// one category, 2.6 prints "NOTE: --mute triggered..." and drops the rest
// until a message of another category arrives, which is preceded by
// "<k> variation(s) on previous N message(s) suppressed by --mute".
// Messages without a category (mute::None) are never muted and do not end a
// run, as in 2.6.
//
// Where lines go (2.6's precedence): a file stream (stdout by default, which
// --log / --log-append redirect to the file; fatal lines go to the error
// stream, which --errors-to-stderr sets to stderr), or syslog(3) once
// use_syslog() was called (--syslog, --daemon without --log).
//
// Nothing secret is ever passed here: callers log key *names*, never bytes.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace ovpn {

// Verbosity levels as 2.6 uses them (subset; see --verb in man/openvpn.8).
enum class Verb : int {
    Fatal = 0,  // always shown (M_FATAL / M_NONFATAL at verb 0)
    Error = 1,  // errors and warnings
    Info = 3,   // normal operation (default verb 1 shows levels <= 1)
    Notice = 4, // option dump, per-connection notes
    Detail = 5, // R/W per-packet markers in 2.6; we use it for per-packet debug
    Debug = 7,
    Trace = 9,
};

// Severity: what kind of line it is, beyond its level. It picks the syslog
// priority (Fatal/NonFatal: LOG_ERR, Warning: LOG_WARNING, else LOG_NOTICE)
// and the stream (Fatal lines go to the error stream). Lines written with
// Verb::Fatal and no explicit severity count as Fatal.
enum class Severity { Normal, Warning, NonFatal, Fatal };

// Mute categories: 2.6's numbers, so --mute groups the same messages.
namespace mute {
inline constexpr int None = 0;
inline constexpr int LinkErrors = 1;
inline constexpr int CryptErrors = 2;
inline constexpr int TlsErrors = 3;
inline constexpr int ResolveErrors = 4;
inline constexpr int CompErrors = 5;
inline constexpr int ReplayErrors = 6;
inline constexpr int StreamErrors = 7;
inline constexpr int ImportErrors = 8;
inline constexpr int MultiErrors = 9;
inline constexpr int EventErrors = 10;
inline constexpr int PushErrors = 11;
inline constexpr int FragErrors = 13;
inline constexpr int Handshake = 20;
inline constexpr int Close = 22;
inline constexpr int Proxy = 24;
inline constexpr int Restart = 33;
inline constexpr int Push = 34;
inline constexpr int IfconfigPool = 35;
inline constexpr int Auth = 37;
inline constexpr int MultiLow = 38;
inline constexpr int Plugin = 39;
inline constexpr int Management = 40;
inline constexpr int MultiDropped = 57;
inline constexpr int Debug = 70; // the shared category of 2.6's verb >= 7 messages
} // namespace mute

// LogLine: what a tap (e.g. the management interface's "log" command) sees.
struct LogLine {
    std::time_t time;
    Verb verb;
    Severity severity;
    std::string_view text;
    int mute_category = mute::None; // 2.6's D_* class (mute::Debug: a debug line)
};

// strfmt: printf-style formatting into a std::string.
std::string strfmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string vstrfmt(const char* fmt, std::va_list ap);

class Logger {
public:
    explicit Logger(std::FILE* out = stderr) : out_(out), err_(out) {}
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    void set_verb(int v) noexcept { verb_ = v; }
    int verb() const noexcept { return verb_; }
    void set_timestamps(bool on) noexcept { timestamps_ = on; }
    // set_output: the normal stream, and the stream for fatal lines too.
    void set_output(std::FILE* out) noexcept { out_ = err_ = out; }
    // set_error_output: fatal lines only (--errors-to-stderr).
    void set_error_output(std::FILE* err) noexcept { err_ = err; }
    void set_mute(int cutoff) noexcept { mute_cutoff_ = cutoff < 0 ? 0 : cutoff; }
    void set_machine_readable(bool on) noexcept { machine_readable_ = on; }
    // use_syslog: openlog(ident, LOG_PID, LOG_DAEMON) and log there from now
    // on; `ident` is kept alive by the logger. stop_syslog: closelog, back to
    // the streams.
    void use_syslog(const std::string& ident);
    void stop_syslog();
    bool syslog_active() const noexcept { return syslog_; }
    // set_tap: also hand every emitted line to `tap` (not muted lines).
    void set_tap(std::function<void(const LogLine&)> tap) { tap_ = std::move(tap); }

    bool enabled(Verb v) const noexcept { return static_cast<int>(v) <= verb_; }

    // write: one line at level v (dropped when above --verb), never muted.
    void write(Verb v, std::string_view line);
    // write: with a mute category and a severity.
    void write(Verb v, int mute_category, Severity sev, std::string_view line);

    // logf: printf-style, checked by the compiler (GCC 12 has no <format>).
    void logf(Verb v, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
    // logm: logf with a mute category (severity Normal, or Fatal at Verb::Fatal).
    void logm(Verb v, int mute_category, const char* fmt, ...) __attribute__((format(printf, 4, 5)));

    // format_prefix: the text put before a message on a stream, for tests.
    std::string format_prefix(Verb v, Severity sev, std::time_t sec, long usec) const;

private:
    // emit: print one line (caller holds mu_); no muting here.
    void emit(Verb v, Severity sev, std::string_view line, int mute_category = mute::None);
    // admit: 2.6's mute filter; may emit the NOTE / "variation(s)" lines.
    bool admit(int mute_category);

    std::FILE* out_;
    std::FILE* err_;
    int verb_ = 1;
    bool timestamps_ = true;
    bool machine_readable_ = false;
    bool syslog_ = false;
    std::string syslog_ident_;
    int mute_cutoff_ = 0;
    int mute_count_ = 0;
    int mute_category_ = 0;
    std::function<void(const LogLine&)> tap_;
    std::recursive_mutex mu_; // guards output and the mute state
};

} // namespace ovpn
