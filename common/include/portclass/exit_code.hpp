// SPDX-License-Identifier: GPL-2.0-or-later
// The one exit-code policy of every portclass program (`portclass`,
// `portclass-nft`), documented once in docs/bad-input.md ("Exit codes") and in
// portclass(1). A code says what the caller should do next, not which step
// failed:
//   0  fine
//   1  something was found: a warning threshold crossed, a finding present
//      where asked, the kernel refused a ruleset (nothing changed), an apply
//      reverted
//   2  bad usage or bad input: fix the command line or the file
//   3  the system failed: kernel, netlink, namespace, permission, output, an
//      internal error or an unexpected exception
//   4  the critical threshold was crossed (`portclass host`)
// Header-only: both programs include it, the Wireshark plugin has no exit
// codes.
#pragma once

#include "portclass/result.hpp"

namespace portclass {

enum ExitCode : int {
  kExitOk = 0,
  kExitFound = 1,
  kExitUsage = 2,
  kExitSystem = 3,
  kExitCritical = 4,
};

// The exit code of a run that stopped on an error of KIND: refused and
// pending (a safe apply waits for its confirmation) changed nothing and are
// answers, not failures; an interrupted read is the system's failure.
constexpr ExitCode exit_code_of(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::bad_input: return kExitUsage;
    case ErrorKind::refused:
    case ErrorKind::pending: return kExitFound;
    case ErrorKind::interrupted:
    case ErrorKind::system: return kExitSystem;
  }
  return kExitSystem;
}

}  // namespace portclass
