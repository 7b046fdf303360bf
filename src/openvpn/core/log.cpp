#include "openvpn/core/log.hpp"

#include <sys/time.h>
#include <syslog.h>

namespace ovpn {

namespace {

// 2.6's message flag bits, for --machine-readable-output's hex field.
constexpr unsigned kFlagFatal = 1u << 4;
constexpr unsigned kFlagNonFatal = 1u << 5;
constexpr unsigned kFlagWarn = 1u << 6;
constexpr unsigned kFlagDebug = 1u << 7;
// 2.6 shows microseconds in the timestamp from this --verb on.
constexpr int kUsecVerb = 4;

Severity default_severity(Verb v)
{
    return v == Verb::Fatal ? Severity::Fatal : Severity::Normal;
}

int syslog_priority(Severity s)
{
    switch (s) {
    case Severity::Fatal:
    case Severity::NonFatal:
        return LOG_ERR;
    case Severity::Warning:
        return LOG_WARNING;
    case Severity::Normal:
        break;
    }
    return LOG_NOTICE;
}

} // namespace

std::string vstrfmt(const char* fmt, std::va_list ap)
{
    std::va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    if (n <= 0)
        return {};
    std::string out(static_cast<std::size_t>(n), '\0');
    std::vsnprintf(out.data(), out.size() + 1, fmt, ap);
    return out;
}

std::string strfmt(const char* fmt, ...)
{
    std::va_list ap;
    va_start(ap, fmt);
    std::string out = vstrfmt(fmt, ap);
    va_end(ap);
    return out;
}

Logger::~Logger()
{
    stop_syslog();
}

void Logger::use_syslog(const std::string& ident)
{
    std::lock_guard lock(mu_);
    if (syslog_)
        return; // 2.6 opens syslog once; a second --syslog/--daemon name is ignored
    syslog_ident_ = ident.empty() ? "openvpn" : ident;
    ::openlog(syslog_ident_.c_str(), LOG_PID, LOG_DAEMON);
    syslog_ = true;
}

void Logger::stop_syslog()
{
    std::lock_guard lock(mu_);
    if (!syslog_)
        return;
    ::closelog();
    syslog_ = false;
}

void Logger::logf(Verb v, const char* fmt, ...)
{
    if (!enabled(v))
        return;
    std::va_list ap;
    va_start(ap, fmt);
    std::string line = vstrfmt(fmt, ap);
    va_end(ap);
    write(v, line);
}

void Logger::logm(Verb v, int mute_category, const char* fmt, ...)
{
    if (!enabled(v))
        return;
    std::va_list ap;
    va_start(ap, fmt);
    std::string line = vstrfmt(fmt, ap);
    va_end(ap);
    write(v, mute_category, default_severity(v), line);
}

void Logger::write(Verb v, std::string_view line)
{
    write(v, mute::None, default_severity(v), line);
}

void Logger::write(Verb v, int mute_category, Severity sev, std::string_view line)
{
    if (!enabled(v))
        return;
    std::lock_guard lock(mu_);
    if (!admit(mute_category))
        return;
    emit(v, sev, line, mute_category);
}

bool Logger::admit(int category)
{
    if (mute_cutoff_ <= 0 || category <= 0)
        return true;
    if (category == mute_category_) {
        if (mute_count_ == mute_cutoff_ && enabled(Verb::Error))
            emit(Verb::Error, Severity::Normal, "NOTE: --mute triggered...");
        return ++mute_count_ <= mute_cutoff_;
    }
    const int suppressed = mute_count_ - mute_cutoff_;
    if (suppressed > 0 && enabled(Verb::Error))
        emit(Verb::Error, Severity::Normal,
             strfmt("%d variation(s) on previous %d message(s) suppressed by --mute", suppressed,
                    mute_cutoff_));
    mute_count_ = 1;
    mute_category_ = category;
    return true;
}

std::string Logger::format_prefix(Verb v, Severity sev, std::time_t sec, long usec) const
{
    if (machine_readable_) {
        unsigned flags = static_cast<unsigned>(v);
        if (sev == Severity::Fatal)
            flags |= kFlagFatal;
        else if (sev == Severity::NonFatal)
            flags |= kFlagNonFatal;
        else if (sev == Severity::Warning)
            flags |= kFlagWarn;
        if (static_cast<int>(v) >= static_cast<int>(Verb::Detail) + 1)
            flags |= kFlagDebug;
        return strfmt("%lld.%06ld %x ", static_cast<long long>(sec), usec, flags);
    }
    if (!timestamps_)
        return {};
    std::tm tm{};
    localtime_r(&sec, &tm);
    std::string out = strfmt("%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                             tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (verb_ >= kUsecVerb && usec != 0)
        out += strfmt(" us=%ld", usec);
    out += ' ';
    return out;
}

void Logger::emit(Verb v, Severity sev, std::string_view line, int mute_category)
{
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    if (tap_)
        tap_(LogLine{tv.tv_sec, v, sev, line, mute_category});
    if (syslog_) {
        ::syslog(syslog_priority(sev), "%.*s", static_cast<int>(line.size()), line.data());
        return;
    }
    std::FILE* fp = sev == Severity::Fatal ? err_ : out_;
    if (fp == nullptr)
        return;
    const std::string prefix = format_prefix(v, sev, tv.tv_sec, static_cast<long>(tv.tv_usec));
    std::fprintf(fp, "%s%.*s\n", prefix.c_str(), static_cast<int>(line.size()), line.data());
    std::fflush(fp);
}

} // namespace ovpn
