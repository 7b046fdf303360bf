// tests/unit/mgmt/rig.hpp: a fake daemon (FakeHost) that records what the
// management engine asks of it, an Engine wired to it, and the transcripts
// of Debian's 2.6.14 recorded by tests/mgmt/capture.sh, which are the
// expected answers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "openvpn/mgmt/engine.hpp"

namespace ovpn::mgmt::test {

// The time and pid every test uses; transcripts say <T> and <PID>.
inline constexpr std::time_t kNow = 1796587663;
inline constexpr long kPid = 4242;
// The title of Debian's 2.6.14, as its transcripts show it.
inline const std::string kTitle = "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] "
                                  "[PKCS11] [MH/PKTINFO] [AEAD] [DCO]";

struct FakeHost : Host {
    std::vector<std::string> logs;
    std::vector<std::pair<Signal, std::string>> signals;
    int verb_ = 3, mute_ = 0;
    AuthRetry retry = AuthRetry::None;
    int forgets = 0, releases = 0;
    std::vector<UserPassAnswer> answers;
    std::vector<std::optional<std::string>> sigs, certs;
    std::vector<RemoteAnswer> remotes;
    std::vector<ProxyAnswer> proxies;
    bool proxy_ok = true;
    std::string status_text = "OpenVPN STATISTICS\nUpdated,<DATE>\nEND\n";
    std::vector<int> status_versions;
    std::vector<std::pair<std::string, std::string>> cc_messages;
    bool cc_ok = true;
    std::vector<std::string> entries = {"10.200.0.1,1194,udp,enabled"};
    int nclients = 0;
    std::map<std::string, int> by_cn;
    int by_addr = 0;
    std::vector<std::pair<std::uint32_t, int>> addr_kills;
    std::vector<std::pair<std::uint64_t, std::optional<std::string>>> cid_kills;
    bool cid_ok = true;
    std::vector<ClientDecision> decisions;
    bool auth_ok = true;
    std::vector<std::tuple<std::uint64_t, unsigned, std::string, unsigned>> pendings;
    bool pending_ok = true;
    std::optional<std::string> peer;
    ByteCounts link{0, 0}, dco{0, 0};
    std::function<void()> on_release, on_user_pass, on_kill;

    void log(LogLevel, std::string_view text) override { logs.emplace_back(text); }
    void signal(Signal s, std::string_view reason) override { signals.emplace_back(s, std::string(reason)); }
    long pid() override { return kPid; }
    int verb() override { return verb_; }
    void set_verb(int v) override { verb_ = v; }
    int mute() override { return mute_; }
    void set_mute(int m) override { mute_ = m; }
    AuthRetry auth_retry() override { return retry; }
    void set_auth_retry(AuthRetry r) override { retry = r; }
    void forget_passwords() override { ++forgets; }
    ByteCounts link_bytes() override { return link; }
    ByteCounts dco_client_bytes() override { return dco; }
    void hold_released() override
    {
        ++releases;
        if (on_release)
            on_release();
    }
    void user_pass(const UserPassAnswer& a) override
    {
        answers.push_back(a);
        if (on_user_pass)
            on_user_pass();
    }
    void pk_sig(std::optional<std::string> b64) override { sigs.push_back(std::move(b64)); }
    void certificate(std::optional<std::string> pem) override { certs.push_back(std::move(pem)); }
    void remote_answer(const RemoteAnswer& a) override { remotes.push_back(a); }
    bool proxy_answer(const ProxyAnswer& a) override
    {
        proxies.push_back(a);
        return proxy_ok && a.kind != ProxyAnswer::Kind::Bad && a.kind != ProxyAnswer::Kind::Unknown;
    }
    std::string status(int version) override
    {
        status_versions.push_back(version);
        return status_text;
    }
    bool send_cc_message(std::string_view c, std::string_view p) override
    {
        cc_messages.emplace_back(std::string(c), std::string(p));
        return cc_ok;
    }
    std::vector<std::string> remote_entries() override { return entries; }
    int n_clients() override { return nclients; }
    int kill_by_cn(std::string_view cn) override
    {
        if (on_kill)
            on_kill();
        auto it = by_cn.find(std::string(cn));
        return it == by_cn.end() ? 0 : it->second;
    }
    int kill_by_addr(std::uint32_t ip, int port) override
    {
        addr_kills.emplace_back(ip, port);
        return by_addr;
    }
    bool kill_by_cid(std::uint64_t cid, std::optional<std::string_view> msg) override
    {
        cid_kills.emplace_back(cid, msg ? std::optional<std::string>(std::string(*msg)) : std::nullopt);
        return cid_ok;
    }
    bool client_auth(const ClientDecision& d) override
    {
        decisions.push_back(d);
        return auth_ok;
    }
    bool client_pending_auth(std::uint64_t cid, unsigned kid, std::string_view extra,
                             unsigned timeout) override
    {
        pendings.emplace_back(cid, kid, std::string(extra), timeout);
        return pending_ok;
    }
    std::optional<std::string> peer_info(std::uint64_t) override { return peer; }
};

// Rig: an engine with a fake host and a connected management client.
struct Rig {
    FakeHost host;
    Engine eng;
    std::time_t now = kNow;

    static Config config(bool hold = false)
    {
        Config c;
        c.title = kTitle;
        c.hold = hold;
        return c;
    }
    explicit Rig(Config c = config()) : eng(host, std::move(c)) {}

