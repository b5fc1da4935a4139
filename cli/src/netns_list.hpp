// SPDX-License-Identifier: GPL-2.0-or-later
// Every network namespace of the machine, as `host --all-netns` audits them:
// the caller's own, the named ones (/run/netns/NAME, `ip netns add`), and those
// of running processes (/proc/PID/ns/net: containers, `unshare -n`, ...).
//
// Contract: each namespace once, identified by its nsfs inode; the caller's
// own first (label "current"), then the named ones by name (a named namespace
// that is the caller's own keeps its name), then the rest by the lowest pid
// in them (label "pid:PID"). Entries that are no namespace (a stale file in
// /run/netns) and processes that exit or hide their ns links (other users'
// processes for non-root callers) are left out silently. Listing never enters
// a namespace; visiting one later may find it gone (NetnsVisit's `vanished`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace portclass::cli {

enum class NetnsSource : std::uint8_t { current, named, process };
const char* to_string(NetnsSource source) noexcept;  // "current", "named", "process"

struct NetnsEntry {
  std::string label;  // "current", the name, or "pid:PID"
  std::filesystem::path path;
  std::uint64_t inode = 0;
  NetnsSource source = NetnsSource::current;
  int pid = 0;  // process namespaces: the lowest pid found in it
};

std::vector<NetnsEntry> list_network_namespaces(const std::filesystem::path& proc = "/proc",
                                                const std::filesystem::path& run_dir = "/run/netns");

}  // namespace portclass::cli
