#include "openvpn/control/control_wrap.hpp"

#include <cstring>

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
    explicit TlsAuthWrap(wire::TlsAuth ta) : ta_(std::move(ta)) {}
    std::size_t overhead() const noexcept override { return ta_.overhead(); }
    Result<std::size_t, wire::Drop> wrap(Bytes plain, MutBytes out, std::uint32_t now) override
    {
        return ta_.wrap(plain, out, now);
    }
    Result<std::size_t, wire::Drop> unwrap(Bytes in, MutBytes out, std::uint32_t now) override
    {
        return ta_.unwrap(in, out, now);
    }

private:
    wire::TlsAuth ta_;
};

class TlsCryptWrap final : public ControlWrap {
public:
    TlsCryptWrap(wire::TlsCrypt tc, std::vector<std::uint8_t> wkc) : tc_(std::move(tc)), wkc_(std::move(wkc))
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

private:
    wire::TlsCrypt tc_;
    std::vector<std::uint8_t> wkc_;
};

} // namespace

std::unique_ptr<ControlWrap> make_no_wrap()
{
    return std::make_unique<NoWrap>();
}

std::unique_ptr<ControlWrap> make_tls_auth_wrap(wire::TlsAuth ta)
{
    return std::make_unique<TlsAuthWrap>(std::move(ta));
}

std::unique_ptr<ControlWrap> make_tls_crypt_wrap(wire::TlsCrypt tc, std::vector<std::uint8_t> wkc)
{
    return std::make_unique<TlsCryptWrap>(std::move(tc), std::move(wkc));
}

} // namespace ovpn::control
