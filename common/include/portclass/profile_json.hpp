// SPDX-License-Identifier: GPL-2.0-or-later
// JSON form of host profiles and directories (nlohmann::json), the format of
// `portclass profile --json` and of `--merge`.
//
// Document: {"format":"portclass-profiles","version":1,
//            "hosts":{"10.0.0.1":{...HostProfile...}, ...}}
// Reading validates every field and reports the first problem with its JSON
// path; nothing is half-read.
#pragma once

#include <nlohmann/json.hpp>

#include "portclass/host_directory.hpp"
#include "portclass/host_profile.hpp"
#include "portclass/result.hpp"

namespace portclass {

nlohmann::json to_json(const HostProfile& profile);
Result<HostProfile> host_profile_from_json(const nlohmann::json& j);

nlohmann::json to_json(const HostDirectory& directory);
// Adds every host of the document to `into` (merging with hosts it has).
Result<std::size_t> merge_from_json(const nlohmann::json& document, HostDirectory& into);

}  // namespace portclass
