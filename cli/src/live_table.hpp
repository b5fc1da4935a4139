// SPDX-License-Identifier: GPL-2.0-or-later
// The terminal view of a live capture: a header (interfaces, time, packets,
// drops, hosts) and the busiest hosts with their verdict and findings,
// redrawn in place about once a second. Drawn only when the stream is a
// terminal (never into pipes, files or logs) and erased when done, so the
// final report follows on a clean screen.
#pragma once

#include <chrono>
#include <cstdio>

#include "portclass/host_directory.hpp"
#include "portclass/inference.hpp"
#include "portclass/knowledge.hpp"
#include "profile_report.hpp"

namespace portclass::cli {

class LiveTable {
 public:
  static constexpr std::size_t kRows = 20;  // the busiest hosts; inference for those only

  explicit LiveTable(std::FILE* stream = stderr);
  LiveTable(const LiveTable&) = delete;
  LiveTable& operator=(const LiveTable&) = delete;
  ~LiveTable();

  bool enabled() const noexcept { return enabled_; }
  void draw(const HostDirectory& directory, const PortKnowledge& knowledge, const InferenceOptions& inference,
            const InputSummary& summary, std::chrono::steady_clock::duration elapsed);
  void clear();

 private:
  std::FILE* stream_;
  bool enabled_ = false;
  int lines_ = 0;  // drawn last time, to move back over
};

}  // namespace portclass::cli
