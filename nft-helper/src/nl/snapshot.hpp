// SPDX-License-Identifier: GPL-2.0-or-later
// A faithful copy of one inet table as the kernel dumped it (raw netlink
// messages), and the batch that puts it back. Used by the safe apply: the
// previous table is saved before the new one goes in, and restored in one
// atomic batch if the change is not confirmed.
//
// Restoring re-sends the kernel's own objects with their handles removed:
// table, chains, sets (anonymous ones under their kernel names), elements,
// then rules in order. Stateful objects and flowtables are not copied; a
// table that uses them cannot be restored and the restore batch then fails
// as a whole (nothing half-restored).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nl/batch.hpp"
#include "nl/socket.hpp"
#include "portclass/result.hpp"

namespace portclass::nft::nl {

struct Snapshot {
  std::string table;
  bool exists = false;
  std::vector<std::string> messages;  // whole nlmsghdr + payload, in restore order
};

Result<Snapshot> take_snapshot(Socket& socket, const std::string& table);

std::string encode(const Snapshot& snapshot);
Result<Snapshot> decode(std::string_view bytes);

// Appends the messages that make the table exactly what the snapshot holds
// (or absent, when it did not exist).
Result<void> add_restore(Batch& batch, const Snapshot& snapshot);

}  // namespace portclass::nft::nl
