// A client and a server TlsSession joined in memory, for the control tests.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "openvpn/control/tls_engine.hpp"

namespace ovpn::control::test {

struct Pair {
    std::unique_ptr<TlsSession> c, s;
};

// pump: advance both sessions and shuttle their ciphertext across in
// `chunk`-byte pieces until both are established and nothing moves.
inline Status<> pump(Pair& p, std::size_t chunk)
{
    for (int i = 0; i < 100; ++i) {
        if (auto r = p.c->advance(); !r)
            return r;
        if (auto r = p.s->advance(); !r)
            return r;
        bool moved = false;
        while (p.c->has_ciphertext()) {
            p.s->put_ciphertext(p.c->take_ciphertext(chunk));
            moved = true;
        }
        while (p.s->has_ciphertext()) {
            p.c->put_ciphertext(p.s->take_ciphertext(chunk));
            moved = true;
        }
        if (!moved && p.c->established() && p.s->established())
            return Ok{};
    }
    return Err(std::string("no progress"));
}

} // namespace ovpn::control::test