    void connect()
    {
        eng.on_listening();
        eng.on_client_connected("Client connected from [AF_INET]127.0.0.1:40000", now);
    }
    // raw: feed bytes as the client sent them.
    void raw(std::string_view bytes) { eng.on_input(std::span<const char>(bytes.data(), bytes.size()), now); }
    // send: one command line; returns what came back.
    std::vector<std::string> send(const std::string& line)
    {
        raw(line + "\n");
        return drain();
    }
    // drain: the pending output as lines; a trailing piece without CRLF
    // (the "ENTER PASSWORD:" prompt) is a line of its own. Fails the test
    // when a line ends in a bare LF.
    std::vector<std::string> drain()
    {
        std::string out(eng.pending_output());
        eng.consume_output(out.size());
        std::vector<std::string> lines;
        std::size_t pos = 0;
        while (pos < out.size()) {
            const std::size_t nl = out.find('\n', pos);
            if (nl == std::string::npos) {
                lines.push_back(out.substr(pos));
                break;
            }
            EXPECT_TRUE(nl > pos && out[nl - 1] == '\r')
                << "line without CRLF: " << out.substr(pos, nl - pos);
            lines.push_back(out.substr(pos, nl - pos - (nl > pos && out[nl - 1] == '\r' ? 1 : 0)));
            pos = nl + 1;
        }
        return lines;
    }
};

// Transcript: one of tests/mgmt/transcripts/NAME.txt. Lines are kept with
// their marker: "C: " sent, "C# " sent raw (a Python bytes literal), "S: "
// received, "@ " a note.
struct Transcript {
    std::vector<std::string> lines;

    static Transcript load(const std::string& name)
    {
        Transcript t;
        std::ifstream in(std::string(OVPN_SOURCE_DIR) + "/tests/mgmt/transcripts/" + name + ".txt");
        EXPECT_TRUE(in.good()) << "missing transcript " << name;
        for (std::string l; std::getline(in, l);)
            t.lines.push_back(l);
        return t;
    }

    static bool is_command(const std::string& l) { return l.rfind("C: ", 0) == 0 || l.rfind("C# ", 0) == 0; }

    // expected: the S: lines from index i up to the next command, with the
    // placeholders filled in as the rig produces them.
    std::vector<std::string> received_from(std::size_t i) const
    {
        std::vector<std::string> out;
        for (; i < lines.size() && !is_command(lines[i]); ++i)
            if (lines[i].rfind("S: ", 0) == 0)
                out.push_back(fill(lines[i].substr(3)));
        return out;
    }

    // reply: what followed the n-th command `cmd` (0-based).
    std::vector<std::string> reply(const std::string& cmd, int nth = 0) const
    {
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i] == "C: " + cmd && nth-- == 0)
                return received_from(i + 1);
        ADD_FAILURE() << "command not in transcript: " << cmd;
        return {};
    }

    static std::string fill(std::string s)
    {
        replace_all(s, "<T>", std::to_string(kNow));
        replace_all(s, "<PID>", std::to_string(kPid));
        replace_all(s, "<N>", "0");
        return s;
    }
    static void replace_all(std::string& s, const std::string& from, const std::string& to)
    {
        for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
            s.replace(p, from.size(), to);
    }

    // bytes: the bytes a "C# b'...'" line sent (Python escapes \xNN \r \n \t
    // \\ \').
    static std::string bytes(const std::string& lit)
    {
        std::string out;
        std::size_t i = lit.find('\'') + 1;
        const std::size_t end = lit.rfind('\'');
        while (i < end) {
            char c = lit[i++];
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            c = lit[i++];
            if (c == 'x') {
                out.push_back(static_cast<char>(std::stoi(lit.substr(i, 2), nullptr, 16)));
                i += 2;
            } else {
                out.push_back(c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : c);
            }
        }
        return out;
    }
};

// replay: send the commands of transcript `t` from line `from` up to (not
// including) line `to` and compare what comes back with what 2.6.14
// answered, command by command (2.6's timer lines left out).
inline void replay(Rig& r, const Transcript& t, std::size_t from = 0, std::size_t to = SIZE_MAX)
{
    for (std::size_t i = from; i < t.lines.size() && i < to; ++i) {
        const std::string& l = t.lines[i];
        if (!Transcript::is_command(l))
            continue;
        if (r.eng.close_requested())
            break;
        if (l.rfind("C# ", 0) == 0)
            r.raw(Transcript::bytes(l.substr(3)));
        else
            r.raw(l.substr(3) + "\n");
        // >BYTECOUNT lines come from 2.6's timers, wherever they fell.
        auto want = t.received_from(i + 1);
        want.erase(std::remove_if(want.begin(), want.end(),
                                  [](const std::string& w) { return w.rfind(">BYTECOUNT", 0) == 0; }),
                   want.end());
        EXPECT_EQ(r.drain(), want) << "after line " << i + 1 << ": " << l;
    }
}

// line_of: the index of the n-th line equal to `line` (0-based).
inline std::size_t line_of(const Transcript& t, const std::string& line, int nth = 0)
{
    for (std::size_t i = 0; i < t.lines.size(); ++i)
        if (t.lines[i] == line && nth-- == 0)
            return i;
    ADD_FAILURE() << "not in transcript: " << line;
    return t.lines.size();
}

// env_after: the >CLIENT:ENV values of the block starting at line `i` (the
// >CLIENT:... line), filled in, without END; `skip` leading lines dropped.
inline std::vector<std::string> env_after(const Transcript& t, std::size_t i, std::size_t skip = 0)
{
    std::vector<std::string> env;
    const std::string head = "S: >CLIENT:ENV,";
    for (++i; i < t.lines.size() && t.lines[i].rfind(head, 0) == 0; ++i) {
        const std::string v = t.lines[i].substr(head.size());
        if (v == "END")
            break;
        env.push_back(Transcript::fill(v));
    }
    env.erase(env.begin(), env.begin() + static_cast<std::ptrdiff_t>(std::min(skip, env.size())));
    return env;
}

} // namespace ovpn::mgmt::test
