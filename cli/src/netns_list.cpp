// SPDX-License-Identifier: GPL-2.0-or-later
#include "netns_list.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <system_error>
#include <unordered_set>

namespace portclass::cli {
namespace {

struct NsId {
  std::uint64_t dev = 0;
  std::uint64_t inode = 0;
};

// stat() follows the bind mount or the magic link to the nsfs inode.
bool ns_id(const std::filesystem::path& path, NsId& id) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  id = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
  return true;
}

}  // namespace

const char* to_string(NetnsSource source) noexcept {
  switch (source) {
    case NetnsSource::current: return "current";
    case NetnsSource::named: return "named";
    case NetnsSource::process: break;
  }
  return "process";
}

std::vector<NetnsEntry> list_network_namespaces(const std::filesystem::path& proc,
                                                const std::filesystem::path& run_dir) {
  std::vector<NetnsEntry> out;
  std::unordered_set<std::uint64_t> seen;
  NsId self{};
  const std::filesystem::path self_path = proc / "thread-self" / "ns" / "net";
  if (!ns_id(self_path, self)) return out;
  // Every namespace lives on the one nsfs: another device is no namespace
  // (an empty file left in /run/netns by a failed `ip netns add`).
  const auto is_ns = [&](const NsId& id) { return id.dev == self.dev; };

  std::map<std::string, NsId> named;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    NsId id{};
    if (ns_id(it->path(), id) && is_ns(id)) named.emplace(it->path().filename().string(), id);
  }
  std::string self_label = "current";
  for (const auto& [name, id] : named)
    if (id.inode == self.inode) {
      self_label = name;
      break;
    }
  out.push_back({self_label, self_path, self.inode, NetnsSource::current, 0});
  seen.insert(self.inode);
  for (const auto& [name, id] : named)
    if (seen.insert(id.inode).second) out.push_back({name, run_dir / name, id.inode, NetnsSource::named, 0});

  std::map<int, NsId> processes;  // by pid: the lowest pid of each namespace comes first
  for (std::filesystem::directory_iterator it(proc, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    int pid = 0;
    const auto [p, err] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (err != std::errc{} || p != name.data() + name.size()) continue;
    NsId id{};
    if (ns_id(it->path() / "ns" / "net", id) && is_ns(id)) processes.emplace(pid, id);
  }
  for (const auto& [pid, id] : processes)
    if (seen.insert(id.inode).second)
      out.push_back({"pid:" + std::to_string(pid), proc / std::to_string(pid) / "ns" / "net", id.inode,
                     NetnsSource::process, pid});
  return out;
}

}  // namespace portclass::cli
