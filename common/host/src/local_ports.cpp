// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host/local_ports.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace portclass::host {
namespace {

// Not read_text_file: /proc files are not regular-sized files (stat says 0).
Result<std::string> read_proc_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorKind::system, "cannot read " + path.string() + ": " + std::strerror(errno), errno);
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

PortSet LocalPortConfig::ephemeral() const { return PortSet{{range}}.difference(reserved); }

Result<PortRange> parse_local_port_range(std::string_view text) {
  const std::string_view t = trimmed(text);
  const auto gap = t.find_first_of(" \t");
  if (gap == std::string_view::npos)
    return make_error("ip_local_port_range '" + std::string(t) + "': expected two ports");
  auto first = parse_port(t.substr(0, gap));
  auto last = parse_port(trimmed(t.substr(gap)));
  if (!first || !last || *first == 0 || *first > *last)
    return make_error("ip_local_port_range '" + std::string(t) + "': expected two ports from 1, low then high");
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
  const auto range_path = ipv4_dir / "ip_local_port_range";
  auto range_text = read_proc_text(range_path);
  if (!range_text) return range_text.error();
  auto range = parse_local_port_range(*range_text);
  if (!range) return make_error(ErrorKind::system, range_path.string() + ": " + range.error().message);
  LocalPortConfig config{*range, {}};
  const auto reserved_path = ipv4_dir / "ip_local_reserved_ports";
  if (auto reserved_text = read_proc_text(reserved_path)) {
    auto reserved = parse_reserved_ports(*reserved_text);
    if (!reserved) return make_error(ErrorKind::system, reserved_path.string() + ": " + reserved.error().message);
    config.reserved = *reserved;
  }
  return config;
}

}  // namespace portclass::host
