// SPDX-License-Identifier: GPL-2.0-or-later
// The order `profile --merge` combines documents in, so that the result is
// the same whatever order the files are named in.
//
// Why: HostProfile::merge is commutative for two parts, and exact when they
// do not overlap in time, but a host's port sequence (SequenceStats) is
// only associative in time order: merging the slices A and C of a capture
// before B counts a junction step A->C that never happened. Sorting the
// documents by the time span of their sequences (earliest first event,
// then latest last event, then path, for a total order) puts the slices of
// one capture back in capture order, so any permutation of the same files
// merges to the same bytes, and slices merge to the whole.
//
// Cost: every document is parsed twice (here for its span, then to merge);
// memory holds one document and one span per file, never all documents.
// Standard input ("-") cannot be read twice: it is merged last, in stream
// order (docs/scale.md: stream snapshots in time order).
#pragma once

#include <string>
#include <vector>

namespace portclass::cli {

// Throws UsageError for a file that cannot be read or is not JSON.
std::vector<std::string> in_time_order(const std::vector<std::string>& paths);

}  // namespace portclass::cli
