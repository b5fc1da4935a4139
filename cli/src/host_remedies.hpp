// SPDX-License-Identifier: GPL-2.0-or-later
// What to do about what `portclass host` found, each remedy with its reason
// (pure: the assessment in, remedies out).
//
// Contract:
//  - listeners inside the range (always): reserve their ports, or move them;
//  - when the utilisation or the connect() half (parity) reaches the warning
//    threshold: the exact sysctl line that widens the range (widened_range),
//    how to persist it for the root namespace (/etc/sysctl.d/) and, since the
//    range is per network namespace, how to set it per container (docker
//    --sysctl, a pod's securityContext.sysctls) or in the namespace audited;
//    net.ipv4.tcp_tw_reuse when TIME-WAIT holds half the TCP ports or more;
//    more destination addresses, IP_BIND_ADDRESS_NO_PORT (Linux 4.2) or
//    IP_LOCAL_PORT_RANGE (Linux 6.3) when one destination holds half of them
//    or more; connection pooling when one process holds half of them or more.
// Nothing is applied: the lines are for the operator to run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host_health.hpp"
#include "host_holders.hpp"
#include "netns_list.hpp"

namespace portclass::cli {

struct Remedy {
  std::string id;      // stable, for scripts: "reserve-listeners", "widen-range", ...
  std::string action;  // what to run or change, exact where it can be
  std::string why;     // what was found that calls for it
};

// Where the assessment was made: the sysctl lines differ per namespace.
struct RemedyContext {
  NetnsSource source = NetnsSource::current;
  std::string label;                // the namespace's name or "pid:PID"
  int pid = 0;                      // process namespaces
  std::optional<int> tcp_tw_reuse;  // net.ipv4.tcp_tw_reuse of the namespace, when readable
};

// Kubernetes' default NodePort range (kube-apiserver --service-node-port-range).
inline constexpr PortRange kNodePortRange{30000, 32767};

struct Widening {
  PortRange range;
  PortSet reserved;  // ip_local_reserved_ports to set with it (existing ones kept)
  std::uint32_t usable = 0;
};

// The widest range that contains as much of the current one as it can and
// keeps clear of system ports and of the NodePort range: up to 65535, down
// to 32768 (or the current first port when that is already below NodePort,
// NodePort then reserved); listeners that would fall inside are reserved;
// first and last port of different parity (the kernel warns otherwise, and
// connect()/bind(0) each keep a half). nullopt when it would not add ports.
std::optional<Widening> widened_range(const HostHealth& health);

std::vector<Remedy> remedies(const HostHealth& health, const PortHolders& holders, const Thresholds& thresholds,
                             const RemedyContext& context);

}  // namespace portclass::cli
