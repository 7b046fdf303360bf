// io/proxy.cpp: HTTP CONNECT and SOCKS5 proxies (see proxy.hpp). The first
// half is pure (builders, parsers, option reading); the second half is the
// blocking driver, the only part that makes syscalls.
#include "openvpn/io/proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "openvpn/io/sock_addr.hpp"
#include "openvpn/io/socket_setup.hpp"

namespace ovpn::io {

namespace {

// 2.6 logs the proxy dialogue at D_PROXY (verb 2) and connection steps and
// failures at verb 1.
constexpr Verb kVerbProxy = static_cast<Verb>(2);
constexpr Verb kVerbLink = Verb::Error;

bool has_ctl(const std::string& s)
{
    return std::any_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

void append(SecureBytes& out, std::string_view s)
{
    // SecureBytes has no append: rebuild through a wiped temporary.
    SecureBytes n(out.size() + s.size());
    std::memcpy(n.data(), out.data(), out.size());
    std::memcpy(n.data() + out.size(), s.data(), s.size());
    out = std::move(n);
}

void append(SecureBytes& out, std::span<const std::uint8_t> s)
{
    append(out, std::string_view(reinterpret_cast<const char*>(s.data()), s.size()));
}

} // namespace

// ===================================================================== wire

namespace proxy_wire {

SecureBytes base64_encode(std::span<const std::uint8_t> in)
{
    // EVP_EncodeBlock writes 4 bytes per 3 input bytes plus a NUL.
    SecureBytes out(((in.size() + 2) / 3) * 4 + 1);
    int n = EVP_EncodeBlock(out.data(), in.data(), static_cast<int>(in.size()));
    SecureBytes r(std::span<const std::uint8_t>(out.data(), static_cast<std::size_t>(n)));
    return r;
}

namespace {

// A numeric IPv6 target goes in brackets, in the request target and in
// Host (RFC 9110); 2.6 sends it bare. tinyproxy takes both forms.
std::string host_text(const ProxyConfig& cfg)
{
    bool v6 = cfg.target_host.find(':') != std::string::npos;
    return v6 ? "[" + cfg.target_host + "]" : cfg.target_host;
}

std::string host_port(const ProxyConfig& cfg)
{
    return strfmt("%s:%u", host_text(cfg).c_str(), static_cast<unsigned>(cfg.target_port));
}

bool is_host_header(const std::string& line)
{
    return line.size() >= 5 && ::strncasecmp(line.c_str(), "Host:", 5) == 0;
}

} // namespace

std::vector<std::string> http_request_log_lines(const ProxyConfig& cfg)
{
    std::vector<std::string> lines;
    lines.push_back(strfmt("CONNECT %s HTTP/%s", host_port(cfg).c_str(), cfg.http_version.c_str()));
    bool host_sent = false;
    for (const auto& h : cfg.custom_headers) {
        lines.push_back(h);
        host_sent = host_sent || is_host_header(h);
    }
    if (!host_sent)
        lines.push_back("Host: " + host_text(cfg));
    if (!cfg.user_agent.empty())
        lines.push_back("User-Agent: " + cfg.user_agent);
    return lines;
}

SecureBytes http_connect_request(const ProxyConfig& cfg)
{
    SecureBytes req;
    for (const auto& l : http_request_log_lines(cfg)) {
        append(req, l);
        append(req, "\r\n");
    }
    if (!cfg.user.empty()) {
        SecureBytes cred;
        append(cred, cfg.user);
        append(cred, ":");
        append(cred, cfg.password.span());
        SecureBytes b64 = base64_encode(cred.span());
        append(req, "Proxy-Authorization: Basic ");
        append(req, b64.span());
        append(req, "\r\n");
    }
    append(req, "\r\n");
    return req;
}

Result<int> parse_http_status_line(const std::string& line)
{
    // "HTTP/1.0 200 Connection established": a version token, a space, three
    // digits, then a space or the end of the line.
    if (line.compare(0, 5, "HTTP/") != 0)
        return Err(std::string("not an HTTP status line"));
    auto sp = line.find(' ');
    if (sp == std::string::npos || sp + 4 > line.size())
        return Err(std::string("no status code"));
    int code = 0;
    for (std::size_t i = sp + 1; i < sp + 4; ++i) {
        if (line[i] < '0' || line[i] > '9')
            return Err(std::string("no status code"));
        code = code * 10 + (line[i] - '0');
    }
    if (sp + 4 < line.size() && line[sp + 4] != ' ')
        return Err(std::string("bad status code"));
    if (code < 100)
        return Err(std::string("bad status code"));
    return code;
}

void HttpResponseReader::fail(std::string why)
{
    state_ = State::Error;
    error_ = std::move(why);
}

void HttpResponseReader::end_line()
{
    if (!have_status_) {
        auto code = parse_http_status_line(line_);
        resp_.status_line = line_;
        if (!code) {
            fail(code.error());
            return;
        }
        resp_.status = *code;
        have_status_ = true;
    } else if (line_.empty()) {
        state_ = State::Done;
        return;
    } else {
        if (resp_.headers.size() >= kMaxHeaders) {
            fail("too many header lines");
            return;
        }
        resp_.headers.push_back(line_);
    }
    line_.clear();
}

std::size_t HttpResponseReader::feed(std::span<const std::uint8_t> in)
{
    std::size_t used = 0;
    while (state_ == State::NeedMore && used < in.size()) {
        char c = static_cast<char>(in[used++]);
        if (saw_cr_) {
            saw_cr_ = false;
            if (c != '\n') {
                fail("bare CR in the answer");
                break;
            }
            end_line();
            continue;
        }
        if (c == '\r') {
            saw_cr_ = true;
            continue;
        }
        if (c == '\n') { // tolerate a bare LF line end, as many clients do
            end_line();
            continue;
        }
        if (c == '\0' || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) {
            fail("control character in the answer");
            break;
        }
        if (line_.size() >= kMaxLine) {
            fail("line too long");
            break;
        }
        line_.push_back(c);
    }
    return used;
}

std::vector<std::uint8_t> socks5_greeting(bool with_userpass)
{
    // As 2.6: offer exactly one method, the one we are going to use.
    return {0x05, 0x01, static_cast<std::uint8_t>(with_userpass ? 0x02 : 0x00)};
}

Result<std::uint8_t> parse_socks5_method_reply(std::span<const std::uint8_t> in, bool offered_userpass)
{
    if (in.size() != 2)
        return Err(std::string("method reply has the wrong size"));
    if (in[0] != 0x05)
        return Err(strfmt("not a SOCKS5 server (version %u)", in[0]));
    if (in[1] == 0xFF)
        return Err(std::string(offered_userpass
                                   ? "proxy accepts no offered method (username/password refused)"
                                   : "proxy requires authentication (no acceptable method)"));
    std::uint8_t want = offered_userpass ? 0x02 : 0x00;
    if (in[1] != want)
        return Err(strfmt("proxy chose method %u, which we did not offer", in[1]));
    return in[1];
}

Result<SecureBytes> socks5_userpass_request(const std::string& user, const SecureBytes& password)
{
    if (user.empty() || user.size() > 255 || password.empty() || password.size() > 255)
        return Err(std::string("SOCKS username and password must be 1 to 255 characters"));
    SecureBytes r(3 + user.size() + password.size());
    std::size_t i = 0;
    r[i++] = 0x01;
    r[i++] = static_cast<std::uint8_t>(user.size());
    std::memcpy(r.data() + i, user.data(), user.size());
    i += user.size();
    r[i++] = static_cast<std::uint8_t>(password.size());
    std::memcpy(r.data() + i, password.data(), password.size());
    return r;
}

Status<> parse_socks5_userpass_reply(std::span<const std::uint8_t> in)
{
    if (in.size() != 2)
        return Err(std::string("authentication reply has the wrong size"));
    if (in[0] != 0x01)
        return Err(strfmt("bad authentication reply version %u", in[0]));
    if (in[1] != 0x00)
        return Err(strfmt("proxy refused the username/password (status %u)", in[1]));
    return Ok{};
}

Result<std::vector<std::uint8_t>> socks5_connect_request(const std::string& host, std::uint16_t port)
{
    std::vector<std::uint8_t> r{0x05, 0x01, 0x00};
    in_addr a4{};
    in6_addr a6{};
    if (::inet_pton(AF_INET, host.c_str(), &a4) == 1) {
        r.push_back(0x01);
        auto* p = reinterpret_cast<const std::uint8_t*>(&a4);
        r.insert(r.end(), p, p + 4);
    } else if (::inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
        r.push_back(0x04);
        auto* p = reinterpret_cast<const std::uint8_t*>(&a6);
        r.insert(r.end(), p, p + 16);
    } else {
        if (host.empty() || host.size() > 255 || has_ctl(host))
            return Err(strfmt("SOCKS5: target host name '%s' cannot be sent (1..255 characters)",
                              host.size() > 64 ? (host.substr(0, 64) + "...").c_str() : host.c_str()));
        r.push_back(0x03);
        r.push_back(static_cast<std::uint8_t>(host.size()));
        r.insert(r.end(), host.begin(), host.end());
    }
    r.push_back(static_cast<std::uint8_t>(port >> 8));
    r.push_back(static_cast<std::uint8_t>(port & 0xFF));
    return r;
}

Result<std::size_t> socks5_reply_size(std::span<const std::uint8_t> in)
{
    if (!in.empty() && in[0] != 0x05)
        return Err(strfmt("not a SOCKS5 reply (version %u)", in[0]));
    if (in.size() < 4)
        return std::size_t{0};
    switch (in[3]) {
    case 0x01:
        return std::size_t{4 + 4 + 2};
    case 0x04:
        return std::size_t{4 + 16 + 2};
    case 0x03:
        if (in.size() < 5)
            return std::size_t{0};
        return std::size_t{4 + 1 + 2} + in[4];
    default:
        return Err(strfmt("SOCKS5 reply has an unknown address type %u", in[3]));
    }
}

Result<Socks5Reply> parse_socks5_reply(std::span<const std::uint8_t> in)
{
    auto need = socks5_reply_size(in);
    if (!need)
        return Err(need.error());
    if (*need == 0 || in.size() != *need)
        return Err(std::string("SOCKS5 reply has the wrong size"));
    Socks5Reply r;
    r.rep = in[1];
    std::size_t n = in.size();
    unsigned port = (static_cast<unsigned>(in[n - 2]) << 8) | in[n - 1];
    char buf[INET6_ADDRSTRLEN] = {};
    if (in[3] == 0x01) {
        ::inet_ntop(AF_INET, in.data() + 4, buf, sizeof buf);
        r.bound = strfmt("%s:%u", buf, port);
    } else if (in[3] == 0x04) {
        ::inet_ntop(AF_INET6, in.data() + 4, buf, sizeof buf);
        r.bound = strfmt("[%s]:%u", buf, port);
    } else {
        std::string name(reinterpret_cast<const char*>(in.data() + 5), in[4]);
        for (auto& c : name)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
                c = '?';
        r.bound = strfmt("%s:%u", name.c_str(), port);
    }
    return r;
}

const char* socks5_reply_text(std::uint8_t rep)
{
    switch (rep) {
    case 0x00:
        return "succeeded";
    case 0x01:
        return "general SOCKS server failure";
    case 0x02:
        return "connection not allowed by ruleset";
    case 0x03:
        return "Network unreachable";
    case 0x04:
        return "Host unreachable";
    case 0x05:
        return "Connection refused";
    case 0x06:
        return "TTL expired";
    case 0x07:
        return "Command not supported";
    case 0x08:
        return "Address type not supported";
    default:
        return "unassigned reply code";
    }
}

} // namespace proxy_wire

// ================================================================== options

namespace {

struct UserPass {
    std::string user;
    SecureBytes pass;
};

// read_user_pass: 2.6's auth file: the user name on the first line, the
// password on the second (CR LF or LF line ends).
Result<UserPass> read_user_pass(const std::string& what, const std::string& path,
                                const std::string* inline_text)
{
    SecureBytes text;
    if (inline_text) {
        append(text, *inline_text);
    } else {
        if (path == "stdin")
            return Err(strfmt("%s: reading the user name and password from stdin is not supported; give an "
                              "auth file",
                              what.c_str()));
        // Plain read(2) into wiped buffers: no stdio buffer keeps a copy.
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return Err(strfmt("Error opening '%s' auth file: %s: %s", what.c_str(), path.c_str(),
                              std::strerror(errno)));
        std::uint8_t buf[512];
        for (;;) {
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || text.size() > 65536)
                break;
            append(text, std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
        }
        ::close(fd);
        OPENSSL_cleanse(buf, sizeof buf);
    }
    // Split into the first two lines without copying the password into a
    // std::string.
    std::size_t i = 0, n = text.size();
    auto line_end = [&](std::size_t from) {
        std::size_t e = from;
        while (e < n && text[e] != '\n')
            ++e;
        return e;
    };
    std::size_t e1 = line_end(i);
    std::size_t u_end = e1;
    if (u_end > i && text[u_end - 1] == '\r')
        --u_end;
    UserPass up;
    up.user.assign(reinterpret_cast<const char*>(text.data()), u_end);
    if (e1 + 1 >= n) // no second line at all
        return Err(strfmt("%s: the auth file has no password line (user name on line 1, password on line 2)",
                          what.c_str()));
    std::size_t p0 = e1 + 1;
    std::size_t e2 = line_end(p0);
    std::size_t p_end = e2;
    if (p_end > p0 && text[p_end - 1] == '\r')
        --p_end;
    up.pass = SecureBytes(std::span<const std::uint8_t>(text.data() + p0, p_end - p0));
    if (up.user.empty())
        return Err(strfmt("%s: the auth file has an empty user name", what.c_str()));
    if (has_ctl(up.user))
        return Err(strfmt("%s: the user name contains a control character", what.c_str()));
    return up;
}

Result<std::uint16_t> port_number(const std::string& s, const char* what)
{
    if (s.empty() || s.size() > 5 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return Err(strfmt("%s: bad port number '%s'", what, s.c_str()));
    unsigned long v = std::stoul(s);
    if (v == 0 || v > 65535)
        return Err(strfmt("%s: bad port number '%s'", what, s.c_str()));
    return static_cast<std::uint16_t>(v);
}

// The transport of the entry: a lone --remote's own proto wins.
const std::string& proto_of(const options::ConnectionEntry& ce)
{
    if (ce.remotes.size() == 1 && ce.remotes.front().proto)
        return *ce.remotes.front().proto;
    return ce.proto;
}

} // namespace

Result<ProxyConfig> proxy_config_from(const options::ConnectionEntry& ce, const std::string& target_host,
                                      std::uint16_t target_port)
{
    return proxy_config_from(ce, target_host, target_port, nullptr);
}

Result<ProxyConfig> proxy_config_from(const options::ConnectionEntry& ce, const std::string& target_host,
                                      std::uint16_t target_port, const options::FileRef* http_proxy_user_pass)
{
    ProxyConfig cfg;
    cfg.target_host = target_host;
    cfg.target_port = target_port;
    if (target_host.empty() || has_ctl(target_host))
        return Err(std::string("proxy: bad target host name"));
    if (ce.connect_timeout && *ce.connect_timeout > 0)
        cfg.timeout = std::chrono::seconds(*ce.connect_timeout);

    if (ce.http_proxy) {
        const auto& hp = *ce.http_proxy;
        cfg.kind = ProxyConfig::Kind::Http;
        cfg.proxy_host = hp.host;
        auto port = port_number(hp.port, "--http-proxy");
        if (!port)
            return Err(port.error());
        cfg.proxy_port = *port;
        const std::string& proto = proto_of(ce);
        if (proto.rfind("tcp", 0) != 0 || proto.find("server") != std::string::npos)
            return Err(std::string("--http-proxy MUST be used in TCP Client mode (i.e. --proto tcp-client)"));

        // [authfile|auto|auto-nct] [method]; method defaults to basic when an
        // auth file is given, to none otherwise (2.6).
        std::string method = "none";
        if (!hp.extra.empty()) {
            const std::string& a = hp.extra[0];
            if (a == "auto" || a == "auto-nct") {
                if (hp.extra.size() > 1)
                    return Err(strfmt("--http-proxy %s takes no authentication method after it", a.c_str()));
                cfg.http_auth_auto = true;
                cfg.http_auth_no_cleartext = a == "auto-nct";
                method = "auto";
            } else {
                method = hp.extra.size() > 1 ? hp.extra[1] : "basic";
            }
        }
        if (method == "auto") {
            // Credentials only if given inline or by file; used only if the
            // proxy asks for them.
            if (http_proxy_user_pass) {
                auto r = read_user_pass("HTTP Proxy", http_proxy_user_pass->path,
                                        http_proxy_user_pass->is_inline ? &http_proxy_user_pass->content
                                                                        : nullptr);
                if (!r)
                    return Err(r.error());
                if (r->user.find(':') != std::string::npos)
                    return Err(std::string("HTTP Proxy: a Basic user name cannot contain ':'"));
                cfg.user = std::move(r->user);
                cfg.password = std::move(r->pass);
            }
        } else if (method == "basic") {
            UserPass up;
            if (http_proxy_user_pass) {
                auto r = read_user_pass("HTTP Proxy", http_proxy_user_pass->path,
                                        http_proxy_user_pass->is_inline ? &http_proxy_user_pass->content
                                                                        : nullptr);
                if (!r)
                    return Err(r.error());
                up = std::move(r).value();
            } else {
                auto r = read_user_pass("HTTP Proxy", hp.extra[0], nullptr);
                if (!r)
                    return Err(r.error());
                up = std::move(r).value();
            }
            if (up.user.find(':') != std::string::npos)
                return Err(std::string("HTTP Proxy: a Basic user name cannot contain ':'"));
            cfg.user = std::move(up.user);
            cfg.password = std::move(up.pass);
        } else if (method == "ntlm" || method == "ntlm2") {
            return Err(
                strfmt("--http-proxy: NTLM proxy authentication ('%s') is not supported", method.c_str()));
        } else if (method == "digest") {
            return Err(std::string("--http-proxy: Digest proxy authentication is not supported"));
        } else if (method != "none") {
            return Err(strfmt("ERROR: unknown HTTP authentication method: '%s'", method.c_str()));
        }

        for (const auto& o : ce.http_proxy_options) {
            if (o.empty())
                continue;
            const std::string& t = o[0];
            if (t == "VERSION" && o.size() == 2) {
                cfg.http_version = o[1];
            } else if (t == "AGENT" && o.size() == 2) {
                cfg.user_agent = o[1];
            } else if (t == "CUSTOM-HEADER" && (o.size() == 2 || o.size() == 3)) {
                if (cfg.custom_headers.size() >= 10)
                    return Err(std::string("Cannot add more than 10 custom headers to the HTTP proxy"));
                cfg.custom_headers.push_back(o.size() == 3 ? o[1] + ": " + o[2] : o[1]);
            } else {
                return Err(strfmt("Bad http-proxy-option or missing or extra parameter: '%s'", t.c_str()));
            }
        }
        if (has_ctl(cfg.http_version) || has_ctl(cfg.user_agent) ||
            std::any_of(cfg.custom_headers.begin(), cfg.custom_headers.end(), has_ctl))
            return Err(std::string("--http-proxy-option: a value contains a line break"));
        return cfg;
    }

    if (ce.socks_proxy) {
        const auto& sp = *ce.socks_proxy;
        cfg.kind = ProxyConfig::Kind::Socks5;
        cfg.proxy_host = sp.host;
        auto port = port_number(sp.port.empty() ? std::string("1080") : sp.port, "--socks-proxy");
        if (!port)
            return Err(port.error());
        cfg.proxy_port = *port;
        const std::string& proto = proto_of(ce);
        if (proto.rfind("tcp", 0) != 0)
            return Err(std::string("--socks-proxy over UDP (SOCKS5 UDP ASSOCIATE) is not supported; use "
                                   "--proto tcp-client"));
        if (proto.find("server") != std::string::npos)
            return Err(std::string("--socks-proxy can not be used in TCP Server mode"));
        if (!sp.extra.empty()) {
            auto r = read_user_pass("SOCKS Proxy", sp.extra[0], nullptr);
            if (!r)
                return Err(r.error());
            if (r->user.size() > 255 || r->pass.size() > 255 || r->pass.empty())
                return Err(
                    std::string("SOCKS username and/or password exceeds 255 characters (or the password is "
                                "empty). Authentication not possible."));
            cfg.user = std::move(r->user);
            cfg.password = std::move(r->pass);
        }
        return cfg;
    }
    return Err(std::string("proxy: the connection entry has no --http-proxy or --socks-proxy"));
}

// =================================================================== driver

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

// wait_for: poll one fd for `events` until the deadline. Returns "" when
// ready, else the reason.
// Deadline: when a step gives up, and the caller's cancel fd (readable =
// stop now; e.g. the event loop's signalfd).
struct Deadline {
    Clock::time_point at;
    int cancel_fd = -1;
};

std::string wait_for(int fd, short events, const Deadline& deadline)
{
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline.at - Clock::now()).count();
        if (left <= 0)
            return "timed out";
        pollfd p[2] = {{fd, events, 0}, {deadline.cancel_fd, POLLIN, 0}};
        int r = ::poll(p, deadline.cancel_fd >= 0 ? 2 : 1,
                       static_cast<int>(std::min<long long>(left, 1000 * 3600)));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return strfmt("poll: %s", std::strerror(errno));
        }
        if (r == 0)
            continue; // re-check the deadline
        if (deadline.cancel_fd >= 0 && p[1].revents != 0)
            return "interrupted";
        return "";
    }
}

