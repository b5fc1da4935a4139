// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.hpp"

#include <wsutil/wslog.h>

#include "registration.hpp"

namespace portclass::ws::plugin {

void report_failure_once(const char* where, const std::exception& e) noexcept {
  PluginState& s = state();
  if (s.reported_failure) return;
  s.reported_failure = true;
  ws_log("portclass", LOG_LEVEL_WARNING, "portclass %s failed: %s (reported once; later failures are silent)", where,
         e.what());
}

}  // namespace portclass::ws::plugin
