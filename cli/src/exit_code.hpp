// SPDX-License-Identifier: GPL-2.0-or-later
// Exit codes of every portclass command (docs/cli.md, portclass(1)):
//   0  fine
//   1  a warning threshold was crossed, or a finding is present where asked
//   2  bad usage or bad input (one line on stderr says which)
//   3  `host` only: the critical threshold was crossed
// UsageError is how code below main() reports bad input: main() prints its
// message as the one line and exits 2.
#pragma once

#include <stdexcept>

namespace portclass::cli {

enum ExitCode : int { kExitOk = 0, kExitAlert = 1, kExitUsage = 2, kExitCritical = 3 };

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace portclass::cli
