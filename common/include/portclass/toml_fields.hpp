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
#include "portclass/toml_document.hpp"

namespace portclass::toml_fields {

// Parses a document that holds only `[[key]]` tables and reads each with
// read_one(table, "<origin>: <key> #<n>: "), stopping at the first error.
template <class T, class ReadOne>
Result<std::vector<T>> read_table_array(std::string_view text, std::string_view origin, std::string_view key,
                                        ReadOne read_one);

// "<origin>: <what> #<index>: " prefix for messages.
std::string where(std::string_view origin, std::string_view what, std::size_t index);

// Required string (optional when fallback is given); refuses control characters.
Result<std::string> string_field(const toml::table& t, std::string_view key, const std::string& where,
                                 std::optional<std::string> fallback = std::nullopt);
Result<std::vector<std::string>> string_list(const toml::table& t, std::string_view key, const std::string& where,
                                             bool required);

// Refuses keys the format does not know, so a typo is not silently ignored.
Result<void> only_known_keys(const toml::table& t, std::initializer_list<std::string_view> keys,
                             const std::string& where);

template <class T, class ReadOne>
Result<std::vector<T>> read_table_array(std::string_view text, std::string_view origin, std::string_view key,
                                        ReadOne read_one) {
  auto parsed = parse_toml_document(text, origin);
  if (!parsed) return parsed.error();
  const toml::table& doc = *parsed;
  if (auto k = only_known_keys(doc, {key}, std::string(origin) + ": "); !k) return k.error();
  const auto* list = doc.get_as<toml::array>(key);
  if (!list) return make_error(std::string(origin) + ": no [[" + std::string(key) + "]] tables");
  std::vector<T> out;
  for (const auto& node : *list) {
    const std::string at = where(origin, key, out.size());
    const auto* table = node.as_table();
    if (!table) return make_error(at + "must be a table");
    Result<T> item = read_one(*table, at);
    if (!item) return item.error();
    out.push_back(std::move(item).value());
  }
  return out;
}

}  // namespace portclass::toml_fields
