// plugin/callbacks.cpp: see callbacks.hpp.
#include "openvpn/plugin/callbacks.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ovpn::plugin {
namespace {

std::atomic<Logger*> g_log{nullptr};

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// level_of: 2.6's mapping of PLOG_* onto its levels (ERR/WARN/NOTE: verb 1,
// DEBUG: verb 7); the first flag present decides.
Verb level_of(unsigned flags, Severity& sev)
{
    sev = Severity::Normal;
    if (flags & PLOG_ERR) {
        sev = Severity::NonFatal;
        return Verb::Error;
    }
    if (flags & PLOG_WARN) {
        sev = Severity::Warning;
        return Verb::Error;
    }
    if (flags & PLOG_NOTE)
        return Verb::Error;
    if (flags & PLOG_DEBUG)
        return Verb::Debug;
    return Verb::Error;
}

extern "C" void cb_vlog(openvpn_plugin_log_flags_t flags, const char* name, const char* format, va_list ap)
{
    const int saved_errno = errno;
    Logger* log = g_log.load();
    if (log == nullptr || format == nullptr)
        return;
    if (name == nullptr || name[0] == '\0') {
        log->logm(Verb::Debug, mute::Debug, "PLUGIN: suppressed log message from plugin with unknown name");
        return;
    }
    Severity sev;
    const Verb v = level_of(static_cast<unsigned>(flags), sev);
    if (!log->enabled(v))
        return;
    std::string line = "PLUGIN " + std::string(name) + ": " + vstrfmt(format, ap);
    if (flags & PLOG_ERRNO)
        line += strfmt(": %s (errno=%d)", std::strerror(saved_errno), saved_errno);
    const int category = (flags & PLOG_NOMUTE) ? mute::None : (v == Verb::Debug ? mute::Debug : mute::None);
    log->write(v, category, sev, line);
}

extern "C" void cb_log(openvpn_plugin_log_flags_t flags, const char* name, const char* format, ...)
{
    va_list ap;
    va_start(ap, format);
    cb_vlog(flags, name, format, ap);
    va_end(ap);
}

extern "C" void cb_memzero(void* data, size_t len)
{
    secure_memzero(data, len);
}
extern "C" int cb_b64_encode(const void* data, int size, char** str)
{
    return base64_encode(data, size, str);
}
extern "C" int cb_b64_decode(const char* str, void* data, int size)
{
    return base64_decode(str, data, size);
}

openvpn_plugin_callbacks g_callbacks = {cb_log, cb_vlog, cb_memzero, cb_b64_encode, cb_b64_decode};

// sextet: the value of one base64 character, -1 for '=' and -2 for others.
int sextet(char c)
{
    if (c == '=')
        return -1;
    const char* p = c != '\0' ? std::strchr(kAlphabet, c) : nullptr;
    return p != nullptr ? static_cast<int>(p - kAlphabet) : -2;
}

// decode_quad: 4 characters -> up to 3 bytes; returns the byte count, or
// -1 when the group is malformed (padding only at its end, at most two).
int decode_quad(const char* p, unsigned char out[3])
{
    int v[4];
    int pad = 0;
    for (int i = 0; i < 4; ++i) {
        v[i] = sextet(p[i]);
        if (v[i] == -2 || (v[i] == -1 && i < 2) || (v[i] >= 0 && pad > 0))
            return -1;
        if (v[i] == -1) {
            ++pad;
            v[i] = 0;
        }
    }
    const unsigned bits =
        (unsigned(v[0]) << 18) | (unsigned(v[1]) << 12) | (unsigned(v[2]) << 6) | unsigned(v[3]);
    out[0] = static_cast<unsigned char>(bits >> 16);
    out[1] = static_cast<unsigned char>(bits >> 8);
    out[2] = static_cast<unsigned char>(bits);
    return 3 - pad;
}

} // namespace

void set_callback_logger(Logger* log) noexcept
{
    g_log.store(log);
}

openvpn_plugin_callbacks* callbacks() noexcept
{
    return &g_callbacks;
}

void secure_memzero(void* data, std::size_t len)
{
    volatile unsigned char* p = static_cast<volatile unsigned char*>(data);
    while (len-- > 0)
        *p++ = 0;
}

int base64_encode(const void* data, int size, char** str)
{
    if (size < 0 || str == nullptr)
        return -1;
    const auto* in = static_cast<const unsigned char*>(data);
    const std::size_t n = static_cast<std::size_t>(size);
    char* out = static_cast<char*>(std::malloc((n + 2) / 3 * 4 + 1));
    if (out == nullptr)
        return -1;
    std::size_t o = 0;
    for (std::size_t i = 0; i < n; i += 3) {
        const unsigned b0 = in[i], b1 = i + 1 < n ? in[i + 1] : 0, b2 = i + 2 < n ? in[i + 2] : 0;
        const unsigned bits = (b0 << 16) | (b1 << 8) | b2;
        out[o++] = kAlphabet[(bits >> 18) & 63];
        out[o++] = kAlphabet[(bits >> 12) & 63];
        out[o++] = i + 1 < n ? kAlphabet[(bits >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? kAlphabet[bits & 63] : '=';
    }
    out[o] = '\0';
    *str = out;
    return static_cast<int>(o);
}

int base64_decode(const char* str, void* data, int size)
{
    // As 2.6: groups of four until a character that is not base64 (or the
    // end); size < 0 means the caller's buffer has no stated limit.
    auto* out = static_cast<unsigned char*>(data);
    int written = 0;
    for (const char* p = str; *p != '\0' && sextet(*p) != -2; p += 4) {
        unsigned char b[3];
        const int n = decode_quad(p, b);
        if (n < 0 || (size >= 0 && written + n > size))
            return -1;
        std::memcpy(out + written, b, static_cast<std::size_t>(n));
        written += n;
        if (n < 3)
            break;
    }
    return written;
}

} // namespace ovpn::plugin
