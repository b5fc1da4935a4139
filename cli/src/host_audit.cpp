// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_audit.hpp"

#include <fstream>
#include <unordered_set>

#include "exit_code.hpp"
#include "portclass/host/local_ports.hpp"
#include "portclass/host/socket_owners.hpp"
#include "portclass/host/socket_table.hpp"

namespace portclass::cli {
namespace {

// net.ipv4.tcp_tw_reuse of this namespace (a namespaced sysctl); a file that
// cannot be read leaves it unknown, the remedy is then given without it.
std::optional<int> read_tcp_tw_reuse() {
  std::ifstream in("/proc/sys/net/ipv4/tcp_tw_reuse");
  int value = 0;
  if (in >> value) return value;
  return std::nullopt;
}

}  // namespace

HostReport audit_current_namespace(const NetnsEntry& where, const Thresholds& thresholds, std::size_t top) {
  auto config = host::read_local_port_config();
  if (!config) throw SystemError(config.error().message);
  auto sockets = host::read_socket_table();
  if (!sockets) throw SystemError(sockets.error().message);

  HostReport r{where, false, assess_host(*config, *sockets, thresholds), {}, {}};
  std::unordered_set<std::uint64_t> inodes;
  for (const auto& l : r.health.listeners)
    if (l.socket.inode) inodes.insert(l.socket.inode);
  for (const auto& h : r.health.held)
    if (h.inode) inodes.insert(h.inode);
  const host::SocketOwners owners = host::find_socket_owners(inodes);
  for (auto& l : r.health.listeners)
    if (auto it = owners.find(l.socket.inode); l.socket.inode && it != owners.end()) l.owners = it->second;
  r.holders = rank_port_holders(r.health.held, owners, top);
  const RemedyContext context{where.source, where.label, where.pid, read_tcp_tw_reuse()};
  r.remedies = remedies(r.health, r.holders, thresholds, context);
  return r;
}

}  // namespace portclass::cli
