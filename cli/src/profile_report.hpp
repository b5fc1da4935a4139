// SPDX-License-Identifier: GPL-2.0-or-later
// The analysis `portclass profile` prints per host: inference (OS, range,
// confidence, evidence), the ports seen and the findings (findings.hpp).
// Hosts are sorted by address so that output is deterministic.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "portclass/capture/capture_reader.hpp"
#include "portclass/findings.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/inference.hpp"

namespace portclass::cli {

struct HostAnalysis {
  IpAddress address;
  const HostProfile* profile = nullptr;  // owned by the directory
  Inference inference;
  std::vector<Finding> findings;
};

struct InputSummary {
  std::vector<std::string> files;
  bool profiles = false;  // the inputs were JSON profile documents (--merge)
  capture::CaptureCounters counters;
};

std::vector<HostAnalysis> analyse(const HostDirectory& directory, const PortKnowledge& knowledge,
                                  const InferenceOptions& options = {});

void render_text(const std::vector<HostAnalysis>& hosts, const InputSummary& input, std::ostream& out);
// The mergeable profile document (profile_json.hpp) plus "analysis" and
// "input" members, which --merge ignores and recomputes.
nlohmann::json to_json(const HostDirectory& directory, const std::vector<HostAnalysis>& hosts,
                       const InputSummary& input);

}  // namespace portclass::cli
