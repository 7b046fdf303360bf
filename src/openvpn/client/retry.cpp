// client/retry.cpp: see retry.hpp.
#include "openvpn/client/retry.hpp"

#include <algorithm>
#include <cstdlib>

#include "openvpn/options/helpers.hpp"

namespace ovpn::client {

namespace {

// 2.6 keeps the base interval below 2^16 so the doubling cannot overflow.
constexpr int kMaxConnectRetry = 0xFFFF;
constexpr int kDefaultConnectRetryMax = 300;
constexpr int kAuthNointeractPause = 10;

// proto_of: the entry's transport, from its remote or the entry.
const std::string& proto_of(const options::ConnectionEntry& ce)
{
    if (!ce.remotes.empty() && ce.remotes.front().proto)
        return *ce.remotes.front().proto;
    return ce.proto;
}

} // namespace

LinkKind link_kind(const options::Options& o, const options::ConnectionEntry& ce)
{
    const std::string& proto = proto_of(ce);
    if (options::proto_is_tcp(proto))
        return proto.find("server") != std::string::npos ? LinkKind::TcpServer : LinkKind::TcpClient;
    return o.tls_client || o.client ? LinkKind::UdpTlsClient : LinkKind::Udp;
}

PauseFacts pause_facts(const options::Options& o, const options::ConnectionEntry& ce)
{
    PauseFacts f;
    f.kind = link_kind(o, ce);
    f.connect_retry = std::clamp(ce.connect_retry.value_or(1), 0, kMaxConnectRetry);
    // 2.6: the max is never below the base interval.
    f.connect_retry_max =
        std::max(ce.connect_retry_max_backoff.value_or(kDefaultConnectRetryMax), f.connect_retry);
    f.auth_nointeract = o.auth_retry && *o.auth_retry == "nointeract";
    f.connections = std::max<int>(1, static_cast<int>(o.connections.size()));
    return f;
}

int restart_pause_seconds(const PauseFacts& f)
{
    int sec = f.kind == LinkKind::TcpServer ? 1 : f.connect_retry;
    if (f.auth_nointeract)
        sec = kAuthNointeractPause;
    if (f.kind == LinkKind::TcpClient || f.kind == LinkKind::UdpTlsClient) {
        // Slower after five failed rounds over the list: doubled each round.
        const int backoff = f.unsuccessful_attempts / std::max(1, f.connections) - 4;
        if (backoff > 0)
            sec = std::max(sec, 1) << std::min(backoff, 15);
        if (f.server_backoff > 0)
            sec = std::max(sec, f.server_backoff);
        sec = std::min(sec, f.connect_retry_max);
    }
    if (f.restart_sleep > 0)
        sec = std::max(sec, f.restart_sleep);
    else if (f.restart_sleep == -1)
        sec = 0;
    return sec;
}

bool AttemptCounter::next(int connections, int max)
{
    if (entered_ && no_advance_) {
        no_advance_ = false; // the same entry once, then on as usual
    } else {
        if (entered_)
            ++index_;
        entered_ = true;
        ++unsuccessful_;
    }
    return max <= 0 || unsuccessful_ <= std::max(1, connections) * max;
}

void AttemptCounter::skip(int n)
{
    index_ += static_cast<std::size_t>(n);
    unsuccessful_ += n;
}

void AttemptCounter::completed()
{
    unsuccessful_ = 0;
    no_advance_ = true;
}

ResolvePolicy resolve_policy(const options::Options& o)
{
    ResolvePolicy p;
    if (!o.resolv_retry || *o.resolv_retry == "infinite")
        return p; // a lookup in each phase of the attempt
    const long n = std::strtol(o.resolv_retry->c_str(), nullptr, 10);
    if (n <= 0) {
        p.lookups = 1;
        p.fatal = true;
        return p;
    }
    p.lookups = 1 + static_cast<int>((n + kResolveRetryInterval - 1) / kResolveRetryInterval);
    return p;
}

int resolve_pause_seconds(int next)
{
    return next <= 2 ? 0 : kResolveRetryInterval;
}

} // namespace ovpn::client
