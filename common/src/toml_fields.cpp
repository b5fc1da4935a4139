// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/toml_fields.hpp"

#include <algorithm>
#include <cstdio>

namespace portclass::toml_fields {
namespace {

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? c : '?';
  return out;
}

}  // namespace

std::string where(std::string_view origin, std::string_view what, std::size_t index) {
  return std::string(origin) + ": " + std::string(what) + " #" + std::to_string(index + 1) + ": ";
}

Result<std::string> string_field(const toml::table& t, std::string_view key, const std::string& where,
                                 std::optional<std::string> fallback) {
  const auto* node = t.get(key);
  if (!node) {
    if (fallback) return *fallback;
    return make_error(where + "missing key '" + std::string(key) + "'");
  }
  const auto* s = node->as_string();
  if (!s) return make_error(where + "'" + std::string(key) + "' must be a string");
  const std::string& value = s->get();
  if (has_control_chars(value)) return make_error(where + "'" + std::string(key) + "' contains control characters");
  if (value.size() > 4096) return make_error(where + "'" + std::string(key) + "' is longer than 4096 characters");
  return value;
}

Result<std::vector<std::string>> string_list(const toml::table& t, std::string_view key, const std::string& where,
                                             bool required) {
  std::vector<std::string> out;
  const auto* node = t.get(key);
  if (!node) {
    if (required) return make_error(where + "missing key '" + std::string(key) + "'");
    return out;
  }
  const auto* array = node->as_array();
  if (!array) return make_error(where + "'" + std::string(key) + "' must be an array of strings");
  for (const auto& item : *array) {
    const auto* s = item.as_string();
    if (!s) return make_error(where + "'" + std::string(key) + "' must contain only strings");
    if (has_control_chars(s->get()))
      return make_error(where + "'" + std::string(key) + "' contains control characters");
    out.push_back(s->get());
  }
  return out;
}

Result<void> only_known_keys(const toml::table& t, std::initializer_list<std::string_view> keys,
                             const std::string& where) {
  for (const auto& [k, v] : t) {
    if (std::find(keys.begin(), keys.end(), k.str()) == keys.end())
      return make_error(where + "unknown key '" + printable(k.str()) + "'");
  }
  return {};
}

}  // namespace portclass::toml_fields
