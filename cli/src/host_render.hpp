// SPDX-License-Identifier: GPL-2.0-or-later
// Output forms of `portclass host`: text for people, JSON for scripts, and
// the Prometheus text exposition format for node_exporter's textfile
// collector (one gauge family per quantity, HELP and TYPE lines once per
// family, a `netns` label on every series when a namespace was named or every
// namespace is audited). Process names are escaped per form (name_escape.hpp);
// the Prometheus process series are the top N holders only (bounded).
#pragma once

#include <ostream>
#include <span>

#include <nlohmann/json.hpp>

#include "host_audit.hpp"

namespace portclass::cli {

struct HostView {
  const HostReport& report;
  const Thresholds& thresholds;
};

void render_text(const HostView& view, std::ostream& out);
nlohmann::json to_json(const HostView& view);
// Every view's series, family by family.
void render_prometheus(std::span<const HostView> views, std::ostream& out);

}  // namespace portclass::cli
