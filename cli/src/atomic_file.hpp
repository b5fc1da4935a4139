// SPDX-License-Identifier: GPL-2.0-or-later
// Replacing a report file so that a reader never sees half of it: the text
// goes to a temporary file in the same directory (rename is atomic only
// within one file system), is flushed to disk, and is renamed over the old
// one. A reader holds either the previous snapshot or the new one.
//
// Failures throw: a directory that does not exist or cannot be written is
// bad input (UsageError), anything else (disk full, I/O error) a
// SystemError (exit_code.hpp). The temporary file is removed on every failure.
#pragma once

#include <filesystem>
#include <string_view>

namespace portclass::cli {

void replace_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace portclass::cli
