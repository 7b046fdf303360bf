// client/auth_token.hpp: the auth-token a server pushed, as the client keeps
// it (2.6's ssl_set_auth_token / ssl_clean_auth_token). The token stands in
// for the password until it expires, so it lives in wiped memory: the old
// one is wiped when a push replaces it, when AUTH_FAILED or forget-passwords
// drops it and when the client goes away; set() wipes the string it came in.
// A pushed auth-token-user names the user the token logs in as (2.6's
// set_auth_token_user); it goes with the token.
#pragma once

#include <string>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/secure.hpp"

namespace ovpn::client {

class AuthToken {
public:
    // set: takes the token out of `token` (whose characters are wiped).
    void set(std::string& token)
    {
        bytes_ = SecureBytes(as_bytes(token));
        OPENSSL_cleanse(token.data(), token.size());
        token.clear();
    }
    // clear: wipes the token; true when there was one (2.6's return value).
    bool clear() noexcept
    {
        const bool had = has();
        bytes_.wipe();
        user_.clear();
        return had;
    }
    // set_user: the user name of the token's logins (empty: the login's own)
    void set_user(std::string user) { user_ = std::move(user); }
    const std::string& user() const noexcept { return user_; }
    bool has() const noexcept { return !bytes_.empty(); }
    const SecureBytes& bytes() const noexcept { return bytes_; }

private:
    SecureBytes bytes_;
    std::string user_;
};

} // namespace ovpn::client
