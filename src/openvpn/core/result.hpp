// core/result.hpp: Result<T, E>, the value-or-error type used wherever a
// failure is expected (bad packet, bad config line). C++20 has no
// std::expected, so this is a small variant wrapper. Nothing on the packet
// path throws; errors travel as values up to the caller that decides.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace ovpn {

// Err: tag type so that Result<T, E> can be built from an error unambiguously.
// (A constructor rather than an aggregate: clang 14 lacks C++20's
// parenthesised aggregate initialisation, and the fuzz builds use clang.)
template <typename E> struct Err {
    Err(E v) : value(std::move(v)) {}
    E value;
};
template <typename E> Err(E) -> Err<E>;

template <typename T, typename E = std::string> class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    template <typename E2> Result(Err<E2> err) : v_(std::in_place_index<1>, E(std::move(err.value))) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const& { return std::get<1>(v_); }
    E&& error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, E> v_;
};

// Status: Result without a value.
struct Ok {};
template <typename E = std::string> using Status = Result<Ok, E>;

} // namespace ovpn
