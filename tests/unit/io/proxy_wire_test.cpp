// The pure half of io/proxy: request builders, response parsers and option
// reading, including hostile and truncated answers.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "openvpn/io/proxy.hpp"

using namespace ovpn;
using namespace ovpn::io;
using namespace ovpn::io::proxy_wire;

namespace {

std::span<const std::uint8_t> bytes(const std::string& s)
{
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string str(const SecureBytes& b)
{
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

SecureBytes secret(const std::string& s)
{
    return SecureBytes(bytes(s));
}

ProxyConfig http_cfg()
{
    ProxyConfig c;
    c.kind = ProxyConfig::Kind::Http;
    c.proxy_host = "127.0.0.1";
    c.proxy_port = 3128;
    c.target_host = "vpn.example.net";
    c.target_port = 1194;
    return c;
}

// A temporary file removed at the end of the test.
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& content)
    {
        char tmpl[] = "/tmp/prx_authXXXXXX";
        int fd = ::mkstemp(tmpl);
        EXPECT_GE(fd, 0);
        path = tmpl;
        EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
        ::close(fd);
    }
    ~TempFile() { ::unlink(path.c_str()); }
};

options::ConnectionEntry tcp_entry()
{
    options::ConnectionEntry ce;
    ce.proto = "tcp-client";
    return ce;
}

} // namespace

// ---------------------------------------------------------------- base64

TEST(ProxyWire, Base64MatchesRfc4648)
{
    EXPECT_EQ(str(base64_encode(bytes(""))), "");
    EXPECT_EQ(str(base64_encode(bytes("f"))), "Zg==");
    EXPECT_EQ(str(base64_encode(bytes("fo"))), "Zm8=");
    EXPECT_EQ(str(base64_encode(bytes("foo"))), "Zm9v");
    EXPECT_EQ(str(base64_encode(bytes("foobar"))), "Zm9vYmFy");
    EXPECT_EQ(str(base64_encode(bytes("user:pass"))), "dXNlcjpwYXNz");
}

// ------------------------------------------------------------ HTTP request

TEST(ProxyWire, HttpRequestWithoutAuth)
{
    auto c = http_cfg();
    EXPECT_EQ(str(http_connect_request(c)), "CONNECT vpn.example.net:1194 HTTP/1.0\r\n"
                                            "Host: vpn.example.net\r\n"
                                            "\r\n");
}

TEST(ProxyWire, HttpRequestWithBasicAuthHeadersAndAgent)
{
    auto c = http_cfg();
    c.user = "user";
    c.password = secret("pass");
    c.http_version = "1.1";
    c.user_agent = "Mozilla/5.0";
    c.custom_headers = {"X-Test: 1", "Connection: keep-alive"};
    EXPECT_EQ(str(http_connect_request(c)), "CONNECT vpn.example.net:1194 HTTP/1.1\r\n"
                                            "X-Test: 1\r\n"
                                            "Connection: keep-alive\r\n"
                                            "Host: vpn.example.net\r\n"
                                            "User-Agent: Mozilla/5.0\r\n"
                                            "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n"
                                            "\r\n");
    // The loggable lines carry neither the password nor its encoding.
    for (const auto& l : http_request_log_lines(c)) {
        EXPECT_EQ(l.find("pass"), std::string::npos) << l;
        EXPECT_EQ(l.find("dXNlcjpwYXNz"), std::string::npos) << l;
        EXPECT_EQ(l.find("Authorization"), std::string::npos) << l;
    }
}

TEST(ProxyWire, HttpRequestCustomHostHeaderReplacesOurs)
{
    auto c = http_cfg();
    c.custom_headers = {"host: front.example.com"};
    auto r = str(http_connect_request(c));
    EXPECT_NE(r.find("host: front.example.com\r\n"), std::string::npos);
    EXPECT_EQ(r.find("Host: vpn.example.net"), std::string::npos);
}

TEST(ProxyWire, HttpRequestBracketsAnIpv6Target)
{
    auto c = http_cfg();
    c.target_host = "fd00::1";
    c.target_port = 443;
    EXPECT_EQ(str(http_connect_request(c)).rfind("CONNECT [fd00::1]:443 HTTP/1.0\r\nHost: [fd00::1]\r\n", 0),
              0u);
}

