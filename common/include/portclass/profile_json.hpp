// SPDX-License-Identifier: GPL-2.0-or-later
// JSON form of host profiles and directories (nlohmann::json), the format of
// `portclass profile --json` and of `--merge`.
//
// Document: {"format":"portclass-profiles","version":2,
//            "hosts":{"10.0.0.1":{...HostProfile...}, ...}}
// Version 2 stores p0f-style TCP signatures per host ("signatures": {"syn":
// {KEY: count}, "syn_ack": {...}, "dropped": n}); version 1 stored only SYN
// option letters, which cannot be turned into signatures, and is refused
// with a line saying so.
// Reading validates every field and reports the first problem with its JSON
// path; nothing is half-read.
#pragma once

#include <nlohmann/json.hpp>

#include "portclass/host_directory.hpp"
#include "portclass/host_profile.hpp"
#include "portclass/result.hpp"

namespace portclass {

inline constexpr int kProfileDocumentVersion = 2;

nlohmann::json to_json(const HostProfile& profile);
Result<HostProfile> host_profile_from_json(const nlohmann::json& j);

nlohmann::json to_json(const HostDirectory& directory);
// Adds every host of the document to `into` (merging with hosts it has).
Result<std::size_t> merge_from_json(const nlohmann::json& document, HostDirectory& into);

}  // namespace portclass
