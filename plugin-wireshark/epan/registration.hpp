// SPDX-License-Identifier: GPL-2.0-or-later
// Registration of the portclass protocol and the state Wireshark's C callbacks
// share. Wireshark calls back through plain function pointers without a user
// pointer, so this one object is the plugin's only global; it holds the
// registration ids, the current configuration and the current capture's
// analysis (created by the init routine when a file is opened, dropped by the
// cleanup routine when it is closed).
#pragma once

#include <memory>

#include <epan/packet.h>

#include "capture_analysis.hpp"
#include "config.hpp"
#include "wanted_fields.hpp"

namespace portclass::ws::plugin {

struct PluginState {
  int proto = -1;
  int tap = -1;
  int expert_tap = 0;  // tap ids start at 1
  int proto_icmp = -1;
  int proto_icmpv6 = -1;
  dissector_handle_t handle = nullptr;
  // What a `tshark -T fields -e` run prints of portclass (output_mode.hpp)
  FieldListing listing;
  // An exception reached a callback once already (report.hpp says it once).
  bool reported_failure = false;
  std::shared_ptr<const Config> config;       // the last valid preferences
  std::unique_ptr<CaptureAnalysis> analysis;  // null between captures
};

PluginState& state();

// The analysis of the open capture, created on demand (a dissection outside
// an init/cleanup bracket, e.g. a GUI reload, still gets one).
CaptureAnalysis& analysis();

void register_protocol();
void register_handoff();

}  // namespace portclass::ws::plugin