// ----------------------------------------------------------- HTTP answer

TEST(ProxyWire, StatusLine)
{
    EXPECT_EQ(*parse_http_status_line("HTTP/1.0 200 Connection established"), 200);
    EXPECT_EQ(*parse_http_status_line("HTTP/1.1 407 Proxy Authentication Required"), 407);
    EXPECT_EQ(*parse_http_status_line("HTTP/1.1 200"), 200);
    EXPECT_FALSE(parse_http_status_line("").ok());
    EXPECT_FALSE(parse_http_status_line("SSH-2.0-OpenSSH_9.2").ok());
    EXPECT_FALSE(parse_http_status_line("HTTP/1.1").ok());
    EXPECT_FALSE(parse_http_status_line("HTTP/1.1 20").ok());
    EXPECT_FALSE(parse_http_status_line("HTTP/1.1 2000 x").ok());
    EXPECT_FALSE(parse_http_status_line("HTTP/1.1 abc OK").ok());
    EXPECT_FALSE(parse_http_status_line("HTTP/1.1 099 low").ok());
}

TEST(ProxyWire, ReaderStopsAtTheBlankLineAndLeavesTheTunnelBytes)
{
    std::string answer = "HTTP/1.0 200 Connection established\r\nProxy-agent: tinyproxy/1.11.1\r\n\r\n";
    std::string all = answer + std::string("\x00\x2a\x38", 3); // the start of an OpenVPN TCP frame
    HttpResponseReader rd;
    EXPECT_EQ(rd.feed(bytes(all)), answer.size());
    ASSERT_EQ(rd.state(), HttpResponseReader::State::Done);
    EXPECT_EQ(rd.response().status, 200);
    EXPECT_EQ(rd.response().status_line, "HTTP/1.0 200 Connection established");
    ASSERT_EQ(rd.response().headers.size(), 1u);
    EXPECT_EQ(rd.response().headers[0], "Proxy-agent: tinyproxy/1.11.1");
    // Once done it takes nothing more.
    EXPECT_EQ(rd.feed(bytes("xyz")), 0u);
}

TEST(ProxyWire, ReaderAcceptsTheAnswerOneByteAtATime)
{
    std::string answer = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                         "realm=\"x\"\r\nContent-Length: 0\r\n\r\n";
    HttpResponseReader rd;
    for (std::size_t i = 0; i < answer.size(); ++i) {
        ASSERT_EQ(rd.state(), HttpResponseReader::State::NeedMore) << i;
        EXPECT_EQ(rd.feed(bytes(answer.substr(i, 1))), 1u);
    }
    ASSERT_EQ(rd.state(), HttpResponseReader::State::Done);
    EXPECT_EQ(rd.response().status, 407);
    EXPECT_EQ(rd.response().headers.size(), 2u);
}

TEST(ProxyWire, ReaderWaitsOnAPartialAnswer)
{
    HttpResponseReader rd;
    rd.feed(bytes("HTTP/1.0 200 OK\r\nVia: x\r\n"));
    EXPECT_EQ(rd.state(), HttpResponseReader::State::NeedMore);
    rd.feed(bytes("\r"));
    EXPECT_EQ(rd.state(), HttpResponseReader::State::NeedMore);
    rd.feed(bytes("\n"));
    EXPECT_EQ(rd.state(), HttpResponseReader::State::Done);
}

