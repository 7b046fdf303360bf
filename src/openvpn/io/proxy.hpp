// io/proxy.hpp: reaching a TCP remote through an HTTP proxy (CONNECT, with
// optional Basic auth) or a SOCKS5 proxy (no auth or RFC 1929 user/password),
// as 2.6's --http-proxy / --socks-proxy do for proto tcp-client.
//
// Two halves:
//  - pure builders and parsers (namespace proxy_wire below): bytes in, a
//    result out, no I/O, no logging; unit-tested against hostile answers;
//  - proxy_connect(): a thin blocking driver (2.6 is blocking here too) that
//    resolves and connects to the proxy, runs the handshake with poll()
//    timeouts and hands back a connected fd carrying the target stream.
// Nothing here ever logs or returns the password (it lives in SecureBytes).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "openvpn/core/log.hpp"
#include "openvpn/core/result.hpp"
#include "openvpn/core/secure.hpp"
#include "openvpn/options/options.hpp"

namespace ovpn::io {

struct ProxyConfig {
    enum class Kind { Http, Socks5 } kind = Kind::Http;
    std::string proxy_host;
    std::uint16_t proxy_port = 0;
    std::string target_host;
    std::uint16_t target_port = 0;
    std::string user;     // empty: no authentication
    SecureBytes password; // HTTP Basic / SOCKS5 user-pass (RFC 1929)
    std::string http_version = "1.0";
    std::string user_agent;                  // empty: no User-Agent header
    std::vector<std::string> custom_headers; // whole "Name: value" lines, in order
    // 2.6 bounds each proxy read by what is left of --server-poll-timeout,
    // whose default is 120 s; we apply it to the connect and to each read.
    std::chrono::seconds timeout{120};
    int mark = 0; // --mark (SO_MARK) on the socket to the proxy; 0 = none
    // --http-proxy host port auto|auto-nct: first ask without credentials;
    // when the proxy answers 407 and offers Basic, connect again with
    // user/password (from --http-proxy-user-pass). auto-nct refuses Basic
    // (no clear-text credentials), as 2.6 does.
    bool http_auth_auto = false;
    bool http_auth_no_cleartext = false;
    // cancel_fd: when >= 0, proxy_connect gives up ("interrupted") as soon
    // as this fd is readable, e.g. the event loop's signalfd, so SIGTERM
    // does not wait for the timeout. Never read, only polled.
    int cancel_fd = -1;
};

// proxy_config_from: the proxy settings of one connection entry for the
// resolved target. Reads the --http-proxy authfile (or, when given, the
// --http-proxy-user-pass file or inline block, which 2.6 prefers) and the
// --socks-proxy authfile: user name on the first line, password on the
// second. --http-proxy-option VERSION / AGENT / CUSTOM-HEADER are applied.
// 'auto' / 'auto-nct' take the credentials from --http-proxy-user-pass only
// (we never prompt) and understand Basic only. Clear errors for what we do
// not do: ntlm / ntlm2, digest, 'stdin' prompting, --socks-proxy over UDP
// (UDP ASSOCIATE).
// Errors when ce has neither proxy.
Result<ProxyConfig> proxy_config_from(const options::ConnectionEntry& ce, const std::string& target_host,
                                      std::uint16_t target_port);
// The same, with the top-level --http-proxy-user-pass (Options lives outside
// the connection entry in our option struct). nullptr = not given.
Result<ProxyConfig> proxy_config_from(const options::ConnectionEntry& ce, const std::string& target_host,
                                      std::uint16_t target_port,
                                      const options::FileRef* http_proxy_user_pass);

// proxy_connect: blocking, bounded by cfg.timeout per proxy address.
// Resolves the proxy, connects (trying each address in turn), performs the
// CONNECT / SOCKS5 handshake and returns the connected fd, owned by the
// caller, non-blocking and close-on-exec (ready for adopt_tcp()), positioned
// at the first byte of the target's stream. Errors say what the proxy
// answered (HTTP status line, SOCKS reply code). Logs 2.6's lines
// ("Attempting to establish TCP connection with [AF_INET]a.b.c.d:port",
// "HTTP proxy returned: '...'") to log when given; never the password.
Result<int> proxy_connect(const ProxyConfig& cfg);
Result<int> proxy_connect(const ProxyConfig& cfg, Logger* log);

namespace proxy_wire {

// ---- HTTP CONNECT

// http_connect_request: the whole request up to and including the blank
// line: "CONNECT host:port HTTP/1.0", custom headers, Host (unless a custom
// header already is one), User-Agent, Proxy-Authorization: Basic when a user
// is set. Returned in SecureBytes since it may carry the credentials.
SecureBytes http_connect_request(const ProxyConfig& cfg);
// The same request's lines as they may be logged (no Proxy-Authorization).
std::vector<std::string> http_request_log_lines(const ProxyConfig& cfg);
// base64 (RFC 4648, with padding) of bytes; used for Basic credentials.
SecureBytes base64_encode(std::span<const std::uint8_t> in);

struct HttpResponse {
    std::string status_line; // without CR LF
    int status = 0;          // 200, 407, ...
    std::vector<std::string> headers;
};

// HttpResponseReader: feed the proxy's answer as it arrives; it stops at the
// blank line that ends the headers and never consumes bytes beyond it (the
// tunnel stream follows). Limits: 8 KiB per line, 100 header lines.
class HttpResponseReader {
public:
    enum class State { NeedMore, Done, Error };
    // feed: consumes bytes from in and returns how many it took (all of
    // them unless the answer ended inside in).
    std::size_t feed(std::span<const std::uint8_t> in);
    State state() const noexcept { return state_; }
    const HttpResponse& response() const noexcept { return resp_; }
    const std::string& error() const noexcept { return error_; }

