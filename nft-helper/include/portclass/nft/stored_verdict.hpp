// SPDX-License-Identifier: GPL-2.0-or-later
// The OS verdicts a `portclass profile --json` document stores per host, so
// that --from-profile uses exactly what `portclass profile` printed.
//
// Where they are: "analysis": {"ADDRESS": {"verdict": "identified",
// "confidence": 0.93, "candidates": [{"id": "linux", "family": "linux",
// "probability": 0.71, "range": "32768-60999", "tuned": false}, ...]}, ...}
// (cli/src/profile_report.cpp writes it; other keys there are ignored).
//
// Contract:
//  - read_stored_verdicts: a document without "analysis" (a bare profile
//    document, e.g. from `portclass profile --merge` of older files) gives an
//    empty map; hosts missing from it are simply absent. Everything present
//    is validated, the first problem reported with its JSON path in one
//    printable line: an address key (two spellings of one address are an
//    error), verdict [a-z][a-z0-9_-]*, confidence and probabilities numbers
//    0-1 (probabilities summing to at most 1), candidate ids that are valid
//    profile ids, ranges that parse and are not empty. "tuned" is optional:
//    without it a candidate is tuned when its range is not the default range
//    of the profile `db` knows by that id. Candidates come out best first.
//  - from_inference: the same shape from an inference run here (every
//    candidate, stored = false).
#pragma once

#include <map>

#include <nlohmann/json.hpp>

#include "portclass/address.hpp"
#include "portclass/inference.hpp"
#include "portclass/nft/verdict_range.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

Result<std::map<IpAddress, HostVerdict>> read_stored_verdicts(const nlohmann::json& document, const OsProfileDb& db);

HostVerdict from_inference(const Inference& inference);

}  // namespace portclass::nft
