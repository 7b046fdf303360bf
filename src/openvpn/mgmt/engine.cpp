// mgmt/engine.cpp: the management connection (password, greeting, output,
// line handling) and the waits (hold, queries) of the engine.
#include "openvpn/mgmt/engine.hpp"

#include <openssl/crypto.h>

#include "openvpn/mgmt/format.hpp"

namespace ovpn::mgmt {

namespace {

constexpr std::string_view kGreeting =
    ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info";
// 2.6 formats every line into ERR_BUF_SIZE (10240) bytes.
constexpr std::size_t kMaxOutLine = 10239;

} // namespace

Engine::Engine(Host& host, Config cfg)
    : host_(host), cfg_(std::move(cfg)), hold_flag_(cfg_.hold),
      log_(static_cast<std::size_t>(cfg_.log_cache < 1 ? 1 : cfg_.log_cache)),
      echo_(static_cast<std::size_t>(cfg_.echo_cache < 1 ? 1 : cfg_.echo_cache)),
      state_(static_cast<std::size_t>(cfg_.state_cache < 1 ? 1 : cfg_.state_cache))
{
}

Engine::~Engine()
{
    wipe(out_);
    wipe(up_user_);
    wipe(up_pass_);
    for (auto& l : extra_lines_)
        wipe(l);
    if (cfg_.password)
        wipe(*cfg_.password);
}

// ---- output --------------------------------------------------------------

bool Engine::authed() const noexcept
{
    return conn_ == Conn::Connected && (!cfg_.password || password_ok_);
}

void Engine::out_line(std::string_view line)
{
    if (!authed())
        return;
    if (line.size() > kMaxOutLine)
        line = line.substr(0, kMaxOutLine);
    std::string s;
    s.reserve(line.size() + 2);
    s.append(line).append("\r\n");
    out_bytes(s);
}

void Engine::out_bytes(std::string_view bytes)
{
    if (conn_ != Conn::Connected || close_ != Close::None)
        return;
    if (out_.size() + bytes.size() > cfg_.max_output) {
        host_.log(LogLevel::Management, "MANAGEMENT: client does not read its output (" +
                                            std::to_string(out_.size()) + " bytes pending), disconnecting");
        request_close(Close::Normal);
        return;
    }
    out_.append(bytes);
    wake();
}

void Engine::consume_output(std::size_t n)
{
    if (n >= out_.size()) {
        wipe(out_);
        return;
    }
    OPENSSL_cleanse(out_.data(), n);
    out_.erase(0, n);
}

void Engine::request_close(Close kind)
{
    if (close_ != Close::None)
        return;
    close_ = kind;
    wake();
}

void Engine::wake()
{
    if (waker_)
        waker_();
}

// ---- the connection ----------------------------------------------------------

void Engine::reset_connection()
{
    state_rt_ = log_rt_ = echo_rt_ = false;
    bytecount_secs_ = 0;
    password_ok_ = false;
    password_tries_ = 0;
    close_ = Close::None;
    reader_.clear();
    wipe(out_);
    drop_extra();
    // A client that left halfway through pk-sig/certificate input: let the
    // next one answer (2.6 stays stuck in "not currently available").
    if (key_state_ == KeyState::Input)
        key_state_ = KeyState::Solicit;
    if (cert_state_ == KeyState::Input)
        cert_state_ = KeyState::Solicit;
}

void Engine::on_listening()
{
    conn_ = Conn::Listening;
}

void Engine::on_client_connected(std::string_view description, std::time_t now)
{
    reset_connection();
    conn_ = Conn::Connected;
    host_.log(LogLevel::Management, "MANAGEMENT: " + std::string(description));
    if (!cfg_.password)
        welcome();
    prompt_password();
}

void Engine::welcome()
{
    out_line(kGreeting);
    if (prompt_) {
        out_line(*prompt_);
        prompt_sent_ = true;
    }
}

void Engine::prompt_password()
{
    if (conn_ == Conn::Connected && cfg_.password && !password_ok_)
        out_bytes("ENTER PASSWORD:");
}

void Engine::on_client_closed()
{
    if (conn_ != Conn::Connected)
        return;
    const bool exiting = close_ == Close::Exiting;
    reset_connection();
    conn_ = Conn::Closed;
    host_.log(LogLevel::Management, "MANAGEMENT: Client disconnected");
    if (exiting)
        return;
    if (cfg_.forget_on_disconnect)
        host_.forget_passwords();
    if (cfg_.signal_on_disconnect) {
        if (auto s = mod_signal(Signal::Usr1)) {
            host_.log(LogLevel::Management, "MANAGEMENT: Triggering management signal");
            host_.signal(*s, "management-disconnect");
        }
    }
    if (cfg_.connect_as_client) {
        host_.log(LogLevel::Management, "MANAGEMENT: Triggering management exit");
        host_.signal(Signal::Term, "management-exit");
    } else {
        conn_ = Conn::Listening;
    }
}

void Engine::shutdown()
{
    reset_connection();
    conn_ = Conn::Closed;
}

void Engine::on_connect_failed(std::string_view log_line)
{
    conn_ = Conn::Closed;
    host_.log(LogLevel::LinkError, log_line);
    host_.signal(Signal::Term, "management-connect-failed");
}

std::optional<Signal> Engine::mod_signal(Signal s) const noexcept
{
    if (s == Signal::Usr1 && cfg_.remap_usr1)
        s = *cfg_.remap_usr1;
    if (ignore_usr1_hup_ && (s == Signal::Hup || s == Signal::Usr1))
        return std::nullopt;
    return s;
}

// ---- input -------------------------------------------------------------------

void Engine::on_input(std::span<const char> bytes, std::time_t now)
{
    if (conn_ != Conn::Connected || close_ != Close::None)
        return;
    reader_.append(bytes);
    bool ran = false;
    while (auto line = reader_.next()) {
        if (close_ == Close::None) {
            run_line(*line, now);
            ran = true;
        }
        wipe(line->text);
    }
    if (ran && close_ == Close::None)
        prompt_password();
}

void Engine::run_line(Line& line, std::time_t now)
{
    if (extra_ != Extra::None) {
        if (line.too_long)
            extra_overflow_ = true;
        else if (line.text == "END")
            extra_end();
        else
            extra_line(std::move(line.text));
        return;
    }
    if (cfg_.password && !password_ok_) {
        check_password(line.too_long ? std::string() : line.text);
        return;
    }
    if (line.too_long) {
        out_line("ERROR: command line too long (" + std::to_string(LineReader::kMaxLine) + " bytes max)");
        host_.log(LogLevel::Debug, "MANAGEMENT: CMD too long, ignored");
        return;
    }
    run_command(line.text, now);
}

void Engine::check_password(const std::string& line)
{
    const std::string& pw = *cfg_.password;
    const bool ok = line.size() == pw.size() && CRYPTO_memcmp(line.data(), pw.data(), pw.size()) == 0;
    if (ok) {
        password_ok_ = true;
        out_line("SUCCESS: password is correct");
        welcome();
        return;
    }
    // 2.6 writes "ERROR: bad password" while the password is still needed,
    // so the client never sees it: it only gets the prompt again.
    if (++password_tries_ >= kPasswordTries) {
        host_.log(LogLevel::Warn, "MAN: client connection rejected after " + std::to_string(kPasswordTries) +
                                      " failed password attempts");
        request_close(Close::Normal);
    }
}

void Engine::run_command(const std::string& line, std::time_t now)
{
    Tokens t = tokenize(line);
    if (t.error)
        out_line(*t.error);
    if (!t.words.empty() && t.words[0] == "password")
        host_.log(LogLevel::Debug, "MANAGEMENT: CMD 'password [...]'");
    else if (line != "load-stats")
        host_.log(LogLevel::Debug, "MANAGEMENT: CMD '" + line + "'");
    if (!t.error && !t.words.empty())
        dispatch(t.words, now);
    for (auto& w : t.words)
        wipe(w);
}

// ---- waits and prompts -------------------------------------------------------

void Engine::begin_wait(Wait w, std::string prompt, const char* waiting_log)
{
    wait_ = w;
    prompt_ = std::move(prompt);
    prompt_sent_ = false;
    if (authed()) {
        out_line(*prompt_);
        prompt_sent_ = true;
    } else if (waiting_log && conn_ == Conn::Listening) {
        host_.log(LogLevel::Management, waiting_log);
    }
}

void Engine::end_wait()
{
    if (wait_ == Wait::Hold)
        ignore_usr1_hup_ = false;
    wait_ = Wait::None;
    prompt_.reset();
    prompt_sent_ = false;
    wake(); // a >BYTECOUNT: held back by the wait may be due now
}

void Engine::detach() noexcept
{
    mode_ = Mode::None;
    hold_release_ = false;
}

bool Engine::would_hold() const noexcept
{
    return hold_flag_ && !hold_release_ && conn_ != Conn::Closed;
}

bool Engine::hold(int holdtime)
{
    if (!would_hold())
        return false;
    ignore_usr1_hup_ = true;
    begin_wait(Wait::Hold, ">HOLD:Waiting for hold release:" + std::to_string(holdtime),
               "Need hold release from management interface, waiting...");
    return true;
}

bool Engine::query_user_pass(const UserPassQuery& q)
{
    if (conn_ == Conn::Closed)
        return false;
    std::string p;
    switch (q.kind) {
    case QueryKind::NeedOk:
        p = ">NEED-OK:Need '" + q.type + "' confirmation MSG:" + q.message;
        break;
    case QueryKind::NeedStr:
        p = ">NEED-STR:Need '" + q.type + "' string MSG:" + q.message;
        break;
    case QueryKind::PasswordOnly:
        p = ">PASSWORD:Need '" + q.type + "' password";
        break;
    case QueryKind::UserPass:
        p = ">PASSWORD:Need '" + q.type + "' username/password";
        if (q.static_challenge)
            p += " SC:" + std::string(q.challenge_echo ? "1" : "0") + "," + *q.static_challenge;
        break;
    }
    up_kind_ = q.kind;
    up_type_ = q.type;
    wipe(up_user_);
    wipe(up_pass_);
    begin_wait(Wait::UserPass, std::move(p), "Need password(s) from management interface, waiting...");
    return true;
}

bool Engine::query_pk_sig(std::string_view b64, std::string_view algorithm)
{
    if (conn_ == Conn::Closed)
        return false;
    key_desc_ = client_version_ <= 1 ? "rsa-sign" : "pk-sign";
    std::string p = client_version_ <= 1 ? ">RSA_SIGN:" : ">PK_SIGN:";
    p.append(b64);
    if (client_version_ > 2)
        p.append(",").append(algorithm);
    key_state_ = KeyState::Solicit;
    begin_wait(Wait::PkSig, std::move(p), "Need information from management interface, waiting...");
    return true;
}

bool Engine::query_certificate(std::string_view hint)
{
    if (conn_ == Conn::Closed)
        return false;
    cert_state_ = KeyState::Solicit;
    begin_wait(Wait::Cert, ">NEED-CERTIFICATE:" + std::string(hint),
               "Need information from management interface, waiting...");
    return true;
}

void Engine::query_remote(std::string_view host, std::string_view port, std::string_view proto)
{
    begin_wait(Wait::Remote,
               ">REMOTE:" + std::string(host) + "," + std::string(port) + "," + std::string(proto), nullptr);
}

void Engine::query_proxy(int index, std::string_view proto, std::string_view host)
{
    begin_wait(Wait::Proxy,
               ">PROXY:" + std::to_string(index) + "," + std::string(proto) + "," + std::string(host),
               nullptr);
}

void Engine::cancel_query()
{
    if (wait_ == Wait::PkSig && (key_state_ == KeyState::Input || key_state_ == KeyState::Ready))
        out_line("ERROR: " + key_desc_ + " command failed");
    if (wait_ == Wait::Cert && (cert_state_ == KeyState::Input || cert_state_ == KeyState::Ready))
        out_line("ERROR: certificate command failed");
    if (wait_ == Wait::PkSig || wait_ == Wait::Cert)
        drop_extra();
    if (wait_ == Wait::PkSig)
        key_state_ = KeyState::Undef;
    if (wait_ == Wait::Cert)
        cert_state_ = KeyState::Undef;
    wipe(up_user_);
    wipe(up_pass_);
    end_wait();
}

} // namespace ovpn::mgmt
