// client/credentials.cpp: --auth-user-pass from its file, an inline block or
// the terminal, --static-challenge's response, and --auth-nocache.
#include "openvpn/client/client.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>

#include "openvpn/client/challenge.hpp"
#include "openvpn/client/internal.hpp"
#include "openvpn/io/proxy.hpp"
#include "openvpn/process/console.hpp"
#include "openvpn/session/tls_config.hpp"

namespace ovpn::client {

namespace {

Result<std::pair<std::string, SecureBytes>> read_user_pass(const options::Options& o)
{
    if (!o.auth_user_pass)
        return Err(std::string("no auth-user-pass"));
    if (!o.auth_user_pass->is_inline &&
        (o.auth_user_pass->path.empty() || o.auth_user_pass->path == "stdin")) {
        // No file: ask on the terminal as 2.6 does (password without echo).
        auto u = process::read_console("Enter Auth Username:", true);
        if (!u)
            return Err(u.error());
        auto p = process::read_console("Enter Auth Password:", false);
        if (!p)
            return Err(p.error());
        std::string user(reinterpret_cast<const char*>(u->data()), u->size());
        if (user.empty())
            return Err(std::string("ERROR: Auth username is empty"));
        return std::pair{user, std::move(*p)};
    }
    auto text = session::read_file_ref(*o.auth_user_pass);
    if (!text)
        return Err(text.error());
    std::istringstream in(*text);
    std::string user, pass;
    std::getline(in, user);
    std::getline(in, pass);
    for (std::string* s : {&user, &pass})
        while (!s->empty() && (s->back() == '\r' || s->back() == '\n'))
            s->pop_back();
    SecureBytes p(as_bytes(pass));
    std::fill(pass.begin(), pass.end(), '\0');
    if (user.empty())
        return Err("ERROR: username from Auth authfile '" + o.auth_user_pass->path + "' is empty");
    if (p.size() == 0 && !o.auth_user_pass->is_inline) {
        // A file with only the user name: 2.6 asks for the password.
        auto pp = process::read_console("Enter Auth Password:", false);
        if (!pp)
            return Err(pp.error());
        p = std::move(*pp);
    }
    return std::pair{user, std::move(p)};
}

// with_challenge_response: 2.6's SCRV1 password: the response to the static
// challenge is asked on the terminal ("CHALLENGE: text", echoed when the
// flag says so) and packed as SCRV1:<base64 password>:<base64 response>.
Result<SecureBytes> with_challenge_response(const options::Options& o, const SecureBytes& password)
{
    const auto sc = static_challenge(o);
    if (!sc)
        return SecureBytes(password.span());
    auto response = process::read_console("CHALLENGE: " + sc->text, sc->echo);
    if (!response)
        return Err("ERROR: could not retrieve static challenge response (" + response.error() + ")");
    const SecureBytes pw64 = io::proxy_wire::base64_encode(password.span());
    const SecureBytes resp64 = io::proxy_wire::base64_encode(response->span());
    const std::string_view tag = "SCRV1:";
    SecureBytes packed(tag.size() + pw64.size() + 1 + resp64.size());
    std::uint8_t* w = packed.data();
    auto put = [&w](std::span<const std::uint8_t> b) {
        if (!b.empty())
            std::memcpy(w, b.data(), b.size());
        w += b.size();
    };
    put(as_bytes(tag));
    put(pw64.span());
    put(as_bytes(std::string_view(":")));
    put(resp64.span());
    return packed;
}

// answer_dynamic_challenge: 2.6's get_user_pass_cr for a CRV1 challenge:
// the response is asked on the terminal ("CHALLENGE: text"), the login is
// the challenge's user with CRV1::<state id>::<response>; the auth file is
// not read.
Result<std::pair<std::string, SecureBytes>> answer_dynamic_challenge(const std::string& reason)
{
    const auto dc = parse_dynamic_challenge(reason);
    if (!dc)
        return Err(std::string("ERROR: received malformed challenge request from server"));
    auto response = process::read_console("CHALLENGE: " + dc->text, dc->echo);
    if (!response)
        return Err("ERROR: could not read challenge response from stdin (" + response.error() + ")");
    return std::pair{dc->user, crv1_password(dc->state_id, response->span())};
}

} // namespace

std::optional<StaticChallenge> static_challenge(const options::Options& o)
{
    if (!o.static_challenge || o.static_challenge->size() < 2)
        return std::nullopt;
    return StaticChallenge{(*o.static_challenge)[0], std::atoi((*o.static_challenge)[1].c_str()) != 0};
}

// load_credentials: --auth-user-pass from its file, inline block or the
// terminal, or the answer to the server's dynamic challenge; again at a
// restart after --auth-nocache or --auth-retry interact dropped them.
Status<> Client::load_credentials()
{
    if (!base_.auth_user_pass || have_credentials_)
        return Ok{};
    if (crv1_) {
        auto answer = answer_dynamic_challenge(*crv1_);
        if (!answer)
            return Err(answer.error());
        username_ = std::move(answer->first);
        password_ = std::move(answer->second);
        have_credentials_ = true;
        return Ok{};
    }
    auto up = read_user_pass(base_);
    if (!up)
        return Err(up.error());
    auto password = with_challenge_response(base_, up->second);
    if (!password)
        return Err(password.error());
    username_ = up->first;
    password_ = std::move(*password);
    have_credentials_ = true;
    return Ok{};
}

} // namespace ovpn::client
