// SPDX-License-Identifier: GPL-2.0-or-later
#include "explain_command.hpp"

#include <unordered_set>

#include "exit_code.hpp"
#include "explain_report.hpp"
#include "knowledge_option.hpp"

namespace portclass::cli {

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options) {
  CLI::App* cmd = app.add_subcommand("explain", "What a port is, which OS ranges hold it, and what uses it here");
  cmd->add_option("port", options.port, "PORT, PORT/tcp or PORT/udp (both transports when none is given)")->required();
  cmd->add_flag("--json", options.json, "Print JSON for scripts instead of text");
  cmd->add_flag("--no-sockets", options.no_sockets, "Do not look at this host's sockets");
  cmd->add_option(
      "--nmap-services", options.nmap_services,
      "nmap's port frequency table (default /usr/share/nmap/nmap-services; missing: said so, not an error)");
  cmd->add_option("--os-profiles", options.os_profiles,
                  "TOML file of OS profiles that add to or override the built-in ones");
  cmd->footer(
      "The sockets come from the kernel (sock_diag netlink, as ss uses), IPv4 and IPv6, TCP and UDP;\n"
      "owning processes are shown where the caller may see them (run as root to see all).\n"
      "Exit codes: 0 done, 2 bad usage or input.");
  return cmd;
}

int run_explain(const ExplainOptions& options, std::ostream& out) {
  auto argument = parse_port_argument(options.port);
  if (!argument) throw UsageError(argument.error().message);
  const auto knowledge = load_knowledge(options.os_profiles);
  ExplainReport report = build_explain_report(*argument, *knowledge);
  attach_nmap(report, options.nmap_services.empty() ? kNmapServicesPath : options.nmap_services);

  if (!options.no_sockets) {
    auto table = host::read_socket_table();
    if (table) {
      std::vector<SocketUse> uses = sockets_using(report, *table);
      std::unordered_set<std::uint64_t> inodes;
      for (const SocketUse& use : uses)
        if (use.socket.inode != 0) inodes.insert(use.socket.inode);
      attach_owners(uses, host::find_socket_owners(inodes));
      report.sockets = std::move(uses);
    } else {
      // The port's facts still stand; say why the live part is missing.
      report.socket_error = table.error().message;
    }
  } else {
    report.socket_error = "not looked up (--no-sockets)";
  }

  if (options.json)
    out << to_json(report).dump(2) << "\n";
  else
    render_text(report, out);
  return kExitOk;
}

}  // namespace portclass::cli
