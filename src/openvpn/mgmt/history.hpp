// mgmt/history.hpp: the bounded histories behind the `log`, `echo` and
// `state` commands (2.6's log_history: a ring that drops the oldest entry
// when full) and the text of one entry, as 2.6's log_entry_print writes it:
//
//   log:   <unix time>,<flags>,<text>                 flags: I F N W D letters
//   echo:  <unix time>,<text>
//   state: <unix time>,<STATE>,<detail>,<tun ipv4>,<remote ip>,<remote port>,
//          <local ip>,<local port>[,<tun ipv6>]
//
// The same text follows ">LOG:", ">ECHO:" and ">STATE:" in real-time lines.
#pragma once

#include <cstddef>
#include <ctime>
#include <deque>
#include <string>

namespace ovpn::mgmt {

struct HistoryEntry {
    std::time_t time = 0;
    unsigned code = 0; // log: LogFlag bits; state: the State number
    std::string text;  // log/echo text; state: the detail
    std::string tail;  // state: ",ipv4,rip,rport,lip,lport[,ipv6]"
};

class History {
public:
    explicit History(std::size_t capacity) : cap_(capacity < 1 ? 1 : capacity) {}

    void add(HistoryEntry e);
    std::size_t size() const noexcept { return items_.size(); }
    // recent: entry i counting back from the newest (0); nullptr past the end.
    const HistoryEntry* recent(std::size_t i) const noexcept;

private:
    std::deque<HistoryEntry> items_;
    std::size_t cap_;
};

// log_flags_string: "I", "F", "N", "W", "D" in 2.6's order ("" for none).
std::string log_flags_string(unsigned flags);
std::string format_log(const HistoryEntry& e);
std::string format_echo(const HistoryEntry& e);
std::string format_state(const HistoryEntry& e);

} // namespace ovpn::mgmt
