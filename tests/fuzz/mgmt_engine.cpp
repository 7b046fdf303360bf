// Fuzz target: bytes as a management client's input to a whole Engine. The
// first byte picks the daemon's side (no callbacks / client / server, a
// password, a pending query); the rest is the session. Checks that nothing
// crashes, that output stays within Config::max_output, and that every
// output line ends in CRLF (except the password prompt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "openvpn/mgmt/engine.hpp"

using namespace ovpn::mgmt;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

struct NullHost final : Host {
    void log(LogLevel, std::string_view) override {}
    void signal(Signal, std::string_view) override {}
    long pid() override { return 1; }
    int verb() override { return 3; }
    void set_verb(int v) override { check(v >= 0 && v <= 15); }
    int mute() override { return 0; }
    void set_mute(int m) override { check(m >= 0); }
    AuthRetry auth_retry() override { return AuthRetry::None; }
    void set_auth_retry(AuthRetry) override {}
    void forget_passwords() override {}
    ByteCounts link_bytes() override { return {1, 2}; }
    void hold_released() override {}
    void user_pass(const UserPassAnswer&) override {}
    void pk_sig(std::optional<std::string> s) override { check(!s || s->size() <= 2048); }
    void certificate(std::optional<std::string>) override {}
    void remote_answer(const RemoteAnswer& a) override { check(a.host.size() < 80 && a.port.size() < 20); }
    bool proxy_answer(const ProxyAnswer&) override { return true; }
    std::string status(int) override { return "OpenVPN STATISTICS\nEND\n"; }
    bool send_cc_message(std::string_view, std::string_view) override { return true; }
    std::vector<std::string> remote_entries() override
    {
        return {"a,1194,udp,enabled", "b,443,tcp-client,disabled"};
    }
    int n_clients() override { return 2; }
    int kill_by_cn(std::string_view) override { return 1; }
    int kill_by_addr(std::uint32_t, int port) override { return (check(port > 0 && port < 65536), 0); }
    bool kill_by_cid(std::uint64_t, std::optional<std::string_view>) override { return true; }
    bool client_auth(const ClientDecision&) override { return true; }
    bool client_pending_auth(std::uint64_t, unsigned, std::string_view, unsigned) override { return false; }
    std::optional<std::string> peer_info(std::uint64_t) override { return "IV_VER=2.6.14\nIV_PLAT=linux\n"; }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::uint8_t mode = data[0];
    NullHost host;
    Config cfg;
    cfg.title = "OpenVPN fuzz";
    cfg.hold = mode & 0x08;
    cfg.max_output = 64 * 1024;
    if (mode & 0x10)
        cfg.password = "pw";
    Engine eng(host, cfg);
    eng.attach(static_cast<Mode>(mode % 3));
    eng.on_listening();
    eng.hold(0);
    if (mode & 0x20)
        eng.query_user_pass(UserPassQuery("Auth"));
    if (mode & 0x40)
        eng.query_pk_sig("AAAA", "RSA_PKCS1_PADDING");
    if (mode & 0x80)
        eng.query_remote("host", "1194", "udp");
    eng.on_client_connected("Client connected from fuzz", 1000);
    const char* p = reinterpret_cast<const char*>(data + 1);
    for (std::size_t off = 0; off < size - 1 && !eng.close_requested(); off += 97) {
        const std::size_t n = off + 97 <= size - 1 ? 97 : size - 1 - off;
        eng.on_input(std::span<const char>(p + off, n), 1000 + static_cast<std::time_t>(off));
        eng.log(1000, kLogInfo, "a log line");
        check(eng.pending_output().size() <= cfg.max_output);
        const std::string_view out = eng.pending_output();
        const std::size_t last = out.rfind("\r\n");
        const std::string_view tail = last == std::string_view::npos ? out : out.substr(last + 2);
        check(tail.empty() || tail.find("ENTER PASSWORD:") != std::string_view::npos);
        eng.consume_output(out.size());
    }
    eng.on_client_closed();
    return 0;
}
