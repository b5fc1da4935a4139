// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host/socket_owners.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string_view>

namespace portclass::host {
namespace {

struct DirCloser {
  void operator()(DIR* d) const noexcept { closedir(d); }
};
using Dir = std::unique_ptr<DIR, DirCloser>;

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

// The inode of a "socket:[12345]" link target, 0 for anything else.
std::uint64_t socket_inode(std::string_view target) {
  constexpr std::string_view prefix = "socket:[";
  if (!target.starts_with(prefix) || !target.ends_with(']')) return 0;
  std::uint64_t inode = 0;
  return parse_number(target.substr(prefix.size(), target.size() - prefix.size() - 1), inode) ? inode : 0;
}

// The whole comm file but its final newline: a program may put a newline (or
// any byte but NUL) in its own name, and the name must not be cut there.
std::string process_name(const std::filesystem::path& proc, std::string_view pid) {
  std::ifstream in(proc / std::string(pid) / "comm", std::ios::binary);
  std::string name((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!name.empty() && name.back() == '\n') name.pop_back();
  return name.empty() ? "?" : name;
}

}  // namespace

SocketOwners find_socket_owners(const std::unordered_set<std::uint64_t>& inodes, const std::filesystem::path& proc) {
  SocketOwners owners;
  if (inodes.empty()) return owners;
  Dir processes(opendir(proc.c_str()));
  if (!processes) return owners;
  while (const dirent* entry = readdir(processes.get())) {
    const std::string_view pid_text = entry->d_name;
    int pid = 0;
    if (!parse_number(pid_text, pid)) continue;
    const std::string fd_path = (proc / std::string(pid_text) / "fd").string();
    Dir fds(opendir(fd_path.c_str()));
    if (!fds) continue;  // not ours to see, or gone
    const int dir_fd = dirfd(fds.get());
    bool named = false;
    std::string name;
    while (const dirent* fd = readdir(fds.get())) {
      if (fd->d_name[0] == '.') continue;
      char target[64];
      const ssize_t n = readlinkat(dir_fd, fd->d_name, target, sizeof target);
      if (n <= 0 || static_cast<std::size_t>(n) >= sizeof target) continue;
      const std::uint64_t inode = socket_inode(std::string_view(target, static_cast<std::size_t>(n)));
      if (inode == 0 || !inodes.contains(inode)) continue;
      if (!named) name = process_name(proc, pid_text), named = true;
      auto& list = owners[inode];
      if (std::find_if(list.begin(), list.end(), [&](const SocketOwner& o) { return o.pid == pid; }) == list.end())
        list.push_back({pid, name});
    }
  }
  for (auto& [inode, list] : owners)
    std::sort(list.begin(), list.end(), [](const SocketOwner& a, const SocketOwner& b) { return a.pid < b.pid; });
  return owners;
}

}  // namespace portclass::host
