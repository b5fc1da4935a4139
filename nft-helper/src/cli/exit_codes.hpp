// SPDX-License-Identifier: GPL-2.0-or-later
// portclass-nft's exit codes (docs/nft-helper.md lists them).
#pragma once

namespace portclass::nft::cli {

enum Exit : int {
  kOk = 0,
  kFound = 1,     // the kernel refused, the audit found something, a confirm came too late, a revert happened
  kBadInput = 2,  // usage, config or profile errors: nothing was touched
  kSystem = 3,    // netlink, namespace, state-file or permission trouble
};

}  // namespace portclass::nft::cli
