// SPDX-License-Identifier: GPL-2.0-or-later
#include "registration.hpp"

#include <stdexcept>

#include <epan/tap.h>

#include "dissect.hpp"
#include "fields.hpp"
#include "output_mode.hpp"
#include "preferences.hpp"
#include "stats.hpp"

namespace portclass::ws::plugin {
namespace {

// A new capture file: forget everything about the previous one.
void init_capture() {
  PluginState& s = state();
  if (s.config) s.analysis = std::make_unique<CaptureAnalysis>(s.config);
  // Expert info registers its tap after plugins' handoffs; 0 means not (yet) found.
  if (s.expert_tap <= 0) s.expert_tap = find_tap_id("expert");
}

void cleanup_capture() { state().analysis.reset(); }

}  // namespace

PluginState& state() {
  static PluginState s;
  return s;
}

CaptureAnalysis& analysis() {
  PluginState& s = state();
  if (!s.analysis) {
    if (!s.config) throw std::runtime_error("portclass: no valid configuration");
    s.analysis = std::make_unique<CaptureAnalysis>(s.config);
  }
  return *s.analysis;
}

void register_protocol() {
  PluginState& s = state();
  s.proto = proto_register_protocol("Port classification (portclass)", "portclass", "portclass");
  register_fields(s.proto);
  register_preferences(s.proto);
  s.handle = register_dissector("portclass", dissect_portclass, s.proto);
  register_postdissector(s.handle);
  register_init_routine(init_capture);
  register_cleanup_routine(cleanup_capture);
  s.tap = register_tap("portclass");
  register_statistics();
}

void register_handoff() {
  PluginState& s = state();
  s.proto_icmp = proto_get_id_by_filter_name("icmp");
  s.proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
  const OutputMode mode = this_process_output_mode("portclass");
  s.listing = FieldListing::from(mode.listed_fields_only, mode.own_fields);
}

}  // namespace portclass::ws::plugin
