// SPDX-License-Identifier: GPL-2.0-or-later
// The entry points Wireshark's plugin loader looks up by name.
//
// They are declared `extern` inside extern "C": a namespace-scope const in C++
// has internal linkage, and the loader would then report the plugin as having
// "no plugin_version symbol".
#include <epan/proto.h>

#include "registration.hpp"
#include "ws_compat.hpp"

extern "C" {
extern __attribute__((visibility("default"))) const char plugin_version[];
extern __attribute__((visibility("default"))) const int plugin_want_major;
extern __attribute__((visibility("default"))) const int plugin_want_minor;
__attribute__((visibility("default"))) void plugin_register(void);

const char plugin_version[] = PORTCLASS_PLUGIN_VERSION;
const int plugin_want_major = PORTCLASS_WS_MAJOR;
const int plugin_want_minor = PORTCLASS_WS_MINOR;

#if PORTCLASS_WS_PLUGIN_DESCRIBE
// A post-dissector is a dissector plugin to the loader.
__attribute__((visibility("default"))) uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
#endif

void plugin_register(void) {
  static proto_plugin plugin;
  plugin.register_protoinfo = portclass::ws::plugin::register_protocol;
  plugin.register_handoff = portclass::ws::plugin::register_handoff;
  proto_register_plugin(&plugin);
}
}
