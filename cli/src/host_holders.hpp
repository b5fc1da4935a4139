// SPDX-License-Identifier: GPL-2.0-or-later
// Which processes hold the most ephemeral ports of a namespace (pure: the
// held ports of HostHealth and the socket owners in, a ranking out).
//
// Contract: per transport, each process (pid) counts the distinct ephemeral
// ports its sockets hold; a socket shared by several processes (inherited
// across fork) counts for each. share = count / distinct ephemeral ports of
// that transport in use, TIME-WAIT included (TIME-WAIT sockets belong to no
// process: they are `unowned`, with ports of processes the caller may not
// see). Ranked by count, then pid; `top` rows per transport at most, so that
// the Prometheus series stay bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host_health.hpp"
#include "portclass/host/socket_owners.hpp"

namespace portclass::cli {

struct PortHolder {
  Transport transport = Transport::tcp;
  int pid = 0;
  std::string name;  // /proc/PID/comm as the kernel gives it: escape before printing
  std::uint32_t ports = 0;
  double share = 0;
};

struct PortHolders {
  std::vector<PortHolder> top;   // tcp rows first, then udp, each ranked
  std::uint32_t tcp_in_use = 0;  // distinct tcp ephemeral ports held
  std::uint32_t udp_in_use = 0;
  std::uint32_t tcp_unowned = 0;  // of those, held by no visible process (TIME-WAIT, hidden)
  std::uint32_t udp_unowned = 0;
};

inline constexpr std::size_t kDefaultTopHolders = 5;

PortHolders rank_port_holders(const std::vector<HeldPort>& held, const host::SocketOwners& owners, std::size_t top);

}  // namespace portclass::cli
