// SPDX-License-Identifier: GPL-2.0-or-later
// read_text_file: a whole (configuration or data) file into memory, refusing
// what is not a regular file or is larger than max_bytes, with an error that
// names the file and what it was meant to be ("profile file", ...).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "portclass/result.hpp"

namespace portclass {

inline constexpr std::size_t kMaxTextFileBytes = 64u << 20;

Result<std::string> read_text_file(const std::filesystem::path& path, std::string_view what,
                                   std::size_t max_bytes = kMaxTextFileBytes);

}  // namespace portclass