Status<> send_all(int fd, std::span<const std::uint8_t> data, const Deadline& deadline)
{
    std::size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            auto w = wait_for(fd, POLLOUT, deadline);
            if (!w.empty())
                return Err("write to the proxy " + w);
            continue;
        }
        return Err(strfmt("write to the proxy failed: %s", std::strerror(errno)));
    }
    return Ok{};
}

// recv_some: up to `max` bytes (MSG_PEEK when peek). 0 bytes = closed.
Result<std::size_t> recv_some(int fd, std::uint8_t* buf, std::size_t max, bool peek, const Deadline& deadline)
{
    for (;;) {
        ssize_t n = ::recv(fd, buf, max, peek ? MSG_PEEK : 0);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            auto w = wait_for(fd, POLLIN, deadline);
            if (!w.empty())
                return Err("read from the proxy " + w);
            continue;
        }
        return Err(strfmt("read from the proxy failed: %s", std::strerror(errno)));
    }
}

Status<> recv_exact(int fd, std::uint8_t* buf, std::size_t n, const Deadline& deadline)
{
    std::size_t got = 0;
    while (got < n) {
        auto r = recv_some(fd, buf + got, n - got, false, deadline);
        if (!r)
            return Err(r.error());
        if (*r == 0)
            return Err(std::string("the proxy closed the connection"));
        got += *r;
    }
    return Ok{};
}

