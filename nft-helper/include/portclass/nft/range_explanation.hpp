// SPDX-License-Identifier: GPL-2.0-or-later
// `portclass-nft generate --from-profile FILE --explain-ranges`: what range
// each host of a profile document gets and why, as JSON, instead of the
// ruleset. Scripts and tests check the ranges without parsing nft syntax.
//
// Document (keys always present, hosts by address):
//   {"format": "portclass-nft-ranges", "version": 1,
//    "thresholds": {"high_confidence": 0.9, "tuned_min_ports": 32, "tuned_min_block": 16384,
//                   "stray_share": 0.05},
//    "hosts": [{"address": "10.0.0.5", "client": true,
//               "subnet": "10.0.0.5/32"          (the --profile-subnet it joined, or its own /32, /128),
//               "range": "49152-65535"           (null for a server),
//               "rule": "single" | "covering" | "unknown" | "server",
//               "label": "windows", "seen_ports": "49670-49690",
//               "verdict": {"source": "stored" | "inferred", "verdict": "identified",
//                           "confidence": 0.97, "candidates": [{"id", "family", "probability",
//                           "range", "tuned"}, ...]}   (null for a server),
//               "why": "one line"}, ...],
//    "subnets": [{"prefix": "10.0.0.5/32", "range": "49152-65535", "label": "windows"}, ...],
//    "notes": ["the lines generate prints as notes", ...]}
#pragma once

#include <nlohmann/json.hpp>

#include "portclass/nft/profile_import.hpp"

namespace portclass::nft {

nlohmann::json explain_ranges(const ProfileImport& imported);

}  // namespace portclass::nft
