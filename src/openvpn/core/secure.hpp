// core/secure.hpp: storage for key material. SecureBytes wipes its contents
// with OPENSSL_cleanse when it is destroyed, resized or reassigned, so keys
// never linger in freed memory. Use it for every key, secret and password.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <openssl/crypto.h>

namespace ovpn {

class SecureBytes {
public:
    SecureBytes() = default;
    explicit SecureBytes(std::size_t n) : v_(n, 0) {}
    SecureBytes(std::span<const std::uint8_t> b) : v_(b.begin(), b.end()) {}
    SecureBytes(const SecureBytes& o) : v_(o.v_) {}
    SecureBytes(SecureBytes&& o) noexcept : v_(std::move(o.v_)) {}
    SecureBytes& operator=(const SecureBytes& o)
    {
        if (this != &o) {
            wipe();
            v_ = o.v_;
        }
        return *this;
    }
    SecureBytes& operator=(SecureBytes&& o) noexcept
    {
        if (this != &o) {
            wipe();
            v_ = std::move(o.v_);
        }
        return *this;
    }
    ~SecureBytes() { wipe(); }

    std::uint8_t* data() noexcept { return v_.data(); }
    const std::uint8_t* data() const noexcept { return v_.data(); }
    std::size_t size() const noexcept { return v_.size(); }
    bool empty() const noexcept { return v_.empty(); }
    std::uint8_t& operator[](std::size_t i) noexcept { return v_[i]; }
    const std::uint8_t& operator[](std::size_t i) const noexcept { return v_[i]; }
    std::span<std::uint8_t> span() noexcept { return v_; }
    std::span<const std::uint8_t> span() const noexcept { return v_; }
    operator std::span<const std::uint8_t>() const noexcept { return v_; }

    // resize: wipes the old contents first, since the vector may reallocate.
    void resize(std::size_t n)
    {
        wipe();
        v_.assign(n, 0);
    }
    void wipe() noexcept
    {
        if (!v_.empty())
            OPENSSL_cleanse(v_.data(), v_.size());
        v_.clear();
    }

private:
    std::vector<std::uint8_t> v_;
};

} // namespace ovpn
