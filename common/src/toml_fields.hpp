// SPDX-License-Identifier: GPL-2.0-or-later
// Typed, validating readers for fields of a toml++ table, shared by the data
// file loaders. Each returns an Error naming the file, the entry and the key.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portclass/result.hpp"

namespace portclass::toml_fields {

// Parses a whole document; a syntax error becomes "<origin>:<line>:<col>: <why>".
Result<toml::table> parse_document(std::string_view text, std::string_view origin);

// "<origin>: <what> #<index>: " prefix for messages.
std::string where(std::string_view origin, std::string_view what, std::size_t index);

// Required string (optional when fallback is given); refuses control characters.
Result<std::string> string_field(const toml::table& t, std::string_view key, const std::string& where,
                                 std::optional<std::string> fallback = std::nullopt);
Result<std::vector<std::string>> string_list(const toml::table& t, std::string_view key, const std::string& where,
                                             bool required);

// Refuses keys the format does not know, so a typo is not silently ignored.
Result<bool> only_known_keys(const toml::table& t, std::initializer_list<std::string_view> keys,
                             const std::string& where);

}  // namespace portclass::toml_fields
