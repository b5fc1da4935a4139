// SPDX-License-Identifier: GPL-2.0-or-later
// `portclass profile CAPTURE...` and `portclass profile --merge JSON...`:
// per-host OS and range inference from captures, streamed (memory grows with
// the number of hosts, not packets), or from merged profile documents.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "portclass/signature_options.hpp"

namespace portclass::cli {

struct ProfileOptions {
  std::vector<std::string> inputs;
  bool json = false;
  bool merge = false;
  bool fail_on_findings = false;
  std::string os_profiles;
  SignatureOptions signatures;  // --p0f-db, --signatures
};

CLI::App* add_profile_command(CLI::App& app, ProfileOptions& options);
// 0, or 1 with --fail-on-findings when any host has a finding; bad input
// (unreadable, corrupt or truncated capture, bad JSON) throws UsageError.
int run_profile(const ProfileOptions& options, std::ostream& out);

}  // namespace portclass::cli
