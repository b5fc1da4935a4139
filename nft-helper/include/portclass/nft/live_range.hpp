// SPDX-License-Identifier: GPL-2.0-or-later
// This host's real ephemeral range: net.ipv4.ip_local_port_range minus
// net.ipv4.ip_local_reserved_ports (both per network namespace, and the same
// range serves IPv6).
//
// The files are read relative to `proc_root` ("/proc" normally) so tests can
// point at a fake tree. Inside a namespace entered with setns() the calling
// thread must open them itself: /proc/sys/net resolves against the netns of
// the thread that opens the file.
#pragma once

#include <filesystem>
#include <string>

#include "portclass/host/local_ports.hpp"
#include "portclass/nft/config.hpp"
#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

// The host library's one reading of the port sysctls (local_ports.hpp).
using LiveRange = host::LocalPortConfig;

Result<LiveRange> read_live_range(const std::filesystem::path& proc_root = "/proc");

// The RangeSpec a host-mode ruleset uses when no range is configured.
RangeSpec live_range_spec(const LiveRange& live);

}  // namespace portclass::nft
