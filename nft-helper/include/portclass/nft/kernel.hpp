// SPDX-License-Identifier: GPL-2.0-or-later
// Acting on the kernel's nf_tables through libnftnl + libmnl: one netlink
// batch per action, never the nft binary. Everything happens in the network
// namespace of the calling thread (see netns.hpp to enter another one).
#pragma once

#include <cstddef>
#include <string>

#include "portclass/nft/model.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

// The kernel validates the whole ruleset (the batch has no END message, so
// it is aborted after validation): nothing is applied.
Result<void> kernel_check(const Ruleset& ruleset);

// Atomically replaces the table `ruleset.table` (and only it). On any error
// nothing changes, and the message names the rule or object the kernel
// refused: "kernel refused rule 3 of chain input: ... : No such file or directory".
Result<void> kernel_apply(const Ruleset& ruleset);

// Errors carry their kind (result.hpp): ErrorKind::refused when the kernel
// refused something in the ruleset ("kernel refused rule 3 ..."): nothing
// changed, and the ruleset is to blame; ErrorKind::system for no socket, no
// permission, the batch refused as a whole, a lost answer (whose message says
// whether the batch went in), each with its errno.

// Builds the batch kernel_apply would send, without any socket, and returns
// its size in bytes (benchmarks; sizing).
std::size_t batch_bytes(const Ruleset& ruleset);

// Removes the table if it exists (one batch).
Result<void> kernel_remove_table(const std::string& table);

}  // namespace portclass::nft
