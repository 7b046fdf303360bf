// client/auth_token.hpp: the auth-token a server pushed, as the client keeps
// it (2.6's ssl_set_auth_token / ssl_clean_auth_token). The token stands in
// for the password until it expires, so it lives in wiped memory: the old
// one is wiped when a push replaces it, when AUTH_FAILED or forget-passwords
// drops it and when the client goes away; set() wipes the string it came in.
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
        return had;
    }
    bool has() const noexcept { return !bytes_.empty(); }
    const SecureBytes& bytes() const noexcept { return bytes_; }

private:
    SecureBytes bytes_;
};

} // namespace ovpn::client