void logf(Logger* log, Verb v, const char* fmt, const std::string& a)
{
    if (log)
        log->logf(v, fmt, a.c_str());
}

// The auto method met a 407 that offers Basic: the caller reconnects with
// the credentials (a marker, never shown).
constexpr const char* kRetryWithBasic = "\x01retry-with-basic";

Status<> http_handshake(int fd, const ProxyConfig& cfg, Logger* log, const Deadline& deadline)
{
    for (const auto& l : proxy_wire::http_request_log_lines(cfg))
        logf(log, kVerbProxy, "Send to HTTP proxy: '%s'", l);
    if (!cfg.user.empty())
        logf(log, kVerbProxy, "%s", std::string("Attempting Basic Proxy-Authorization"));
    {
        SecureBytes req = proxy_wire::http_connect_request(cfg);
        auto st = send_all(fd, req.span(), deadline);
        if (!st)
            return st;
    }
    proxy_wire::HttpResponseReader rd;
    std::uint8_t buf[1024];
    bool logged_status = false;
    while (rd.state() == proxy_wire::HttpResponseReader::State::NeedMore) {
        // Peek, let the reader take what belongs to the answer, then consume
        // exactly that: the tunnel stream right after the blank line stays
        // in the socket.
        auto n = recv_some(fd, buf, sizeof buf, true, deadline);
        if (!n)
            return Err("HTTP proxy: " + n.error());
        if (*n == 0)
            return Err(std::string(rd.response().status_line.empty()
                                       ? "HTTP proxy closed the connection without an answer"
                                       : "HTTP proxy closed the connection in the middle of its answer"));
        std::size_t used = rd.feed(std::span<const std::uint8_t>(buf, *n));
        if (used > 0) {
            auto st = recv_exact(fd, buf, used, deadline);
            if (!st)
                return Err("HTTP proxy: " + st.error());
        }
        if (!logged_status && !rd.response().status_line.empty()) {
            logged_status = true;
            logf(log, kVerbProxy, "HTTP proxy returned: '%s'", rd.response().status_line);
        }
    }
    if (rd.state() == proxy_wire::HttpResponseReader::State::Error) {
        std::string line = rd.response().status_line;
        if (line.size() > 120)
            line = line.substr(0, 120) + "...";
        return Err(strfmt("HTTP proxy returned a bad answer (%s)%s%s", rd.error().c_str(),
                          line.empty() ? "" : ": ", line.c_str()));
    }
    const auto& resp = rd.response();
    if (resp.status == 407) {
        logf(log, kVerbProxy, "%s", std::string("Proxy requires authentication"));
        std::string how;
        bool basic = false;
        for (const auto& h : resp.headers) {
            if (h.size() > 20 && ::strncasecmp(h.c_str(), "Proxy-Authenticate:", 19) == 0) {
                std::string v = h.substr(19);
                v.erase(0, v.find_first_not_of(" \t"));
                how += (how.empty() ? " " : ", ") + v;
                if (::strncasecmp(v.c_str(), "Basic", 5) == 0 && (v.size() == 5 || v[5] == ' '))
                    basic = true;
            }
        }
        if (cfg.http_auth_auto && cfg.user.empty() && basic) {
            logf(log, kVerbProxy, "PROXY AUTH BASIC:%s", how);
            if (cfg.http_auth_no_cleartext)
                return Err(
                    std::string("HTTP proxy: support for basic auth and other cleartext proxy auth methods "
                                "is disabled (auto-nct)"));
            return Err(std::string(kRetryWithBasic));
        }
        return Err(
            strfmt("HTTP proxy returned: '%s' (%s%s%s)", resp.status_line.c_str(),
                   cfg.user.empty() ? "no credentials configured" : "the proxy refused the Basic credentials",
                   how.empty() ? "" : "; it asks for", how.c_str()));
    }
    if (resp.status != 200)
        return Err(strfmt("HTTP proxy returned bad status: '%s'", resp.status_line.c_str()));
    return Ok{};
}