    static constexpr std::size_t kMaxLine = 8192;
    static constexpr std::size_t kMaxHeaders = 100;

private:
    void fail(std::string why);
    void end_line();
    State state_ = State::NeedMore;
    HttpResponse resp_;
    std::string line_;
    bool saw_cr_ = false;
    bool have_status_ = false;
    std::string error_;
};

// parse_http_status_line: "HTTP/1.x NNN reason" -> NNN.
Result<int> parse_http_status_line(const std::string& line);

// ---- SOCKS5 (RFC 1928, RFC 1929)

// Greeting: version 5 and the methods we offer (0 = none, 2 = user/pass).
std::vector<std::uint8_t> socks5_greeting(bool with_userpass);
// The server's method choice (exactly 2 bytes); errors on a wrong version,
// 0xFF (no acceptable method) or a method we did not offer.
Result<std::uint8_t> parse_socks5_method_reply(std::span<const std::uint8_t> in, bool offered_userpass);
// RFC 1929 request; user and password must be 1..255 bytes.
Result<SecureBytes> socks5_userpass_request(const std::string& user, const SecureBytes& password);
// RFC 1929 reply (2 bytes): status 0 = success.
Status<> parse_socks5_userpass_reply(std::span<const std::uint8_t> in);
// CONNECT request: a numeric IPv4 / IPv6 target goes as such, a name as a
// domain (1..255 bytes).
Result<std::vector<std::uint8_t>> socks5_connect_request(const std::string& host, std::uint16_t port);
// socks5_reply_size: the total size of a CONNECT reply from its first bytes
// (0 when more than `in` is needed to tell: 5 bytes suffice). Errors on a
// wrong version or an unknown address type.
Result<std::size_t> socks5_reply_size(std::span<const std::uint8_t> in);
struct Socks5Reply {
    std::uint8_t rep = 0; // 0 = succeeded
    std::string bound;    // BND.ADDR:BND.PORT as text
};
// parse_socks5_reply: a whole reply (exactly socks5_reply_size bytes).
Result<Socks5Reply> parse_socks5_reply(std::span<const std::uint8_t> in);
// RFC 1928 reply codes in words ("Connection refused", ...).
const char* socks5_reply_text(std::uint8_t rep);

} // namespace proxy_wire

} // namespace ovpn::io