TEST(ProxyWire, ReaderRejectsHostileAnswers)
{
    {
        HttpResponseReader rd; // not HTTP at all
        rd.feed(bytes("SSH-2.0-OpenSSH_9.2\r\n"));
        EXPECT_EQ(rd.state(), HttpResponseReader::State::Error);
        EXPECT_EQ(rd.response().status_line, "SSH-2.0-OpenSSH_9.2");
    }
    {
        HttpResponseReader rd; // an endless status line
        std::string big(HttpResponseReader::kMaxLine + 10, 'A');
        std::size_t used = rd.feed(bytes("HTTP/1.0 200 " + big));
        EXPECT_EQ(rd.state(), HttpResponseReader::State::Error);
        EXPECT_LE(used, HttpResponseReader::kMaxLine + 1);
        EXPECT_NE(rd.error().find("too long"), std::string::npos);
    }
    {
        HttpResponseReader rd; // endless headers
        std::string a = "HTTP/1.0 200 OK\r\n";
        for (std::size_t i = 0; i <= HttpResponseReader::kMaxHeaders; ++i)
            a += "X: y\r\n";
        rd.feed(bytes(a));
        EXPECT_EQ(rd.state(), HttpResponseReader::State::Error);
    }
    {
        HttpResponseReader rd; // binary garbage
        rd.feed(bytes(std::string("\x05\x00\x00\x01", 4)));
        EXPECT_EQ(rd.state(), HttpResponseReader::State::Error);
    }
    {
        HttpResponseReader rd; // NUL inside a header
        rd.feed(bytes(std::string("HTTP/1.0 200 OK\r\nA: \0b\r\n\r\n", 25)));
        EXPECT_EQ(rd.state(), HttpResponseReader::State::Error);
    }
    {
        HttpResponseReader rd; // bare CR
        rd.feed(bytes("HTTP/1.0 200 OK\rX"));
        EXPECT_EQ(rd.state(), HttpResponseReader::State::Error);
    }
    {
        HttpResponseReader rd; // a blank first line
        rd.feed(bytes("\r\n"));
        EXPECT_EQ(rd.state(), HttpResponseReader::State::Error);
    }
}

// ------------------------------------------------------------------ SOCKS5

TEST(ProxyWire, Socks5Greeting)
{
    EXPECT_EQ(socks5_greeting(false), (std::vector<std::uint8_t>{5, 1, 0}));
    EXPECT_EQ(socks5_greeting(true), (std::vector<std::uint8_t>{5, 1, 2}));
}

TEST(ProxyWire, Socks5MethodReply)
{
    const std::uint8_t none[] = {5, 0}, up[] = {5, 2}, refused[] = {5, 0xFF}, v4[] = {4, 0}, gss[] = {5, 1};
    EXPECT_EQ(*parse_socks5_method_reply(none, false), 0);
    EXPECT_EQ(*parse_socks5_method_reply(up, true), 2);
    EXPECT_FALSE(parse_socks5_method_reply(up, false).ok()); // not offered
    EXPECT_FALSE(parse_socks5_method_reply(none, true).ok());
    EXPECT_FALSE(parse_socks5_method_reply(gss, false).ok());
    auto r = parse_socks5_method_reply(refused, false);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("authentication"), std::string::npos);
    r = parse_socks5_method_reply(v4, false);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("version 4"), std::string::npos);
    EXPECT_FALSE(parse_socks5_method_reply(std::span<const std::uint8_t>(none, 1), false).ok());
    EXPECT_FALSE(parse_socks5_method_reply({}, false).ok());
}

