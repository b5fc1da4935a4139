// SPDX-License-Identifier: GPL-2.0-or-later
// What the post-dissector hands to the "portclass" tap for each TCP/UDP packet
// (not for quoted ICMP headers). Allocated in pinfo->pool, so it must stay
// trivially destructible.
#pragma once

#include <type_traits>

#include "portclass/address.hpp"
#include "portclass/port.hpp"

namespace portclass::ws::plugin {

struct TapRecord {
  IpAddress src;
  IpAddress dst;
  Transport transport = Transport::tcp;
  Port src_port = 0;
  Port dst_port = 0;
  bool client_is_src = true;
  bool final = false;  // a later pass: judgements are whole-capture
};
static_assert(std::is_trivially_destructible_v<TapRecord>);

}  // namespace portclass::ws::plugin
