// SPDX-License-Identifier: GPL-2.0-or-later
// `portclass host [--netns NAME | --all-netns] [--watch N]`: ephemeral-port
// health as a monitoring check, of one network namespace or of every one.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "host_holders.hpp"

namespace portclass::cli {

struct HostOptions {
  std::string netns;
  bool all_netns = false;
  bool json = false;
  bool prometheus = false;
  double warning_percent = 60;
  double critical_percent = 80;
  std::size_t top = kDefaultTopHolders;
  unsigned watch_seconds = 0;  // 0: one view
};

CLI::App* add_host_command(CLI::App& app, HostOptions& options);
// Exit codes (portclass/exit_code.hpp): 0 below the warning threshold, 1
// warning crossed, 4 critical crossed, the worst over every namespace with
// --all-netns (3 when one could not be read). Bad input (thresholds, a
// missing namespace) throws UsageError, a kernel failure SystemError. Lines
// about skipped namespaces go to `err`.
int run_host(const HostOptions& options, std::ostream& out, std::ostream& err = std::cerr);

}  // namespace portclass::cli