Status<> socks_handshake(int fd, const ProxyConfig& cfg, const Deadline& deadline)
{
    bool auth = !cfg.user.empty();
    auto greet = proxy_wire::socks5_greeting(auth);
    auto st = send_all(fd, greet, deadline);
    if (!st)
        return Err("SOCKS proxy: " + st.error());
    std::uint8_t b[4 + 1 + 255 + 2];
    st = recv_exact(fd, b, 2, deadline);
    if (!st)
        return Err("SOCKS proxy: " + st.error());
    auto m = proxy_wire::parse_socks5_method_reply(std::span<const std::uint8_t>(b, 2), auth);
    if (!m)
        return Err("SOCKS proxy: " + m.error());
    if (auth) {
        auto req = proxy_wire::socks5_userpass_request(cfg.user, cfg.password);
        if (!req)
            return Err("SOCKS proxy: " + req.error());
        st = send_all(fd, req->span(), deadline);
        if (!st)
            return Err("SOCKS proxy: " + st.error());
        st = recv_exact(fd, b, 2, deadline);
        if (!st)
            return Err("SOCKS proxy: " + st.error());
        st = proxy_wire::parse_socks5_userpass_reply(std::span<const std::uint8_t>(b, 2));
        if (!st)
            return Err("SOCKS proxy: " + st.error());
    }
    auto creq = proxy_wire::socks5_connect_request(cfg.target_host, cfg.target_port);
    if (!creq)
        return Err(creq.error());
    st = send_all(fd, *creq, deadline);
    if (!st)
        return Err("SOCKS proxy: " + st.error());
    // VER REP RSV ATYP and the first address byte tell the reply's size.
    st = recv_exact(fd, b, 5, deadline);
    if (!st)
        return Err("SOCKS proxy: " + st.error());
    auto size = proxy_wire::socks5_reply_size(std::span<const std::uint8_t>(b, 5));
    if (!size)
        return Err("SOCKS proxy: " + size.error());
    st = recv_exact(fd, b + 5, *size - 5, deadline);
    if (!st)
        return Err("SOCKS proxy: " + st.error());
    auto rep = proxy_wire::parse_socks5_reply(std::span<const std::uint8_t>(b, *size));
    if (!rep)
        return Err("SOCKS proxy: " + rep.error());
    if (rep->rep != 0)
        return Err(strfmt("SOCKS proxy returned reply %u (%s) for CONNECT %s:%u", rep->rep,
                          proxy_wire::socks5_reply_text(rep->rep), cfg.target_host.c_str(),
                          static_cast<unsigned>(cfg.target_port)));
    return Ok{};
}

