// SPDX-License-Identifier: GPL-2.0-or-later
#include "output_mode.hpp"

#include <fstream>
#include <iterator>
#include <string_view>

namespace portclass::ws {

OutputMode output_mode(const std::vector<std::string>& argv, std::string_view protocol) {
  OutputMode mode;
  if (argv.empty()) return mode;
  std::string_view program = argv.front();
  if (const auto slash = program.rfind('/'); slash != std::string_view::npos) program.remove_prefix(slash + 1);
  if (program.substr(0, 6) != "tshark") return mode;
  std::string_view format;
  bool listed = false;
  auto under = [](std::string_view field, std::string_view prefix) {
    return field == prefix ||
           (field.size() > prefix.size() && field.substr(0, prefix.size()) == prefix && field[prefix.size()] == '.');
  };
  // Expert fields (_ws.expert.*) gather every protocol's expert items, ours
  // included, and those hang on the protocol's tree.
  auto own = [&](std::string_view field) {
    if (!under(field, protocol) && !under(field, "_ws.expert")) return false;
    mode.own_fields.emplace_back(field);
    return true;
  };
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "-T" && i + 1 < argv.size()) {
      format = argv[++i];
    } else if (arg.size() > 2 && arg.substr(0, 2) == "-T") {
      format = arg.substr(2);
    } else if (arg == "-e" && i + 1 < argv.size()) {
      listed = true;
      if (own(argv[++i])) mode.lists_own_fields = true;
    } else if (arg.size() > 2 && arg.substr(0, 2) == "-e") {
      listed = true;
      if (own(arg.substr(2))) mode.lists_own_fields = true;
    }
  }
  mode.listed_fields_only = listed && (format == "fields" || format == "json" || format == "jsonraw" || format == "ek");
  return mode;
}

OutputMode this_process_output_mode(std::string_view protocol) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  if (!in) return {};
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> argv;
  std::string::size_type start = 0;
  while (start < raw.size()) {
    auto end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    argv.emplace_back(raw, start, end - start);
    start = end + 1;
  }
  return output_mode(argv, protocol);
}

}  // namespace portclass::ws