TEST(ProxyWire, Socks5UserPass)
{
    auto r = socks5_userpass_request("bob", secret("s3cret"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(str(*r), std::string("\x01\x03"
                                   "bob\x06s3cret",
                                   12));
    EXPECT_FALSE(socks5_userpass_request("", secret("x")).ok());
    EXPECT_FALSE(socks5_userpass_request("bob", secret("")).ok());
    EXPECT_FALSE(socks5_userpass_request(std::string(256, 'u'), secret("x")).ok());
    EXPECT_FALSE(socks5_userpass_request("bob", secret(std::string(256, 'p'))).ok());
    EXPECT_TRUE(socks5_userpass_request(std::string(255, 'u'), secret(std::string(255, 'p'))).ok());

    const std::uint8_t ok[] = {1, 0}, bad[] = {1, 1}, wrongver[] = {5, 0};
    EXPECT_TRUE(parse_socks5_userpass_reply(ok).ok());
    EXPECT_FALSE(parse_socks5_userpass_reply(bad).ok());
    EXPECT_FALSE(parse_socks5_userpass_reply(wrongver).ok());
    EXPECT_FALSE(parse_socks5_userpass_reply(std::span<const std::uint8_t>(ok, 1)).ok());
}

TEST(ProxyWire, Socks5ConnectRequest)
{
    auto v4 = socks5_connect_request("10.1.2.3", 1194);
    ASSERT_TRUE(v4.ok());
    EXPECT_EQ(*v4, (std::vector<std::uint8_t>{5, 1, 0, 1, 10, 1, 2, 3, 0x04, 0xAA}));
    auto v6 = socks5_connect_request("fd00::1", 443);
    ASSERT_TRUE(v6.ok());
    ASSERT_EQ(v6->size(), 4u + 16 + 2);
    EXPECT_EQ((*v6)[3], 4);
    EXPECT_EQ((*v6)[4], 0xfd);
    EXPECT_EQ((*v6)[19], 1);
    EXPECT_EQ((*v6)[21], 0xBB);
    auto dn = socks5_connect_request("vpn.example", 80);
    ASSERT_TRUE(dn.ok());
    std::vector<std::uint8_t> want{5, 1, 0, 3, 11};
    for (char c : std::string("vpn.example"))
        want.push_back(static_cast<std::uint8_t>(c));
    want.push_back(0);
    want.push_back(80);
    EXPECT_EQ(*dn, want);
    EXPECT_FALSE(socks5_connect_request("", 1).ok());
    EXPECT_FALSE(socks5_connect_request(std::string(256, 'a'), 1).ok());
    EXPECT_TRUE(socks5_connect_request(std::string(255, 'a'), 1).ok());
    EXPECT_FALSE(socks5_connect_request("a\r\nb", 1).ok());
}

TEST(ProxyWire, Socks5ReplySizeFromThePrefix)
{
    const std::uint8_t v4[] = {5, 0, 0, 1, 10}, v6[] = {5, 0, 0, 4, 0}, dn[] = {5, 0, 0, 3, 7},
                       bad_atyp[] = {5, 0, 0, 9, 0}, bad_ver[] = {4, 90, 0, 0};
    EXPECT_EQ(*socks5_reply_size(v4), 10u);
    EXPECT_EQ(*socks5_reply_size(v6), 22u);
    EXPECT_EQ(*socks5_reply_size(dn), 4u + 1 + 7 + 2);
    EXPECT_EQ(*socks5_reply_size(std::span<const std::uint8_t>(dn, 4)), 0u); // needs the length byte
    EXPECT_EQ(*socks5_reply_size(std::span<const std::uint8_t>(v4, 2)), 0u);
    EXPECT_EQ(*socks5_reply_size({}), 0u);
    EXPECT_FALSE(socks5_reply_size(bad_atyp).ok());
    EXPECT_FALSE(socks5_reply_size(bad_ver).ok()); // a SOCKS4 answer
}

TEST(ProxyWire, Socks5Reply)
{
    const std::uint8_t ok4[] = {5, 0, 0, 1, 192, 0, 2, 1, 0x1F, 0x90};
    auto r = parse_socks5_reply(ok4);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rep, 0);
    EXPECT_EQ(r->bound, "192.0.2.1:8080");
    const std::uint8_t refused[] = {5, 5, 0, 1, 0, 0, 0, 0, 0, 0};
    r = parse_socks5_reply(refused);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rep, 5);
    EXPECT_STREQ(socks5_reply_text(r->rep), "Connection refused");
    EXPECT_STREQ(socks5_reply_text(2), "connection not allowed by ruleset");
    EXPECT_STREQ(socks5_reply_text(0x42), "unassigned reply code");
    const std::uint8_t dn[] = {5, 0, 0, 3, 3, 'a', '\n', 'c', 0, 1};
    r = parse_socks5_reply(dn);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->bound, "a?c:1"); // control bytes never reach a log line
    // Truncated or over-long replies.
    EXPECT_FALSE(parse_socks5_reply(std::span<const std::uint8_t>(ok4, 9)).ok());
    std::uint8_t longer[11] = {5, 0, 0, 1, 1, 2, 3, 4, 0, 1, 99};
    EXPECT_FALSE(parse_socks5_reply(longer).ok());
    EXPECT_FALSE(parse_socks5_reply({}).ok());
}

// ----------------------------------------------------------------- options

