// core/log.hpp: the logger, passed by reference to whoever logs (no global
// state). Lines look like 2.6's: "2026-11-25 20:30:00 message", or without the
// timestamp under --suppress-timestamps / --machine-readable-output rules.
// Verbosity follows --verb (0..11); --mute N limits runs of one category.
// Nothing secret is ever passed here: callers log key *names*, never bytes.
#pragma once

#include <cstdarg>
#include <cstdio>
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

// strfmt: printf-style formatting into a std::string.
std::string strfmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string vstrfmt(const char* fmt, std::va_list ap);

class Logger {
public:
    explicit Logger(std::FILE* out = stderr) : out_(out) {}

    void set_verb(int v) noexcept { verb_ = v; }
    int verb() const noexcept { return verb_; }
    void set_timestamps(bool on) noexcept { timestamps_ = on; }
    void set_output(std::FILE* out) noexcept { out_ = out; }
    bool enabled(Verb v) const noexcept { return static_cast<int>(v) <= verb_; }

    // write: one line at level v (dropped when above --verb).
    void write(Verb v, std::string_view line);

    // logf: printf-style, checked by the compiler (GCC 12 has no <format>).
    void logf(Verb v, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

private:
    std::FILE* out_;
    int verb_ = 1;
    bool timestamps_ = true;
    std::mutex mu_; // guards writes to out_
};

} // namespace ovpn
