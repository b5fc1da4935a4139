// SPDX-License-Identifier: GPL-2.0-or-later
// Safe apply: a new ruleset that reverts itself unless confirmed in time.
//
// Protocol (state in one directory per network namespace, default
// /run/portclass/netns-NAME or /run/portclass/root, guarded by flock):
//  1. the previous table (or its absence) is saved to `snapshot`;
//  2. a watchdog is started BEFORE the change: double fork + setsid, so it
//     is no child of the caller and is not in its session or process group;
//     killing the applying process (even with SIGKILL) does not stop it;
//  3. the new table is applied in one batch (on error the watchdog is
//     cancelled and nothing changed);
//  4. `confirm` marks the state confirmed; otherwise at the deadline the
//     watchdog restores the snapshot in one atomic batch and records
//     "reverted". Whoever takes the lock first decides, so a confirm that
//     arrives too late says so instead of pretending.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/types.h>

#include "portclass/nft/model.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

// Where the state of a namespace lives ($PORTCLASS_STATE_DIR overrides the
// /run/portclass base).
std::filesystem::path state_dir_for(const std::string& netns);

struct Pending {
  pid_t watchdog = 0;
  std::int64_t deadline = 0;  // unix seconds
};

// Applies `ruleset` with a revert armed `timeout` from now. The calling
// thread must already be in the target network namespace.
Result<Pending> safe_apply(const Ruleset& ruleset, std::chrono::seconds timeout, const std::filesystem::path& dir);

enum class Outcome : std::uint8_t { none, pending, confirmed, reverted, revert_failed, cancelled };
std::string to_string(Outcome o);

struct Status {
  Outcome outcome = Outcome::none;
  pid_t watchdog = 0;
  std::int64_t deadline = 0;
  std::string message;  // the revert error, when it failed
};

Status read_status(const std::filesystem::path& dir);

// Keeps the new ruleset. Error when there is nothing pending or it is too late.
Result<Status> confirm_pending(const std::filesystem::path& dir);

// Waits until the pending apply is confirmed or reverted.
Status wait_outcome(const std::filesystem::path& dir);

// Error when a confirmation is pending (a plain apply would be reverted).
Result<void> refuse_if_pending(const std::filesystem::path& dir);

// A plain apply: runs `apply` unless a confirmation is pending (then the
// error from refuse_if_pending). When the state directory exists this holds
// its lock throughout, so the apply cannot slip in while a safe apply is
// arming its watchdog (or was killed doing so) nor race a revert.
Result<void> apply_unless_pending(const std::filesystem::path& dir, const std::function<Result<void>()>& apply);

}  // namespace portclass::nft
