// SPDX-License-Identifier: GPL-2.0-or-later
// HostJudgement: what the plugin says about one host, from its HostProfile,
// the OS inference and the user's per-subnet overrides, with its findings.
//
// Contract:
//  - judge_host() is a pure function of (address, profile, config): the same
//    inputs give the same judgement, so it can be cached and recomputed only
//    when the profile changed.
//  - An override's os= replaces the inferred OS (confidence 1, "by
//    preference"); its range= replaces the range whatever the OS. Inference
//    switched off leaves only what overrides say.
//  - Findings are the library's (portclass::find_issues, the same rules as the
//    command line) judged against that OS and range, plus "several-stacks"
//    when the verdict is "several".
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "findings.hpp"
#include "portclass/address.hpp"
#include "portclass/host_profile.hpp"
#include "portclass/inference.hpp"

namespace portclass::ws {

struct HostJudgement {
  bool has_os = false;  // false: inference off and no override
  Verdict verdict = Verdict::unknown;
  std::string label;  // family, or "unknown" / "several"
  std::string profile_id;
  double confidence = 0;
  std::string range_text;  // the host's ephemeral range as judged
  bool tuned = false;      // range differs from the OS's default (or set by preference)
  bool by_preference = false;
  std::string summary;  // one line: verdict and evidence

  ExpertSet findings;                          // expert kinds that hold
  std::array<std::string, kExpertKinds> text;  // "address: sentence" per kind (host-level kinds)
  std::vector<std::string> ids;                // library ids of every finding, plus several-stacks
  struct ServerIssue {
    Transport transport;
    PortSet ports;
    std::string text;
  };
  std::vector<ServerIssue> server_issues;

  bool has(ExpertKind f) const noexcept { return findings.has(f); }
  // The sentence when the host serves `port` inside its ephemeral range.
  const std::string* server_in_ephemeral(Transport transport, Port port) const noexcept;
};

HostJudgement judge_host(const IpAddress& address, const HostProfile& profile, const Config& config);

}  // namespace portclass::ws
