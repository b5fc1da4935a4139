// SPDX-License-Identifier: GPL-2.0-or-later
// What the post-dissector hands to the "portclass" tap for each TCP/UDP packet
// (not for quoted ICMP headers). Allocated in pinfo->pool, so it must stay
// trivially destructible.
#pragma once

#include <type_traits>

#include "portclass/flow_tuple.hpp"

namespace portclass::ws::plugin {

struct TapRecord : FlowTuple {
  bool client_is_src = true;
  bool final = false;  // a later pass: judgements are whole-capture
};
static_assert(std::is_trivially_destructible_v<TapRecord>);

}  // namespace portclass::ws::plugin
