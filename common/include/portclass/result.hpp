// SPDX-License-Identifier: GPL-2.0-or-later
// Result<T>: a value or an Error with a one-line, user-facing message.
//
// portclass is C++20, so std::expected (C++23) is not available; this is the
// small subset the project needs. Parsers return Result so that callers at the
// edges (command lines, the plugin's preference callbacks, config loaders) can
// turn a bad input into one clear line without exceptions crossing C code.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace portclass {

struct Error {
  std::string message;  // one line, names the offending input
};

// Thrown by Result::value() on an error: the edge-of-program way out.
class BadResult : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(implicit)
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  const T& value() const& {
    check();
    return std::get<0>(state_);
  }
  T& value() & {
    check();
    return std::get<0>(state_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  // Only meaningful when !ok().
  const Error& error() const { return std::get<1>(state_); }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void check() const {
    if (!ok()) throw BadResult(std::get<1>(state_).message);
  }
  std::variant<T, Error> state_;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace portclass
