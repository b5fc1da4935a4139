// SPDX-License-Identifier: GPL-2.0-or-later
// The live half of `portclass profile -i IFACE...`: one thread polls every
// interface's libpcap handle (LiveCapture) and feeds the directory until a
// stop condition: --duration elapsed, --count packets read, SIGINT or
// SIGTERM (StopSignals), or an interface failing. Never blocks for more than
// 100 ms, so every stop is prompt and the final report is always written by
// the caller.
//
// With a namespace, the interfaces are opened inside it and the thread comes
// straight back (NetnsVisit, netns.hpp): a packet socket stays bound to the
// namespace it was opened in, so nothing else the process does (writing -o
// reports) happens in there.
//
// Opening fails before anything is captured: bad input (no such interface,
// bad filter) throws UsageError, the system's refusal (no permission)
// SystemError (exit_code.hpp); each is one line naming the interface.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "portclass/host_directory.hpp"
#include "profile_report.hpp"

namespace portclass::cli {

struct LiveSettings {
  std::vector<std::string> interfaces;
  std::string netns;  // empty: the current network namespace
  std::string filter;
  bool promiscuous = false;
  std::optional<std::chrono::seconds> duration;
  std::uint64_t count = 0;  // 0: no limit
  std::optional<std::chrono::seconds> every;
};

struct LiveCallbacks {
  // Once when every interface is open (an empty report), then at each
  // --every interval, with `summary` as of now (snapshot = true).
  std::function<void(const InputSummary&)> snapshot;
  // About once a second (the terminal table), with the time since the start.
  std::function<void(const InputSummary&, std::chrono::steady_clock::duration)> tick;
};

// Fills summary.counters and summary.drops as at the end. Returns the stop
// signal received, 0 if the run ended otherwise.
int capture_live(const LiveSettings& settings, HostDirectory& directory, InputSummary& summary,
                 const LiveCallbacks& callbacks);

}  // namespace portclass::cli