TEST(ProxyConfigFrom, HttpBasicFromTheAuthFile)
{
    TempFile auth("alice\r\nwonder land\r\n");
    auto ce = tcp_entry();
    ce.http_proxy = options::ProxySpec{"proxy.example", "3128", {auth.path, "basic"}};
    ce.http_proxy_options = {{"VERSION", "1.1"},
                             {"AGENT", "ua/1"},
                             {"CUSTOM-HEADER", "X-A", "b"},
                             {"CUSTOM-HEADER", "X-Whole: line"}};
    auto r = proxy_config_from(ce, "vpn.example", 443);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->kind, ProxyConfig::Kind::Http);
    EXPECT_EQ(r->proxy_host, "proxy.example");
    EXPECT_EQ(r->proxy_port, 3128);
    EXPECT_EQ(r->target_host, "vpn.example");
    EXPECT_EQ(r->target_port, 443);
    EXPECT_EQ(r->user, "alice");
    EXPECT_EQ(str(r->password), "wonder land");
    EXPECT_EQ(r->http_version, "1.1");
    EXPECT_EQ(r->user_agent, "ua/1");
    EXPECT_EQ(r->custom_headers, (std::vector<std::string>{"X-A: b", "X-Whole: line"}));
}

TEST(ProxyConfigFrom, HttpMethodDefaultsToBasicWithAFileAndNoneWithout)
{
    TempFile auth("u\np\n");
    auto ce = tcp_entry();
    ce.http_proxy = options::ProxySpec{"p", "8080", {auth.path}};
    auto r = proxy_config_from(ce, "t", 1);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->user, "u");
    ce.http_proxy = options::ProxySpec{"p", "8080", {}};
    r = proxy_config_from(ce, "t", 1);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(r->user.empty());
    ce.http_proxy = options::ProxySpec{"p", "8080", {auth.path, "none"}};
    r = proxy_config_from(ce, "t", 1);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(r->user.empty());
}

TEST(ProxyConfigFrom, InlineUserPassWins)
{
    TempFile auth("fileuser\nfilepass\n");
    auto ce = tcp_entry();
    ce.http_proxy = options::ProxySpec{"p", "8080", {auth.path, "basic"}};
    options::FileRef inl;
    inl.is_inline = true;
    inl.content = "inuser\ninpass\n";
    auto r = proxy_config_from(ce, "t", 1, &inl);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->user, "inuser");
    EXPECT_EQ(str(r->password), "inpass");
}

TEST(ProxyConfigFrom, ClearErrorsForWhatWeDoNotDo)
{
    TempFile auth("u\np\n");
    auto ce = tcp_entry();
    auto err = [&](options::ProxySpec spec) {
        ce.http_proxy = std::move(spec);
        auto r = proxy_config_from(ce, "t", 1);
        EXPECT_FALSE(r.ok());
        return r.ok() ? std::string() : r.error();
    };
    EXPECT_NE(err({"p", "80", {"auto", "basic"}}).find("no authentication method"), std::string::npos);
    EXPECT_NE(err({"p", "80", {auth.path, "ntlm"}}).find("NTLM"), std::string::npos);
    EXPECT_NE(err({"p", "80", {auth.path, "ntlm2"}}).find("NTLM"), std::string::npos);
    EXPECT_NE(err({"p", "80", {auth.path, "digest"}}).find("Digest"), std::string::npos);
    EXPECT_NE(err({"p", "80", {auth.path, "kerberos"}}).find("unknown HTTP authentication method"),
              std::string::npos);
    EXPECT_NE(err({"p", "80", {"stdin"}}).find("stdin"), std::string::npos);
    EXPECT_NE(err({"p", "80", {"/nonexistent/prx-auth"}}).find("Error opening"), std::string::npos);
    TempFile one_line("only-user\n");
    EXPECT_NE(err({"p", "80", {one_line.path}}).find("no password line"), std::string::npos);
    TempFile colon("a:b\nc\n");
    EXPECT_NE(err({"p", "80", {colon.path}}).find("':'"), std::string::npos);
    EXPECT_FALSE(err({"p", "0", {}}).empty());

    ce.http_proxy = options::ProxySpec{"p", "80", {}};
    ce.http_proxy_options = {{"EXT1", "x"}};
    EXPECT_FALSE(proxy_config_from(ce, "t", 1).ok());
    ce.http_proxy_options = {};
    ce.proto = "udp";
    EXPECT_FALSE(proxy_config_from(ce, "t", 1).ok());

    options::ConnectionEntry none = tcp_entry();
    EXPECT_FALSE(proxy_config_from(none, "t", 1).ok());
}

