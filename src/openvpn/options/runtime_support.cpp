// options/runtime_support.cpp: see runtime_support.hpp.
#include "openvpn/options/runtime_support.hpp"

#include "openvpn/options/helpers.hpp"

namespace ovpn::options {

const std::vector<RuntimeGap>& runtime_gaps()
{
    // Every option 2.6 acts on on Linux runs (--mtu-test was the last, issue
    // 13); what this build lacks for the way an option is used is in
    // connection_gaps below. A new gap goes here as {name, modes, why}.
    static const std::vector<RuntimeGap> gaps = {};
    return gaps;
}

namespace {

// connection_gaps: what this build lacks for the way an option is used in a
// connection entry, rather than for the option itself.
void connection_gaps(const Options& o, const ConnectionEntry& ce, std::vector<Unsupported>& out)
{
    auto add = [&](std::string option, std::string why) {
        for (const auto& u : out)
            if (u.option == option && u.why == why)
                return;
        out.push_back({std::move(option), std::move(why)});
    };
    if (ce.socks_proxy && !proto_is_tcp(ce.proto))
        add("socks-proxy", "SOCKS over UDP (UDP ASSOCIATE) is not implemented; use --proto tcp-client");
    if (ce.http_proxy && ce.http_proxy->extra.size() > 1) {
        const std::string& method = ce.http_proxy->extra[1];
        if (method == "ntlm" || method == "ntlm2" || method == "digest")
            add("http-proxy", "NTLM and Digest proxy authentication are not implemented (use basic)");
    }
    if (ce.tls_crypt_v2 && o.tls_server && !o.is_server())
        add("tls-crypt-v2", "the server side of --tls-crypt-v2 is only implemented in --mode server");
}

} // namespace

std::vector<Unsupported> runtime_unsupported(const Options& o)
{
    const unsigned mode = o.is_server() ? static_cast<unsigned>(RuntimeModes::Server)
                                        : static_cast<unsigned>(RuntimeModes::Client);
    std::vector<Unsupported> out;
    for (const RuntimeGap& g : runtime_gaps()) {
        if ((static_cast<unsigned>(g.modes) & mode) == 0)
            continue;
        if (o.given(std::string(g.option)))
            out.push_back({std::string(g.option), std::string(g.why)});
    }
    // --replay-persist: a TLS client or p2p peer of 2.6 keeps its
    // --tls-auth/--tls-crypt replay state in it; only the --secret data
    // channel's is kept here (a server of 2.6 never loads it).
    if (o.given("replay-persist") && !o.secret && !o.is_server())
        out.push_back({"replay-persist", "it is only implemented with --secret (static key mode), not for "
                                         "the --tls-auth/--tls-crypt replay state"});
    if (o.connections.empty())
        connection_gaps(o, o.ce, out);
    for (const auto& ce : o.connections)
        connection_gaps(o, ce, out);
    return out;
}

std::string format_unsupported(const Unsupported& u)
{
    return "Options error: --" + u.option + " is not supported by this build yet: " + u.why;
}

} // namespace ovpn::options
