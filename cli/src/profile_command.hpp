// SPDX-License-Identifier: GPL-2.0-or-later
// `portclass profile CAPTURE...|-`, `portclass profile -i IFACE...` and
// `portclass profile --merge JSON...|-` and `portclass profile --eve LOG|-`
// (Suricata EVE flow logs, eve_reader.hpp): per-host OS and range inference from
// captures (files or a pcap/pcapng stream on standard input), from live
// interfaces, or from merged profile documents. Everything is streamed:
// memory grows with the number of hosts (capped by --max-hosts), never with
// packets or documents.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "portclass/signature_options.hpp"

namespace portclass::cli {

struct ProfileOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> eve;  // --eve LOG (repeatable; - reads standard input)
  bool json = false;
  bool merge = false;
  bool fail_on_findings = false;
  std::string os_profiles;
  SignatureOptions signatures;          // --p0f-db, --signatures
  std::string filter;                   // --filter: BPF, for files, pipes and live
  std::vector<std::string> interfaces;  // -i, repeatable
  std::string netns;
  bool promiscuous = false;
  std::string duration;  // --duration 10m (parsed in run_profile)
  std::uint64_t count = 0;
  std::string every;   // --every 30s, with -o
  std::string output;  // -o FILE: the report, replaced atomically
  std::size_t max_hosts = 0;
};

CLI::App* add_profile_command(CLI::App& app, ProfileOptions& options);
// 0, or 1 with --fail-on-findings when any host has a finding; bad input
// (unreadable, corrupt or truncated capture, bad JSON, bad filter, no such
// interface) throws UsageError, a system failure (no permission to capture)
// SystemError (exit_code.hpp). A stream on standard input that breaks is reported as far
// as it was read, then throws UsageError saying where it broke.
int run_profile(const ProfileOptions& options, std::ostream& out);

}  // namespace portclass::cli