TEST(ProxyConfigFrom, Socks)
{
    TempFile auth("sockuser\nsockpass\n");
    auto ce = tcp_entry();
    ce.socks_proxy = options::ProxySpec{"127.0.0.1", "1080", {auth.path}};
    auto r = proxy_config_from(ce, "10.0.0.1", 1194);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->kind, ProxyConfig::Kind::Socks5);
    EXPECT_EQ(r->proxy_port, 1080);
    EXPECT_EQ(r->user, "sockuser");
    EXPECT_EQ(str(r->password), "sockpass");
    ce.socks_proxy = options::ProxySpec{"127.0.0.1", "1080", {}};
    r = proxy_config_from(ce, "10.0.0.1", 1194);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(r->user.empty());
    ce.proto = "udp";
    r = proxy_config_from(ce, "10.0.0.1", 1194);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("UDP"), std::string::npos);
    // A lone remote's own proto decides.
    ce.remotes = {options::RemoteEntry{"10.0.0.1", std::nullopt, std::string("tcp-client")}};
    EXPECT_TRUE(proxy_config_from(ce, "10.0.0.1", 1194).ok());
    ce.proto = "tcp-client";
    ce.remotes = {options::RemoteEntry{"10.0.0.1", std::nullopt, std::string("udp")}};
    EXPECT_FALSE(proxy_config_from(ce, "10.0.0.1", 1194).ok());
}

// Seeded random answers: the parsers never crash, never read past what they
// were given, and the reader never takes bytes after the blank line.
TEST(ProxyWire, RandomAnswersAreHandled)
{
    std::uint32_t x = 0x9e3779b9u;
    auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return x;
    };
    const std::string alphabet = "HTTP/1.0 200\r\n:abc\t\x01\x05\x03";
    for (int round = 0; round < 20000; ++round) {
        std::vector<std::uint8_t> buf(next() % 300);
        bool textish = round % 2 == 0;
        for (auto& b : buf)
            b = textish ? static_cast<std::uint8_t>(alphabet[next() % alphabet.size()])
                        : static_cast<std::uint8_t>(next());
        if (round % 4 == 0 && buf.size() > 16) // a plausible start
            std::memcpy(buf.data(), "HTTP/1.1 200 OK\r\n", 17 < buf.size() ? 17 : buf.size());

        HttpResponseReader rd;
        std::size_t off = 0;
        while (off < buf.size() && rd.state() == HttpResponseReader::State::NeedMore) {
            std::size_t chunk = 1 + next() % 40;
            chunk = std::min(chunk, buf.size() - off);
            std::size_t used = rd.feed(std::span<const std::uint8_t>(buf.data() + off, chunk));
            ASSERT_LE(used, chunk);
            if (rd.state() == HttpResponseReader::State::NeedMore) {
                ASSERT_EQ(used, chunk);
            }
            off += used;
        }
        if (rd.state() == HttpResponseReader::State::Done) {
            ASSERT_GE(off, 4u);
            EXPECT_EQ(buf[off - 1], '\n'); // stopped right after the blank line
        }

        auto size = socks5_reply_size(buf);
        if (size && *size > 0 && *size <= buf.size())
            (void)parse_socks5_reply(std::span<const std::uint8_t>(buf.data(), *size));
        (void)parse_socks5_reply(buf);
        (void)parse_socks5_method_reply(buf, round % 3 == 0);
        (void)parse_socks5_userpass_reply(buf);
    }
}

TEST(ProxyConfigFrom, AutoTakesCredentialsFromUserPassOnly)
{
    auto ce = tcp_entry();
    ce.http_proxy = options::ProxySpec{"p", "8080", {"auto"}};
    auto r = proxy_config_from(ce, "t", 1);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(r->http_auth_auto);
    EXPECT_FALSE(r->http_auth_no_cleartext);
    EXPECT_TRUE(r->user.empty());
    options::FileRef inl;
    inl.is_inline = true;
    inl.content = "u\np\n";
    ce.http_proxy = options::ProxySpec{"p", "8080", {"auto-nct"}};
    r = proxy_config_from(ce, "t", 1, &inl);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(r->http_auth_auto);
    EXPECT_TRUE(r->http_auth_no_cleartext);
    EXPECT_EQ(r->user, "u");
    EXPECT_EQ(str(r->password), "p");
}
