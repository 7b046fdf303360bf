// mgmt/history.cpp: the log/echo/state rings and their line formats.
#include "openvpn/mgmt/history.hpp"

#include "openvpn/mgmt/host.hpp"

namespace ovpn::mgmt {

void History::add(HistoryEntry e)
{
    if (items_.size() >= cap_)
        items_.pop_front();
    items_.push_back(std::move(e));
}

const HistoryEntry* History::recent(std::size_t i) const noexcept
{
    if (i >= items_.size())
        return nullptr;
    return &items_[items_.size() - 1 - i];
}

namespace {

// stamp: 2.6 prints the time as "%u" of an unsigned int.
std::string stamp(std::time_t t)
{
    return std::to_string(static_cast<unsigned>(t)) + ",";
}

} // namespace

std::string log_flags_string(unsigned flags)
{
    std::string s;
    if (flags & kLogInfo)
        s += 'I';
    if (flags & kLogFatal)
        s += 'F';
    if (flags & kLogNonFatal)
        s += 'N';
    if (flags & kLogWarn)
        s += 'W';
    if (flags & kLogDebug)
        s += 'D';
    return s;
}

std::string format_log(const HistoryEntry& e)
{
    return stamp(e.time) + log_flags_string(e.code) + "," + e.text;
}

std::string format_echo(const HistoryEntry& e)
{
    return stamp(e.time) + e.text;
}

std::string format_state(const HistoryEntry& e)
{
    return stamp(e.time) + state_name(static_cast<State>(e.code)) + "," + e.text + e.tail;
}

const char* state_name(State s) noexcept
{
    switch (s) {
    case State::Initial:
        return "INITIAL";
    case State::Connecting:
        return "CONNECTING";
    case State::Wait:
        return "WAIT";
    case State::Auth:
        return "AUTH";
    case State::GetConfig:
        return "GET_CONFIG";
    case State::AssignIp:
        return "ASSIGN_IP";
    case State::AddRoutes:
        return "ADD_ROUTES";
    case State::Connected:
        return "CONNECTED";
    case State::Reconnecting:
        return "RECONNECTING";
    case State::Exiting:
        return "EXITING";
    case State::Resolve:
        return "RESOLVE";
    case State::TcpConnect:
        return "TCP_CONNECT";
    case State::AuthPending:
        return "AUTH_PENDING";
    }
    return "?";
}

const char* signal_name(Signal s) noexcept
{
    switch (s) {
    case Signal::Int:
        return "SIGINT";
    case Signal::Term:
        return "SIGTERM";
    case Signal::Hup:
        return "SIGHUP";
    case Signal::Usr1:
        return "SIGUSR1";
    case Signal::Usr2:
        return "SIGUSR2";
    }
    return "UNKNOWN";
}

} // namespace ovpn::mgmt
