// mgmt/notify.cpp: what the daemon reports: log/echo/state history and
// real-time lines, >PASSWORD:/>NOTIFY:/>UPDOWN: lines, the server's >CLIENT:
// events with their ENV blocks, and the byte counts.
#include <cctype>

#include "openvpn/mgmt/engine.hpp"
#include "openvpn/mgmt/format.hpp"

namespace ovpn::mgmt {

namespace {

constexpr std::size_t kMaxText = 10239; // 2.6 formats into ERR_BUF_SIZE

// env_filter_match: 2.6's env_filter_match for `env-filter` levels 1 and 2.
bool env_filter_match(std::string_view e, int level)
{
    static constexpr std::string_view kNames[] = {
        "username=",
        "password=",
        "X509_0_CN=",
        "tls_serial_",
        "untrusted_ip=",
        "ifconfig_local=",
        "ifconfig_netmask=",
        "daemon_start_time=",
        "daemon_pid=",
        "dev=",
        "ifconfig_pool_remote_ip=",
        "ifconfig_pool_netmask=",
        "time_duration=",
        "bytes_sent=",
        "bytes_received=",
        "session_id=",
        "session_state=",
    };
    if (level == 0)
        return true;
    if (level <= 1 && e.substr(0, 5) == "X509_")
        return true;
    if (level <= 2) {
        for (auto n : kNames)
            if (e.substr(0, n.size()) == n)
                return true;
    }
    return false;
}

// valid_peer_info: 2.6's validate_peer_info_line: NAME=value with NAME of
// [A-Za-z0-9_]; in the value, unprintable, blank and shell-special bytes
// become '_'.
bool valid_peer_info(std::string& line)
{
    int state = 0;
    for (char& ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if (state < 2) {
            if (c == '=' && state == 1)
                state = 2;
            else if (std::isalnum(c) || c == '_')
                state = 1;
            else
                return false;
        }
        if (!std::isprint(c) || std::isspace(c) || c == '$' || c == '(' || c == '`')
            ch = '_';
    }
    return state == 2;
}

} // namespace

// ---- history -------------------------------------------------------------------

void Engine::log(std::time_t now, unsigned flags, std::string_view text)
{
    HistoryEntry e{now, flags, std::string(text.substr(0, kMaxText)), {}};
    log_.add(e);
    if (!authed())
        return;
    if (log_rt_)
        out_line(">LOG:" + format_log(e));
    if (flags & kLogFatal) {
        out_line(">FATAL:" + e.text);
        request_close(Close::Exiting);
    }
}

void Engine::echo(std::time_t now, std::string_view text, bool pull)
{
    HistoryEntry e{now, pull ? 1u : 0u, std::string(text.substr(0, kMaxText)), {}};
    echo_.add(e);
    if (echo_rt_)
        out_line(">ECHO:" + format_echo(e));
}

void Engine::set_state(const StateChange& c, std::time_t now)
{
    if (cfg_.server && static_cast<int>(c.state) >= static_cast<int>(State::Wait))
        return; // client-only states are not kept in server mode
    HistoryEntry e{now, static_cast<unsigned>(c.state), std::string(c.detail),
                   state_tail(c.tun_ip4, c.tun_ip6, c.local, c.remote)};
    state_.add(e);
    if (!state_rt_)
        return;
    const std::string line = ">STATE:" + format_state(e);
    host_.log(LogLevel::Management, "MANAGEMENT: " + line);
    out_line(line);
}

// ---- single real-time lines ------------------------------------------------------

void Engine::auth_failure(std::string_view type, std::optional<std::string_view> reason)
{
    std::string l = ">PASSWORD:Verification Failed: '" + std::string(type) + "'";
    if (reason)
        l += " ['" + std::string(*reason) + "']";
    out_line(l);
}

void Engine::auth_token(std::string_view token)
{
    out_line(">PASSWORD:Auth-Token:" + std::string(token));
}

void Engine::notify(std::string_view severity, std::string_view type, std::string_view text)
{
    out_line(">NOTIFY:" + std::string(severity) + "," + std::string(type) + "," + std::string(text));
}

void Engine::notify_line(std::string_view line)
{
    out_line(line);
}

void Engine::up_down(std::string_view what, Env env)
{
    if (!cfg_.up_down)
        return;
    out_line(">UPDOWN:" + std::string(what));
    env_block("UPDOWN", env, true, 0);
}

// ---- ENV blocks -----------------------------------------------------------------

void Engine::env_block(std::string_view prefix, Env env, bool tail, int filter)
{
    const std::string head = ">" + std::string(prefix) + ":ENV,";
    for (const auto& e : env)
        if (!filter || env_filter_match(e, filter))
            out_line(head + e);
    if (tail)
        out_line(head + "END");
}

void Engine::extra_env()
{
    if (!attached(Mode::Server))
        return;
    const std::string n = "n_clients=" + std::to_string(host_.n_clients());
    env_block("CLIENT", std::span<const std::string>(&n, 1), false, env_filter_);
}

void Engine::peer_info_env(std::uint64_t cid)
{
    if (!attached(Mode::Server))
        return;
    const auto info = host_.peer_info(cid);
    if (!info)
        return;
    std::size_t pos = 0;
    std::string line;
    while (buf_parse(*info, pos, '\n', 256, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
            line.pop_back();
        if (valid_peer_info(line))
            out_line(">CLIENT:ENV," + line);
        else
            host_.log(LogLevel::Management, "validation failed on peer_info line received from client");
    }
}

// ---- server: client events -----------------------------------------------------------

void Engine::client_connect(ClientContext& c, unsigned kid, Env env)
{
    if (c.flags & ClientContext::kClosed)
        return;
    const char* what = (c.flags & ClientContext::kEstablished) ? "REAUTH" : "CONNECT";
    out_line(">CLIENT:" + std::string(what) + "," + std::to_string(c.cid) + "," + std::to_string(kid));
    extra_env();
    if (env_filter_ > 0)
        peer_info_env(c.cid);
    env_block("CLIENT", env, true, env_filter_);
    c.flags |= ClientContext::kInitialAuth;
}

void Engine::client_cr_response(const ClientContext& c, unsigned kid, Env env, std::string_view response)
{
    out_line(">CLIENT:CR_RESPONSE," + std::to_string(c.cid) + "," + std::to_string(kid) + "," +
             std::string(response));
    extra_env();
    if (env_filter_ > 0)
        peer_info_env(c.cid);
    env_block("CLIENT", env, true, env_filter_);
}

void Engine::client_established(ClientContext& c, Env env)
{
    c.flags |= ClientContext::kEstablished;
    out_line(">CLIENT:ESTABLISHED," + std::to_string(c.cid));
    extra_env();
    env_block("CLIENT", env, true, env_filter_);
}

void Engine::client_disconnect(ClientContext& c, Env env)
{
    if (!(c.flags & ClientContext::kInitialAuth) || (c.flags & ClientContext::kClosed))
        return;
    out_line(">CLIENT:DISCONNECT," + std::to_string(c.cid));
    env_block("CLIENT", env, true, env_filter_);
    c.flags |= ClientContext::kClosed;
}

void Engine::client_address(const ClientContext& c, std::string_view addr, bool primary)
{
    if (!(c.flags & ClientContext::kInitialAuth) || (c.flags & ClientContext::kClosed))
        return;
    out_line(">CLIENT:ADDRESS," + std::to_string(c.cid) + "," + std::string(addr) + "," +
             (primary ? "1" : "0"));
}

// ---- byte counts ------------------------------------------------------------------------

void Engine::add_client_bytes(std::uint64_t in, std::uint64_t out) noexcept
{
    if (mode_ == Mode::Server)
        return; // 2.6: management_bytes_client is a no-op for a server
    bytes_in_ += in;
    bytes_out_ += out;
}

void Engine::client_bytecount(ClientContext& c, std::uint64_t in, std::uint64_t out, std::time_t now)
{
    const unsigned est = ClientContext::kEstablished | ClientContext::kClosed;
    if (bytecount_secs_ <= 0 || now < c.bytecount_last_update + bytecount_secs_ ||
        (c.flags & est) != ClientContext::kEstablished)
        return;
    out_line(">BYTECOUNT_CLI:" + std::to_string(c.cid) + "," + std::to_string(in) + "," +
             std::to_string(out));
    c.bytecount_last_update = now;
}

std::optional<std::time_t> Engine::next_timeout() const noexcept
{
    // none while the daemon waits for the management client (hold, a
    // query): 2.6 then runs only the management loop, not the main loop
    // that sends >BYTECOUNT:
    if (mode_ != Mode::Client || bytecount_secs_ <= 0 || conn_ != Conn::Connected || wait_ != Wait::None)
        return std::nullopt;
    return bytecount_last_ + bytecount_secs_;
}

void Engine::on_timeout(std::time_t now)
{
    const auto due = next_timeout();
    if (!due || now < *due)
        return;
    bytecount_last_ = now;
    const ByteCounts dco = host_.dco_client_bytes();
    out_line(">BYTECOUNT:" + std::to_string(bytes_in_ + dco.in) + "," + std::to_string(bytes_out_ + dco.out));
}

} // namespace ovpn::mgmt
