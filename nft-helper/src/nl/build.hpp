// SPDX-License-Identifier: GPL-2.0-or-later
// Ruleset -> nf_tables netlink messages, encoded the way nft 1.0.6 encodes
// the same rules (same expressions, same protocol dependencies, same set
// element layout and user data), so `nft list` prints both identically.
#pragma once

#include <cstdint>

#include "nl/batch.hpp"
#include "portclass/nft/model.hpp"

namespace portclass::nft::nl {

struct BuildContext {
  std::uint32_t loopback_ifindex = 1;  // "iif lo", resolved in the target namespace
};

// Appends: create-if-missing, delete, then the whole table anew. Inside one
// batch the kernel applies all of it or none of it.
void add_replace(Batch& batch, const Ruleset& ruleset, const BuildContext& context);

// Appends the messages that remove the table (create-if-missing, delete).
void add_remove(Batch& batch, const std::string& table);

}  // namespace portclass::nft::nl
