#include "openvpn/wire/push_message.hpp"

#include <charconv>

namespace ovpn::wire {

namespace {

struct Keyword {
    std::string_view word;
    ControlMessageKind kind;
};
// Order matters: INFO_PRE before INFO (prefix match like 2.6).
constexpr Keyword kKeywords[] = {
    {"PUSH_REQUEST", ControlMessageKind::PushRequest}, {"PUSH_REPLY", ControlMessageKind::PushReply},
    {"AUTH_FAILED", ControlMessageKind::AuthFailed},   {"AUTH_PENDING", ControlMessageKind::AuthPending},
    {"RESTART", ControlMessageKind::Restart},          {"HALT", ControlMessageKind::Halt},
    {"INFO_PRE", ControlMessageKind::InfoPre},         {"INFO", ControlMessageKind::Info},
    {"CR_RESPONSE", ControlMessageKind::CrResponse},   {"EXIT", ControlMessageKind::Exit},
};

bool printable(std::string_view s)
{
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            return false;
    }
    return true;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool parse_uint(std::string_view s, unsigned& out)
{
    s = trim(s);
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

std::vector<std::uint8_t> encode_control_message(std::string_view text)
{
    std::vector<std::uint8_t> out(text.begin(), text.end());
    out.push_back(0);
    return out;
}

std::vector<std::string> split_control_record(Bytes record, std::size_t* num_bad)
{
    std::vector<std::string> out;
    std::string_view all(reinterpret_cast<const char*>(record.data()), record.size());
    while (!all.empty()) {
        auto nul = all.find('\0');
        std::string_view m = all.substr(0, nul);
        all = nul == std::string_view::npos ? std::string_view{} : all.substr(nul + 1);
        while (!m.empty() && (m.back() == '\r' || m.back() == '\n'))
            m.remove_suffix(1);
        if (m.empty())
            continue;
        if (!printable(m)) {
            if (num_bad != nullptr)
                ++*num_bad;
            continue;
        }
        out.emplace_back(m);
    }
    return out;
}

ControlMessage classify_control_message(std::string_view text)
{
    ControlMessage m;
    m.text = std::string(text);
    for (const auto& k : kKeywords) {
        if (text.substr(0, k.word.size()) != k.word)
            continue;
        m.kind = k.kind;
        std::string_view rest = text.substr(k.word.size());
        if (!rest.empty() && rest.front() == ',')
            m.arg = std::string(rest.substr(1));
        break;
    }
    return m;
}

Result<PushReply> parse_push_reply(std::string_view text)
{
    constexpr std::string_view kHead = "PUSH_REPLY";
    if (text.substr(0, kHead.size()) != kHead)
        return Err(std::string("not a PUSH_REPLY"));
    std::string_view rest = text.substr(kHead.size());
    if (!rest.empty() && rest.front() != ',')
        return Err(std::string("malformed PUSH_REPLY"));
    PushReply pr;
    while (!rest.empty()) {
        rest.remove_prefix(1); // the comma
        auto c = rest.find(',');
        std::string_view opt = trim(rest.substr(0, c));
        rest = c == std::string_view::npos ? std::string_view{} : rest.substr(c);
        if (opt.empty())
            continue;
        constexpr std::string_view kCont = "push-continuation";
        if (opt.substr(0, kCont.size()) == kCont &&
            (opt.size() == kCont.size() || opt[kCont.size()] == ' ')) {
            unsigned v = 0;
            if (!parse_uint(opt.substr(kCont.size()), v) || (v != 1 && v != 2))
                return Err(std::string("bad push-continuation"));
            pr.continuation = static_cast<int>(v);
            continue;
        }
        pr.options.emplace_back(opt);
    }
    return pr;
}

Result<std::vector<std::string>> build_push_reply(const std::vector<std::string>& options,
                                                  std::size_t max_len)
{
    constexpr std::string_view kHead = "PUSH_REPLY";
    constexpr std::string_view kMore = ",push-continuation 2";
    constexpr std::string_view kLast = ",push-continuation 1";
    std::vector<std::string> parts;
    std::string cur(kHead);
    for (const auto& o : options) {
        if (o.find(',') != std::string::npos || o.empty())
            return Err("option cannot be pushed: '" + o + "'");
        if (kHead.size() + 1 + o.size() + kMore.size() > max_len)
            return Err("option too long to push: '" + o + "'");
        if (cur.size() + 1 + o.size() + kMore.size() > max_len) {
            parts.push_back(cur + std::string(kMore));
            cur = std::string(kHead);
        }
        cur += ',';
        cur += o;
    }
    if (!parts.empty())
        cur += kLast;
    parts.push_back(std::move(cur));
    return parts;
}

RestartMessage parse_restart_arg(std::string_view arg)
{
    RestartMessage r;
    if (!arg.empty() && arg.front() == '[') {
        auto close = arg.find(']');
        if (close != std::string_view::npos) {
            for (char f : arg.substr(1, close - 1)) {
                r.preserve_credentials = r.preserve_credentials || f == 'P';
                r.advance_remote = r.advance_remote || f == 'N';
            }
            arg.remove_prefix(close + 1);
        }
    }
    r.message = std::string(arg);
    return r;
}

namespace {

// TEMP[flags]:message, flags "backoff N,advance addr|remote|no".
void parse_temp(std::string_view s, AuthFailed& af)
{
    af.kind = AuthFailed::Kind::Temp;
    s.remove_prefix(4); // "TEMP"
    if (!s.empty() && s.front() == '[') {
        auto close = s.find(']');
        if (close != std::string_view::npos) {
            std::string_view flags = s.substr(1, close - 1);
            s.remove_prefix(close + 1);
            while (!flags.empty()) {
                auto c = flags.find(',');
                std::string_view f = trim(flags.substr(0, c));
                flags = c == std::string_view::npos ? std::string_view{} : flags.substr(c + 1);
                if (f.substr(0, 8) == "backoff ")
                    (void)parse_uint(f.substr(8), af.backoff_secs);
                else if (f == "advance addr")
                    af.advance_addr = true;
                else if (f == "advance remote")
                    af.advance_remote = true;
                else if (f == "advance no")
                    af.advance_no = true;
            }
        }
    }
    if (!s.empty() && s.front() == ':')
        s.remove_prefix(1);
    af.message = std::string(s);
}

} // namespace

AuthFailed parse_auth_failed(std::string_view arg)
{
    AuthFailed af;
    af.reason = std::string(arg);
    if (arg.substr(0, 4) == "TEMP") {
        parse_temp(arg, af);
    } else if (arg.substr(0, 8) == "SESSION:") {
        af.kind = AuthFailed::Kind::Session;
        af.message = std::string(arg.substr(8));
    } else if (arg.substr(0, 5) == "CRV1:") {
        af.kind = AuthFailed::Kind::Crv1;
        std::string_view r = arg.substr(5);
        std::string* fields[] = {&af.crv1_flags, &af.crv1_state_id, &af.crv1_username_b64};
        for (std::string* f : fields) {
            auto c = r.find(':');
            *f = std::string(r.substr(0, c));
            r = c == std::string_view::npos ? std::string_view{} : r.substr(c + 1);
        }
        af.message = std::string(r);
    } else {
        af.message = std::string(arg);
    }
    return af;
}

std::optional<unsigned> parse_auth_pending_timeout(std::string_view arg)
{
    constexpr std::string_view kTimeout = "timeout ";
    auto p = arg.find(kTimeout);
    if (p == std::string_view::npos)
        return std::nullopt;
    std::string_view v = arg.substr(p + kTimeout.size());
    v = v.substr(0, v.find(','));
    unsigned n = 0;
    if (!parse_uint(v, n))
        return std::nullopt;
    return n;
}

} // namespace ovpn::wire
