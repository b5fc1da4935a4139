// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's TCP and UDP socket tables (IPv4 and IPv6) of the calling
// thread's network namespace, read over NETLINK_SOCK_DIAG (inet_diag), the
// interface `ss` uses. Nothing is parsed from /proc/net text files.
//
// Contract: one dump per family and transport; every socket the kernel lists
// is returned, including TIME-WAIT and SYN-RECV mini-sockets (inode 0). An
// error (netlink unavailable, a dump the kernel refuses) is an Error naming
// the step, never a partial table.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "portclass/address.hpp"
#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass::host {

// Kernel socket states (include/net/tcp_states.h); UDP uses established
// (connected) and close (unconnected).
enum class SocketState : std::uint8_t {
  established = 1,
  syn_sent,
  syn_recv,
  fin_wait1,
  fin_wait2,
  time_wait,
  close,
  close_wait,
  last_ack,
  listen,
  closing,
  new_syn_recv,
  bound_inactive,  // bound, neither listening nor connected (Linux >= 6.6 lists them)
};

struct SocketEntry {
  Transport transport = Transport::tcp;
  IpAddress local;
  Port local_port = 0;
  IpAddress remote;
  Port remote_port = 0;
  SocketState state = SocketState::close;
  std::uint64_t inode = 0;  // 0 for TIME-WAIT and request mini-sockets
  std::uint32_t uid = 0;
};

// The name `ss` prints: "ESTAB", "LISTEN", "TIME-WAIT", "UNCONN", ...
std::string_view state_name(SocketState state) noexcept;
// Waiting for peers: a TCP listener, or an unconnected UDP socket bound to a port.
bool is_listening(const SocketEntry& socket) noexcept;

Result<std::vector<SocketEntry>> read_socket_table();

}  // namespace portclass::host
