// SPDX-License-Identifier: GPL-2.0-or-later
// Which processes hold a socket, found as `ss -p` does: by scanning the
// /proc/<pid>/fd links ("socket:[INODE]") of every process.
//
// Contract: only what the caller may see. Processes whose fd directory the
// caller may not read (other users' processes, for non-root callers), or that
// exit during the scan, are skipped silently: their sockets simply have no
// known owner. Only the inodes asked for are resolved.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace portclass::host {

struct SocketOwner {
  int pid = 0;
  std::string name;  // /proc/<pid>/comm
  friend bool operator==(const SocketOwner&, const SocketOwner&) = default;
};

using SocketOwners = std::unordered_map<std::uint64_t, std::vector<SocketOwner>>;

// Owners of each inode, each list sorted by pid, a process listed once.
SocketOwners find_socket_owners(const std::unordered_set<std::uint64_t>& inodes,
                                const std::filesystem::path& proc = "/proc");

}  // namespace portclass::host
