// SPDX-License-Identifier: GPL-2.0-or-later
// Entering a named network namespace, as `ip netns exec NAME` does: the bind
// mount /run/netns/NAME made by `ip netns add`.
//
// Contract: on success the calling thread (portclass is single-threaded) is
// in the namespace for good: netlink sockets opened afterwards and files under
// /proc/sys/net read afterwards are the namespace's (the sysctl tree resolves
// per opener; tests/cli checks this on every run). A name with '/' or a
// missing namespace is an Error, and nothing has changed.
#pragma once

#include <filesystem>
#include <string_view>

#include "portclass/result.hpp"

namespace portclass::cli {

inline constexpr const char* kNetnsRunDir = "/run/netns";

// Returns the path entered.
Result<std::filesystem::path> enter_network_namespace(std::string_view name);

}  // namespace portclass::cli
