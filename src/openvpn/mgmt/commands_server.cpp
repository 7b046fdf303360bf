// mgmt/commands_server.cpp: the server-mode commands (kill, client-kill,
// client-auth[-nt], client-deny, client-pending-auth). As in 2.6 the
// arguments are checked first, then whether the server is attached.
#include "openvpn/mgmt/engine.hpp"
#include "openvpn/mgmt/format.hpp"

namespace ovpn::mgmt {

namespace {

// 2.6's field buffers in man_kill.
constexpr std::size_t kKillField = 128;

} // namespace

void Engine::cmd_kill(std::string_view victim)
{
    if (!attached(Mode::Server)) {
        unsupported("kill");
        return;
    }
    std::size_t pos = 0;
    std::string p1, p2;
    buf_parse(victim, pos, ':', kKillField, p1);
    buf_parse(victim, pos, ':', kKillField, p2);
    if (!p1.empty() && !p2.empty()) {
        const auto addr = parse_ipv4(p1);
        if (!addr) {
            out_line("ERROR: error parsing IP address: " + p1);
            return;
        }
        const int port = c_atoi(p2);
        if (port <= 0 || port >= 65536) {
            out_line("ERROR: port number is out of range: " + p2);
            return;
        }
        const std::string where = print_ipv4(*addr) + ":" + std::to_string(port);
        const int n = host_.kill_by_addr(*addr, port);
        if (n > 0)
            out_line("SUCCESS: " + std::to_string(n) + " client(s) at address " + where + " killed");
        else
            out_line("ERROR: client at address " + where + " not found");
    } else if (!p1.empty()) {
        const int n = host_.kill_by_cn(p1);
        if (n > 0)
            out_line("SUCCESS: common name '" + p1 + "' found, " + std::to_string(n) + " client(s) killed");
        else
            out_line("ERROR: common name '" + p1 + "' not found");
    } else {
        out_line("ERROR: kill parse");
    }
}

bool Engine::parse_cid(const std::string& s, std::uint64_t& cid)
{
    if (scan_ulong(s, cid))
        return true;
    out_line("ERROR: cannot parse CID");
    return false;
}

bool Engine::parse_uint(const std::string& s, const char* what, unsigned& v)
{
    if (scan_uint(s, v))
        return true;
    out_line(std::string("ERROR: cannot parse ") + what);
    return false;
}

void Engine::cmd_client_kill(Args a)
{
    std::uint64_t cid = 0;
    if (!need(a, 1, true) || !parse_cid(a[1], cid))
        return;
    if (!attached(Mode::Server)) {
        unsupported("client-kill");
        return;
    }
    std::optional<std::string_view> msg;
    if (a.size() > 2)
        msg = a[2];
    const bool ok = host_.kill_by_cid(cid, msg);
    out_line(ok ? "SUCCESS: client-kill command succeeded" : "ERROR: client-kill command failed");
}

void Engine::cmd_client_deny(Args a)
{
    ClientDecision d;
    if (!need(a, 3, true) || !parse_cid(a[1], d.cid) || !parse_uint(a[2], "KID", d.kid))
        return;
    if (!attached(Mode::Server)) {
        unsupported("client-deny");
        return;
    }
    d.allow = false;
    d.reason = a[3];
    if (a.size() > 4)
        d.client_reason = a[4];
    const bool ok = host_.client_auth(d);
    out_line(ok ? "SUCCESS: client-deny command succeeded" : "ERROR: client-deny command failed");
}

void Engine::cmd_client_auth(Args a, bool multiline)
{
    std::uint64_t cid = 0;
    unsigned kid = 0;
    if (!parse_cid(a[1], cid) || !parse_uint(a[2], "KID", kid))
        return;
    // 2.6 reads the lines up to END even when no server is attached, and
    // only then says the command is not supported.
    begin_extra(Extra::ClientAuth);
    extra_cid_ = cid;
    extra_kid_ = kid;
    if (!multiline)
        extra_end();
}

void Engine::finish_client_auth(std::vector<std::string>& lines, bool overflow)
{
    if (!attached(Mode::Server)) {
        unsupported("client-auth");
        return;
    }
    if (overflow) {
        host_.log(LogLevel::Management, "MANAGEMENT: client-auth config block too large, ignored");
        out_line("ERROR: client-auth command failed");
        return;
    }
    ClientDecision d;
    d.cid = extra_cid_;
    d.kid = extra_kid_;
    d.allow = true;
    d.config = std::move(lines);
    const bool ok = host_.client_auth(d);
    out_line(ok ? "SUCCESS: client-auth command succeeded" : "ERROR: client-auth command failed");
}

void Engine::cmd_client_pending_auth(Args a)
{
    std::uint64_t cid = 0;
    unsigned kid = 0, timeout = 0;
    if (!need(a, 4, false) || !parse_cid(a[1], cid) || !parse_uint(a[2], "KID", kid) ||
        !parse_uint(a[4], "TIMEOUT", timeout))
        return;
    if (!attached(Mode::Server)) {
        unsupported("client-pending-auth");
        return;
    }
    const bool ok = host_.client_pending_auth(cid, kid, a[3], timeout);
    out_line(ok ? "SUCCESS: client-pending-auth command succeeded"
                : "ERROR: client-pending-auth command failed. Extra parameter might be too long");
}

} // namespace ovpn::mgmt
