// SPDX-License-Identifier: GPL-2.0-or-later
// Suricata EVE JSON flow logs into host profiles (`portclass profile --eve`).
//
// Contract:
//  - EVE is JSON lines: read one line at a time, so memory holds one line
//    (at most kMaxLine bytes; a longer line is malformed) and the hosts.
//  - `flow` and `netflow` events over TCP or UDP count; other event types
//    (alert, stats, dns, ...) and other protocols (ICMP, ...) are counted as
//    ignored. A line that is not JSON, or a flow event without valid
//    src_ip/src_port/dest_ip/dest_port/proto or timestamps, is counted as
//    malformed and skipped: never an error.
//  - A flow is fed to HostDirectory::observe as the packets the decoder would
//    have reported for it (see eve_reader.cpp), so a flow log and the capture
//    it came from give the same client and server ports per host.
//  - A log with both event types holds each flow twice: Suricata writes a
//    flow's netflow records right after its flow record, so a netflow event
//    whose flow_id is among the last kRecentFlows flow events is counted as a
//    repeat and not fed again (a bounded window, not per-flow state).
//  - Flow records carry no TTL and no SYN options: hosts get neither TTL
//    counts nor TCP signatures (the report says so, profile_report.hpp).
#pragma once

#include <cstdint>
#include <istream>
#include <string>

#include "portclass/host_directory.hpp"
#include "portclass/result.hpp"

namespace portclass::cli {

struct EveCounters {
  std::uint64_t lines = 0;      // non-empty lines read
  std::uint64_t flows = 0;      // `flow` events used
  std::uint64_t netflows = 0;   // `netflow` events used
  std::uint64_t repeats = 0;    // netflow events of a flow event just read (same flow_id): not fed twice
  std::uint64_t ignored = 0;    // other event types, or not TCP/UDP
  std::uint64_t malformed = 0;  // not JSON, too long, or a flow event missing a field: skipped
};

inline constexpr std::size_t kMaxEveLine = 1 << 20;

// Reads every line of `in` into `directory`, adding to `counters`.
void read_eve_stream(std::istream& in, HostDirectory& directory, EveCounters& counters);

// The same for a file, or standard input for "-". A file that cannot be
// opened is a bad_input Error naming it; nothing inside a file is.
Result<void> read_eve_file(const std::string& path, HostDirectory& directory, EveCounters& counters);

}  // namespace portclass::cli
