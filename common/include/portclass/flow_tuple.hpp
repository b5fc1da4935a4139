// SPDX-License-Identifier: GPL-2.0-or-later
// The five fields that say which flow a TCP/UDP packet belongs to, in the
// packet's own direction (src is the sender). One struct for every reader:
// the host directory's packet facts, the plugin's frame lookup and its tap
// record all extend it. Trivially copyable and destructible, so it may live in
// Wireshark's packet-scoped memory.
#pragma once

#include <type_traits>

#include "portclass/address.hpp"
#include "portclass/port.hpp"

namespace portclass {

struct FlowTuple {
  IpAddress src;
  IpAddress dst;
  Transport transport = Transport::tcp;
  Port src_port = 0;
  Port dst_port = 0;
};
static_assert(std::is_trivially_destructible_v<FlowTuple> && std::is_trivially_copyable_v<FlowTuple>);

}  // namespace portclass
