// SPDX-License-Identifier: GPL-2.0-or-later
// How code below main() ends a command with the right exit code: by throwing
// one of these typed errors (main() prints the message as the one stderr line).
// The codes themselves are portclass/exit_code.hpp, shared with portclass-nft:
//   UsageError   bad usage or bad input          -> 2
//   SystemError  the system failed (kernel, permission, netlink) -> 3
// Anything else that escapes is an internal error               -> 3
#pragma once

#include <stdexcept>

#include "portclass/exit_code.hpp"

namespace portclass::cli {

using portclass::kExitCritical;
using portclass::kExitFound;
using portclass::kExitOk;
using portclass::kExitSystem;
using portclass::kExitUsage;
// `profile --fail-on-findings` and `host`'s warning: "something was found".
inline constexpr ExitCode kExitAlert = kExitFound;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SystemError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace portclass::cli
