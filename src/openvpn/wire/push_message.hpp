// wire/push_message.hpp: the text messages of the control channel after the
// key exchange (protocol-facts.md §9.2-§9.4): PUSH_REQUEST, PUSH_REPLY with
// push-continuation, AUTH_FAILED (plain, TEMP, CRV1), RESTART / HALT with
// their [flags], INFO, INFO_PRE, AUTH_PENDING, EXIT. Pure functions.
//
// Each message travels as one TLS record with a trailing NUL; a receiver
// splits a record on NULs, strips trailing CR/LF and refuses non-printable
// bytes (ssl_pkt.c:extract_command_buffer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::wire {

enum class ControlMessageKind : std::uint8_t {
    PushRequest,
    PushReply,
    AuthFailed,
    AuthPending,
    Restart,
    Halt,
    InfoPre,
    Info,
    CrResponse,
    Exit,
    Unknown,
};

struct ControlMessage {
    ControlMessageKind kind = ControlMessageKind::Unknown;
    std::string text; // the whole message
    std::string arg;  // after "KEYWORD," (empty if none)
};

// encode_control_message: the record payload for one message (text + NUL).
std::vector<std::uint8_t> encode_control_message(std::string_view text);

// split_control_record: the messages in one TLS record. Messages with
// non-printable characters are dropped (counted in *num_bad if given).
std::vector<std::string> split_control_record(Bytes record, std::size_t* num_bad = nullptr);

// classify_control_message: the keyword and argument of one message.
ControlMessage classify_control_message(std::string_view text);

// PushReply: one PUSH_REPLY message. `continuation` is 0 when absent,
// 1 for the last part, 2 when more parts follow.
struct PushReply {
    std::vector<std::string> options; // each a config line ("route 10.9.0.0 255.255.255.0")
    int continuation = 0;
    bool more_follow() const noexcept { return continuation == 2; }
};

// parse_push_reply: "PUSH_REPLY[,opt]*". The push-continuation option is
// consumed, not returned. Empty options (",,") are skipped.
Result<PushReply> parse_push_reply(std::string_view text);

// build_push_reply: split `options` into PUSH_REPLY messages of at most
// `max_len` bytes each (2.6: PUSH_BUNDLE_SIZE 1024 - 84), marking parts
// with push-continuation when split. An option longer than fits fails.
Result<std::vector<std::string>> build_push_reply(const std::vector<std::string>& options,
                                                  std::size_t max_len = 940);

// RESTART / HALT: "[flags]message" after the comma (options_util/push.c).
struct RestartMessage {
    bool preserve_credentials = false; // flag P
    bool advance_remote = false;       // flag N
    std::string message;
};
RestartMessage parse_restart_arg(std::string_view arg);

// AUTH_FAILED[,reason]
struct AuthFailed {
    enum class Kind : std::uint8_t { Plain, Temp, Session, Crv1 } kind = Kind::Plain;
    std::string reason;        // after "AUTH_FAILED," (whole)
    unsigned backoff_secs = 0; // TEMP [backoff N]
    bool advance_addr = false, advance_remote = false, advance_no = false;
    std::string message; // TEMP/CRV1 human text
    // CRV1:<flags>:<state_id>:<b64 user>:<text>
    std::string crv1_flags, crv1_state_id, crv1_username_b64;
};
AuthFailed parse_auth_failed(std::string_view arg);

// AUTH_PENDING[,timeout N]: the server's timeout, if given.
std::optional<unsigned> parse_auth_pending_timeout(std::string_view arg);

} // namespace ovpn::wire
