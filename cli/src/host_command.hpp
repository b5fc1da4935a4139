// SPDX-License-Identifier: GPL-2.0-or-later
// `portclass host [--netns NAME]`: ephemeral-port health as a monitoring check.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

namespace portclass::cli {

struct HostOptions {
  std::string netns;
  bool json = false;
  bool prometheus = false;
  double warning_percent = 60;
  double critical_percent = 80;
};

CLI::App* add_host_command(CLI::App& app, HostOptions& options);
// 0 below the warning threshold, 1 warning crossed, 3 critical crossed;
// bad input (thresholds, namespace) throws UsageError.
int run_host(const HostOptions& options, std::ostream& out);

}  // namespace portclass::cli
