// SPDX-License-Identifier: GPL-2.0-or-later
// Ephemeral-port health of one network namespace, computed from its local
// port configuration and socket table (pure: no I/O, so tests feed it tables).
//
// Utilisation follows how exhaustion really happens. A TCP connection needs a
// local port unique only for its remote address and port (the 4-tuple), so
// connect() runs out of ports towards one busy destination, not globally:
//   tcp utilisation = max over destinations (remote address, remote port) of
//       |ports bound for every destination ∪ ports held towards it| / usable
// where ports bound for every destination are in-range ports of listeners and
// bound-only sockets (connect() never shares a port bind() took), and usable
// is the range minus ip_local_reserved_ports inside it. TIME-WAIT sockets hold
// their 4-tuple and count. Accepted connections share their listener's port
// and do not consume ephemeral ports. UDP binds need a port free on its own:
//   udp utilisation = |in-range ports of UDP sockets| / usable.
// The host's utilisation is the larger of the two; thresholds compare with >=.
//
// Parity. Since Linux 4.6 (commit 1580ab63fc9a) connect() scans the ports of
// the range's first port's parity first (even for the usual 32768-60999) and
// leaves the other half to bind(0); only when its half is taken towards a
// destination does it scan the other one, slower. So each destination's
// utilisation is also counted per half:
//   even utilisation = |even ports bound for every destination ∪ even ports
//                       held towards it| / usable even ports   (odd alike)
// The connect() half's worst value is compared with the same thresholds
// (parity_level). It does not change `level`: connect() still succeeds on the
// other half, it is the early sign, not the exhaustion.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "portclass/host/local_ports.hpp"
#include "portclass/host/socket_owners.hpp"
#include "portclass/host/socket_table.hpp"

namespace portclass::cli {

struct Thresholds {
  double warning = 0.60;
  double critical = 0.80;
};

enum class HealthLevel : std::uint8_t { ok, warning, critical };
std::string_view to_string(HealthLevel level) noexcept;  // "ok", "warning", "critical"

struct DestinationLoad {
  IpAddress address;
  Port port = 0;
  std::uint32_t ports = 0;       // local ephemeral ports held towards it
  std::uint32_t time_wait = 0;   // of which in TIME-WAIT
  double utilisation = 0;        // with the ports bound for every destination
  std::uint32_t even_ports = 0;  // of `ports`, the even ones
  double even_utilisation = 0;   // as `utilisation`, within the even usable ports
  double odd_utilisation = 0;
};

// A socket holding an ephemeral port (what the utilisation counts), for
// naming the processes that hold them: inode 0 (TIME-WAIT) has no owner.
struct HeldPort {
  Transport transport = Transport::tcp;
  Port port = 0;
  std::uint64_t inode = 0;
};

struct ListenerInRange {
  host::SocketEntry socket;
  bool reserved = false;  // listed in ip_local_reserved_ports: no collision
  std::vector<host::SocketOwner> owners;
};

struct HostHealth {
  host::LocalPortConfig config;
  std::uint32_t range_size = 0;
  PortSet reserved_in_range;
  std::uint32_t usable = 0;
  std::map<std::string, std::uint64_t> tcp_states;  // ss state name -> sockets (IPv4 and IPv6)
  std::map<std::string, std::uint64_t> udp_states;
  std::uint64_t tcp_sockets = 0;
  std::uint64_t udp_sockets = 0;
  std::uint32_t ports_in_use = 0;        // distinct usable in-range ports held by any socket
  std::uint32_t ports_in_time_wait = 0;  // distinct in-range ports held by a TIME-WAIT socket
  std::uint32_t tcp_bound_ports = 0;     // in-range ports bound for every destination
  std::uint32_t udp_ports = 0;
  std::vector<DestinationLoad> destinations;  // busiest first, then by address
  double tcp_utilisation = 0;
  double udp_utilisation = 0;
  double utilisation = 0;
  HealthLevel level = HealthLevel::ok;
  std::vector<ListenerInRange> listeners;  // sorted by port; owners left for the caller
  std::vector<HeldPort> held;              // every socket on an ephemeral port, table order
  PortSet listening_ports;                 // of every listener, inside the range or not
  bool connect_prefers_even = true;        // the range's first port is even
  std::uint32_t even_usable = 0;
  std::uint32_t odd_usable = 0;
  double even_utilisation = 0;  // worst destination (or the bound ports alone), even half
  double odd_utilisation = 0;
  HealthLevel parity_level = HealthLevel::ok;  // of the half connect() scans first
};

// The utilisation of the half connect() scans first.
double connect_half_utilisation(const HostHealth& health) noexcept;

HostHealth assess_host(const host::LocalPortConfig& config, const std::vector<host::SocketEntry>& sockets,
                       const Thresholds& thresholds);

HealthLevel level_for(double utilisation, const Thresholds& thresholds) noexcept;

}  // namespace portclass::cli
