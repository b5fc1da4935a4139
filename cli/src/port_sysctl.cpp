// SPDX-License-Identifier: GPL-2.0-or-later
#include "port_sysctl.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace portclass::cli {
namespace {

Result<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return make_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

Result<PortRange> parse_local_port_range(std::string_view text) {
  const std::string_view t = trimmed(text);
  const auto gap = t.find_first_of(" \t");
  if (gap == std::string_view::npos) return make_error("ip_local_port_range '" + std::string(t) + "': expected two ports");
  auto first = parse_port(t.substr(0, gap));
  auto last = parse_port(trimmed(t.substr(gap)));
  if (!first || !last || *first > *last)
    return make_error("ip_local_port_range '" + std::string(t) + "': expected two ports, low then high");
  return PortRange{*first, *last};
}

Result<PortSet> parse_reserved_ports(std::string_view text) {
  const std::string_view t = trimmed(text);
  if (t.empty()) return PortSet{};
  auto set = PortSet::parse(t);
  if (!set) return make_error("ip_local_reserved_ports: " + set.error().message);
  return set;
}

Result<LocalPortConfig> read_local_port_config(const std::filesystem::path& ipv4_dir) {
  auto range_text = read_text(ipv4_dir / "ip_local_port_range");
  if (!range_text) return range_text.error();
  auto range = parse_local_port_range(*range_text);
  if (!range) return range.error();
  LocalPortConfig config{*range, {}};
  // Old kernels have no reserved ports: none are reserved then.
  if (auto reserved_text = read_text(ipv4_dir / "ip_local_reserved_ports")) {
    auto reserved = parse_reserved_ports(*reserved_text);
    if (!reserved) return reserved.error();
    config.reserved = *reserved;
  }
  return config;
}

}  // namespace portclass::cli
