// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_command.hpp"

#include <unordered_set>

#include <fmt/format.h>

#include "exit_code.hpp"
#include "host_render.hpp"
#include "netns.hpp"

namespace portclass::cli {

CLI::App* add_host_command(CLI::App& app, HostOptions& options) {
  CLI::App* cmd = app.add_subcommand("host", "Ephemeral-port health of this host or of a network namespace");
  cmd->add_option("--netns", options.netns, "Look at the named network namespace (/run/netns/NAME) instead");
  auto* json = cmd->add_flag("--json", options.json, "Print JSON for scripts");
  auto* prom = cmd->add_flag("--prometheus", options.prometheus,
                             "Print metrics in the Prometheus text format (node_exporter textfile collector)");
  json->excludes(prom);
  cmd->add_option("--warning", options.warning_percent, "Warning threshold, percent of usable ports (default 60)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--critical", options.critical_percent, "Critical threshold, percent of usable ports (default 80)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->footer(
      "Utilisation is counted per remote address and port (a TCP 4-tuple only has to be unique),\n"
      "TIME-WAIT included, against the range minus ip_local_reserved_ports.\n"
      "Exit codes: 0 below the warning threshold, 1 warning crossed, 3 critical crossed,\n"
      "2 bad usage or input (e.g. a namespace that does not exist).");
  return cmd;
}

int run_host(const HostOptions& options, std::ostream& out) {
  if (options.warning_percent > options.critical_percent)
    throw UsageError(fmt::format("--warning {} is above --critical {}", options.warning_percent,
                                 options.critical_percent));
  const Thresholds thresholds{options.warning_percent / 100, options.critical_percent / 100};

  std::optional<std::string> netns;
  if (!options.netns.empty()) {
    if (auto entered = enter_network_namespace(options.netns); !entered) throw UsageError(entered.error().message);
    netns = options.netns;
  }
  auto config = read_local_port_config();
  if (!config) throw UsageError(config.error().message);
  auto sockets = read_socket_table();
  if (!sockets) throw UsageError(sockets.error().message);

  HostHealth health = assess_host(*config, *sockets, thresholds);
  std::unordered_set<std::uint64_t> inodes;
  for (const auto& l : health.listeners)
    if (l.socket.inode) inodes.insert(l.socket.inode);
  const SocketOwners owners = find_socket_owners(inodes);
  for (auto& l : health.listeners)
    if (auto it = owners.find(l.socket.inode); l.socket.inode && it != owners.end()) l.owners = it->second;

  const HostView view{health, thresholds, netns};
  if (options.json)
    out << to_json(view).dump(2) << "\n";
  else if (options.prometheus)
    render_prometheus(view, out);
  else
    render_text(view, out);

  switch (health.level) {
    case HealthLevel::ok: return kExitOk;
    case HealthLevel::warning: return kExitAlert;
    case HealthLevel::critical: break;
  }
  return kExitCritical;
}

}  // namespace portclass::cli
