// SPDX-License-Identifier: GPL-2.0-or-later
// `portclass explain PORT[/tcp|/udp]`: what a port is and what uses it here.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

namespace portclass::cli {

struct ExplainOptions {
  std::string port;
  bool json = false;
  bool no_sockets = false;
  std::string os_profiles;
  std::string nmap_services;  // empty: kNmapServicesPath
};

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options);
// Exit code 0; bad input throws UsageError.
int run_explain(const ExplainOptions& options, std::ostream& out);

}  // namespace portclass::cli
