// SPDX-License-Identifier: GPL-2.0-or-later
// Result<T>: a value or an Error with a one-line, user-facing message, a
// kind that says what went wrong for the caller (exit codes and retries are
// decided on the kind and the errno, never on the words), and the errno
// where the system gave one.
//
// portclass is C++20, so std::expected (C++23) is not available; this is the
// small subset the project needs. Parsers return Result so that callers at the
// edges (command lines, the plugin's preference callbacks, config loaders) can
// turn a bad input into one clear line without exceptions crossing C code.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace portclass {

// What went wrong, from the caller's side. exit_code.hpp maps each kind to
// the exit code of the one exit-code policy.
enum class ErrorKind : std::uint8_t {
  bad_input,    // the command line or a file the user gave: fix it and retry
  refused,      // a peer (the kernel) checked the request and said no; nothing changed
  pending,      // an earlier request still waits for its outcome (a safe apply not yet confirmed)
  interrupted,  // stopped part-way by a signal or a concurrent change; trying again may work
  system,       // the machine failed: kernel, socket, namespace, permission, output
};

struct Error {
  std::string message;  // one line, names the offending input
  ErrorKind kind = ErrorKind::bad_input;
  int error_number = 0;  // the errno behind it, 0 when none
};

// Thrown by Result::value() on an error: the edge-of-program way out.
class BadResult : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class T>
// NOLINTNEXTLINE(bugprone-exception-escape): the implicit move assignment throws only where T's own does
class [[nodiscard]] Result {
 public:
  // Implicit on purpose, both: `return value;` and `return make_error(...);` in a Result function.
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

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
  T& operator*() & { return value(); }
  // std::move(*result) moves the value out (with only the const overload it copied).
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

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

// Success with nothing to return, or an Error: what a step that only does
// something (installs a filter, checks a key set, applies a ruleset) gives.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // implicit on purpose: `return make_error(...);`

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  // Throws BadResult on an error, like Result<T>::value().
  void value() const {
    if (error_) throw BadResult(error_->message);
  }
  // Only meaningful when !ok().
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

// Bad input: the common case, and the one every parser reports.
inline Error make_error(std::string message) { return Error{std::move(message)}; }
inline Error make_error(ErrorKind kind, std::string message, int error_number = 0) {
  return Error{std::move(message), kind, error_number};
}
// The same failure told with more context: kind and errno are kept.
inline Error reworded(const Error& cause, std::string message) {
  return Error{std::move(message), cause.kind, cause.error_number};
}

}  // namespace portclass
