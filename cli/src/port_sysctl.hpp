// SPDX-License-Identifier: GPL-2.0-or-later
// The local port configuration of the current network namespace:
// net.ipv4.ip_local_port_range and net.ipv4.ip_local_reserved_ports (both
// apply to IPv6 too).
#pragma once

#include <filesystem>
#include <string_view>

#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass::cli {

struct LocalPortConfig {
  PortRange range;
  PortSet reserved;  // every reserved port, inside the range or not
};

// "32768\t60999\n" -> 32768-60999.
Result<PortRange> parse_local_port_range(std::string_view text);
// "" or "8080,9000-9100\n".
Result<PortSet> parse_reserved_ports(std::string_view text);

Result<LocalPortConfig> read_local_port_config(const std::filesystem::path& ipv4_dir = "/proc/sys/net/ipv4");

}  // namespace portclass::cli