// connect_one: a non-blocking connect to one proxy address within the
// deadline.
Result<int> connect_one(const SockAddr& a, int mark, const Deadline& deadline)
{
    Fd fd(::socket(a.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        return Err(strfmt("socket: %s", std::strerror(errno)));
    if (auto e = mark_and_bind(fd.get(), "TCP", mark, std::nullopt))
        return Err(*e);
    if (::connect(fd.get(), a.sa(), a.len) != 0) {
        if (errno != EINPROGRESS)
            return Err(std::string(std::strerror(errno)));
        auto w = wait_for(fd.get(), POLLOUT, deadline);
        if (!w.empty())
            return Err(w == "timed out" ? std::string("Connection timed out") : w);
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = errno;
        if (err != 0)
            return Err(std::string(std::strerror(err)));
    }
    return fd.release();
}

Result<int> proxy_connect_once(const ProxyConfig& cfg, Logger* log)
{
    const char* kind = cfg.kind == ProxyConfig::Kind::Http ? "HTTP proxy" : "SOCKS proxy";
    auto addrs = resolve(cfg.proxy_host, cfg.proxy_port, Family::Any, SockType::Stream);
    if (!addrs)
        return Err(strfmt("%s: %s", kind, addrs.error().c_str()));
    if (addrs->empty())
        return Err(strfmt("%s: no address for %s", kind, cfg.proxy_host.c_str()));
    std::string last;
    for (const auto& a : *addrs) {
        const Deadline deadline{Clock::now() + cfg.timeout, cfg.cancel_fd};
        logf(log, kVerbLink, "Attempting to establish TCP connection with %s", a.to_string());
        auto fd = connect_one(a, cfg.mark, deadline);
        if (!fd) {
            last = strfmt("TCP: connect to %s failed: %s", a.to_string().c_str(), fd.error().c_str());
            if (log)
                log->write(kVerbLink, last);
            continue;
        }
        Fd guard(*fd);
        logf(log, kVerbLink, "TCP connection established with %s", a.to_string());
        auto st = cfg.kind == ProxyConfig::Kind::Http ? http_handshake(guard.get(), cfg, log, deadline)
                                                      : socks_handshake(guard.get(), cfg, deadline);
        if (!st) {
            // The proxy answered: another address of the same proxy would
            // most likely answer the same, so stop here as 2.6 does.
            if (log && st.error() != kRetryWithBasic)
                log->write(kVerbLink, st.error());
            return Err(st.error());
        }
        return guard.release();
    }
    return Err(last);
}

} // namespace

Result<int> proxy_connect(const ProxyConfig& cfg)
{
    return proxy_connect(cfg, nullptr);
}

Result<int> proxy_connect(const ProxyConfig& cfg, Logger* log)
{
    if (cfg.kind != ProxyConfig::Kind::Http || !cfg.http_auth_auto)
        return proxy_connect_once(cfg, log);
    // auto: the first request goes without credentials.
    ProxyConfig first = cfg;
    first.user.clear();
    first.password.wipe();
    auto r = proxy_connect_once(first, log);
    if (r || r.error() != kRetryWithBasic)
        return r;
    if (cfg.user.empty())
        return Err(std::string("HTTP proxy requires Basic authentication and no credentials were given "
                               "(--http-proxy-user-pass)"));
    ProxyConfig second = cfg;
    second.http_auth_auto = false;
    return proxy_connect_once(second, log);
}

} // namespace ovpn::io
