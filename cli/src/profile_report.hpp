// SPDX-License-Identifier: GPL-2.0-or-later
// The analysis `portclass profile` prints per host: inference (OS, range,
// confidence, evidence), the ports seen and the findings (findings.hpp).
// Hosts are sorted by address so that output is deterministic.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eve_reader.hpp"
#include "portclass/capture/capture_reader.hpp"
#include "portclass/capture/live_capture.hpp"
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
  std::vector<std::string> files;  // captures ("-": standard input), documents, or live interfaces
  bool profiles = false;           // the inputs were JSON profile documents (--merge)
  bool live = false;               // `files` are interfaces read live (-i)
  bool eve = false;                // `files` are Suricata EVE logs (--eve): flows, no packets
  std::uint64_t documents = 0;     // --merge: documents read (a stream holds several)
  std::string filter;              // --filter, empty: none
  std::string netns;               // --netns, empty: none
  capture::CaptureCounters counters;
  EveCounters eve_counters;   // --eve: lines, events used, ignored, malformed
  capture::LiveStats drops;   // live: pcap_stats summed over the interfaces
  std::size_t max_hosts = 0;  // --max-hosts, 0: unbounded
  std::uint64_t evicted = 0;  // hosts evicted by the cap
  std::string broken;         // where a stream broke (the report holds what came before)
  bool snapshot = false;      // written by --every while still capturing
};

std::vector<HostAnalysis> analyse(const HostDirectory& directory, const PortKnowledge& knowledge,
                                  const InferenceOptions& options = {});

// Flow records carry ports and times only: each host's evidence says that
// TTL and SYN evidence are missing, so a verdict is read for what it rests on.
void note_flows_only(std::vector<HostAnalysis>& hosts);

void render_text(const std::vector<HostAnalysis>& hosts, const InputSummary& input, std::ostream& out);
// The mergeable profile document (profile_json.hpp) plus "analysis" and
// "input" members, which --merge ignores and recomputes.
nlohmann::json to_json(const HostDirectory& directory, const std::vector<HostAnalysis>& hosts,
                       const InputSummary& input);

}  // namespace portclass::cli
