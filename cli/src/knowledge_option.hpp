// SPDX-License-Identifier: GPL-2.0-or-later
// The --os-profiles FILE option shared by `explain` and `profile`: a user TOML
// file (os_profile.hpp format) that adds profiles or overrides built-in ones.
#pragma once

#include <memory>
#include <string>

#include "portclass/knowledge.hpp"

namespace portclass::cli {

// The built-in knowledge when `path` is empty, else the built-in data
// overridden by the file. Throws UsageError naming the file on a bad file.
std::unique_ptr<PortKnowledge> load_knowledge(const std::string& path);

}  // namespace portclass::cli
