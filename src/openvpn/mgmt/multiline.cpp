// mgmt/multiline.cpp: commands whose data follows on lines up to "END":
// client-auth (config lines), pk-sig/rsa-sig (a signature in base64) and
// certificate (a PEM body). The lines are stored up to kMaxExtra bytes; a
// larger block fails instead of growing memory (2.6 has no bound).
#include "openvpn/mgmt/engine.hpp"

namespace ovpn::mgmt {

namespace {

constexpr std::size_t kMaxExtra = std::size_t{1} << 20;
constexpr std::size_t kPkSigMax = 2048; // 2.6 joins this much of the signature
constexpr std::size_t kCertMax = 10000; // and of the certificate

// aggregate: 2.6's buffer_list_aggregate_separator + peek: the first lines
// that fit in `max` (each followed by `sep`) joined, or the first line alone
// when fewer than two fit; nothing for no line or an empty result.
std::optional<std::string> aggregate(const std::vector<std::string>& lines, std::size_t max,
                                     std::string_view sep)
{
    if (lines.empty())
        return std::nullopt;
    std::size_t size = 0, count = 0;
    for (const auto& l : lines) {
        if (size + l.size() + sep.size() > max)
            break;
        size += l.size() + sep.size();
        ++count;
    }
    std::string out;
    if (count >= 2) {
        for (std::size_t i = 0; i < count; ++i)
            out.append(lines[i]).append(sep);
    } else {
        out = lines[0];
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

} // namespace

void Engine::begin_extra(Extra kind)
{
    drop_extra();
    extra_ = kind;
}

void Engine::drop_extra()
{
    extra_ = Extra::None;
    for (auto& l : extra_lines_)
        wipe(l);
    extra_lines_.clear();
    extra_size_ = 0;
    extra_overflow_ = false;
}

void Engine::extra_line(std::string line)
{
    if (extra_overflow_ || extra_size_ + line.size() > kMaxExtra) {
        extra_overflow_ = true;
        wipe(line);
        return;
    }
    extra_size_ += line.size();
    extra_lines_.push_back(std::move(line));
}

void Engine::extra_end()
{
    const Extra kind = extra_;
    const bool overflow = extra_overflow_;
    std::vector<std::string> lines = std::move(extra_lines_);
    extra_lines_.clear();
    drop_extra();
    switch (kind) {
    case Extra::ClientAuth:
        finish_client_auth(lines, overflow);
        break;
    case Extra::PkSig: {
        auto sig = aggregate(lines, kPkSigMax, "");
        out_line("SUCCESS: " + key_desc_ + " command succeeded");
        key_state_ = KeyState::Undef;
        end_wait();
        host_.pk_sig(std::move(sig));
        break;
    }
    case Extra::Cert: {
        auto pem = aggregate(lines, kCertMax, "\n");
        out_line("SUCCESS: certificate command succeeded");
        cert_state_ = KeyState::Undef;
        end_wait();
        host_.certificate(std::move(pem));
        break;
    }
    case Extra::None:
        break;
    }
    for (auto& l : lines)
        wipe(l);
}

void Engine::cmd_pk_sig(std::string_view name)
{
    if (key_state_ != KeyState::Solicit) {
        out_line("ERROR: The " + std::string(name) + " command is not currently available");
        return;
    }
    key_state_ = KeyState::Input;
    begin_extra(Extra::PkSig);
}

void Engine::cmd_certificate()
{
    if (cert_state_ != KeyState::Solicit) {
        out_line("ERROR: The certificate command is not currently available");
        return;
    }
    cert_state_ = KeyState::Input;
    begin_extra(Extra::Cert);
}

} // namespace ovpn::mgmt
