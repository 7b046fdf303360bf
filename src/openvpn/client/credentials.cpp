// client/credentials.cpp: --auth-user-pass from its file, an inline block or
// the terminal, and --auth-nocache.
#include "openvpn/client/client.hpp"

#include <unistd.h>

#include <sstream>

#include "openvpn/client/internal.hpp"
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

} // namespace

// load_credentials: --auth-user-pass from its file, inline block or the
// terminal; again at a restart after --auth-nocache dropped them.
Status<> Client::load_credentials()
{
    if (!base_.auth_user_pass || have_credentials_)
        return Ok{};
    auto up = read_user_pass(base_);
    if (!up)
        return Err(up.error());
    username_ = up->first;
    password_ = std::move(up->second);
    have_credentials_ = true;
    return Ok{};
}

} // namespace ovpn::client
