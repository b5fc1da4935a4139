// SPDX-License-Identifier: GPL-2.0-or-later
// Output forms of `portclass host`: text for people, JSON for scripts, and
// the Prometheus text exposition format for node_exporter's textfile
// collector (one gauge family per quantity, HELP and TYPE lines, a `netns`
// label when a namespace was named).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host_health.hpp"

namespace portclass::cli {

struct HostView {
  const HostHealth& health;
  const Thresholds& thresholds;
  std::optional<std::string> netns;  // the namespace named on the command line
};

// Remedies for listeners inside the range that are not reserved (empty when
// there are none): reserve the ports, or move the services.
std::vector<std::string> remedies(const HostHealth& health);

void render_text(const HostView& view, std::ostream& out);
nlohmann::json to_json(const HostView& view);
void render_prometheus(const HostView& view, std::ostream& out);

}  // namespace portclass::cli
