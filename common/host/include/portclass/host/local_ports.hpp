// SPDX-License-Identifier: GPL-2.0-or-later
// The local port configuration of the calling thread's network namespace,
// the one reading of it for every portclass program:
// net.ipv4.ip_local_port_range and net.ipv4.ip_local_reserved_ports (both
// per namespace, and both apply to IPv6 too).
//
// The kernel refuses a range that starts at 0 or runs backwards, so such a
// text is an error here as well. /proc/sys/net resolves against the
// namespace of the thread that opens the file: read it after entering one.
#pragma once

#include <filesystem>
#include <string_view>

#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass::host {

struct LocalPortConfig {
  PortRange range;            // ip_local_port_range
  PortSet reserved;           // every reserved port, inside the range or not
  PortSet ephemeral() const;  // the range minus the reserved ports: what connect() hands out
};

// "32768\t60999\n" -> 32768-60999.
Result<PortRange> parse_local_port_range(std::string_view text);
// "" or "8080,9000-9100\n".
Result<PortSet> parse_reserved_ports(std::string_view text);

// IPV4_DIR is /proc/sys/net/ipv4, or a folder that looks like it (tests).
// A kernel without ip_local_reserved_ports (older than 2.6.35) reserves none.
Result<LocalPortConfig> read_local_port_config(const std::filesystem::path& ipv4_dir = "/proc/sys/net/ipv4");

}  // namespace portclass::host
