#include "openvpn/control/control_wrap.hpp"

#include <cstring>
#include <optional>

#include "openvpn/wire/opcode.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"

namespace ovpn::control {

namespace {

class NoWrap final : public ControlWrap {
public:
    std::size_t overhead() const noexcept override { return 0; }
    Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t) override
    {
        return copy(plain, out);
    }
    Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t) override
    {
        return copy(in, out);
    }

private:
    static Result<std::size_t, wire::Drop> copy(Bytes in, MutBytes out)
    {
        if (in.size() > out.size())
            return Err(wire::Drop::NoRoom);
        if (!in.empty())
            std::memcpy(out.data(), in.data(), in.size());
        return in.size();
    }
};

class TlsAuthWrap final : public ControlWrap {
public:
    TlsAuthWrap(wire::TlsAuth ta, SecureBytes original) : ta_(std::move(ta)), original_(std::move(original))
    {
    }
    std::size_t overhead() const noexcept override { return ta_.overhead(); }
    Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) override
    {
        return ta_.wrap(plain, out, now);
    }
    Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t now) override
    {
        return ta_.unwrap(in, out, now);
    }
    Bytes original_key() const noexcept override { return original_; }

private:
    wire::TlsAuth ta_;
    SecureBytes original_;
};

class TlsCryptWrap final : public ControlWrap {
public:
    TlsCryptWrap(wire::TlsCrypt tc, std::vector<std::uint8_t> wkc, SecureBytes original)
        : tc_(std::move(tc)), wkc_(std::move(wkc)), original_(std::move(original))
    {
    }
    std::size_t overhead() const noexcept override { return tc_.overhead(); }
    Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) override
    {
        return tc_.wrap(plain, out, now);
    }
    Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t now) override
    {
        return tc_.unwrap(in, out, now);
    }
    Bytes wkc() const noexcept override { return wkc_; }
    Bytes original_key() const noexcept override { return original_; }

private:
    wire::TlsCrypt tc_;
    std::vector<std::uint8_t> wkc_;
    SecureBytes original_;
};

class TlsCryptV2ServerWrap final : public ControlWrap {
public:
    TlsCryptV2ServerWrap(SecureBytes server_key, std::uint32_t start)
        : server_key_(std::move(server_key)), start_(start)
    {
    }
    std::size_t overhead() const noexcept override { return wire::kTlsCryptOverhead; }
    Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) override
    {
        if (!tc_)
            return Err(wire::Drop::BadWkc);
        return tc_->wrap(plain, out, now);
    }
    Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t now) override
    {
        if (in.empty())
            return Err(wire::Drop::TooShort);
        auto op = wire::opcode_of(in[0]);
        if (!op || !wire::carries_wkc(*op)) {
            if (!tc_)
                return Err(wire::Drop::BadWkc);
            return tc_->unwrap(in, out, now);
        }
        if (tc_) {
            // The key is known: only cut the WKc off.
            auto split = wire::split_wkc(in);
            if (!split)
                return Err(wire::Drop::BadWkc);
            return tc_->unwrap(split->packet, out, now);
        }
        auto opened = wire::open_wkc_packet(server_key_.span(), in);
        if (!opened)
            return Err(wire::Drop::BadWkc);
        auto tc = wire::TlsCrypt::create(opened->key.kc.span(), wire::Role::Server, start_);
        if (!tc)
            return Err(wire::Drop::Crypto);
        auto n = tc->unwrap(opened->packet, out, now);
        if (n) {
            tc_.emplace(std::move(tc).value()); // only an authentic packet fixes the key
            kc_ = std::move(opened->key.kc);
        }
        return n;
    }
    Bytes original_key() const noexcept override { return kc_; }

private:
    SecureBytes server_key_;
    std::uint32_t start_;
    std::optional<wire::TlsCrypt> tc_;
    SecureBytes kc_; // the client's Kc, once its WKc was opened
};

} // namespace

std::unique_ptr<ControlWrap> make_tls_crypt_v2_server_wrap(SecureBytes server_key,
                                                           std::uint32_t session_start)
{
    return std::make_unique<TlsCryptV2ServerWrap>(std::move(server_key), session_start);
}

std::unique_ptr<ControlWrap> make_no_wrap()
{
    return std::make_unique<NoWrap>();
}

std::unique_ptr<ControlWrap> make_tls_auth_wrap(wire::TlsAuth ta, SecureBytes original)
{
    return std::make_unique<TlsAuthWrap>(std::move(ta), std::move(original));
}

std::unique_ptr<ControlWrap> make_tls_crypt_wrap(wire::TlsCrypt tc, std::vector<std::uint8_t> wkc,
                                                 SecureBytes original)
{
    return std::make_unique<TlsCryptWrap>(std::move(tc), std::move(wkc), std::move(original));
}

} // namespace ovpn::control
