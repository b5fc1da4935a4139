// SPDX-License-Identifier: GPL-2.0-or-later
// What `portclass explain` says about one port: IANA category, registered
// service names, which OS default ephemeral ranges contain it, notable
// unofficial uses with their sources, how often nmap finds it open (nmap's
// frequency table, read at run time when installed; its absence is reported,
// never an error), the commands that show who holds it on Linux, macOS and
// Windows, and the sockets using it on this host. Built from library data
// plus a socket table; rendered as text for people or JSON for scripts.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "port_argument.hpp"
#include "portclass/category.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/host/socket_owners.hpp"
#include "portclass/host/socket_table.hpp"

namespace portclass::cli {

struct SocketUse {
  host::SocketEntry socket;
  bool local = true;  // the port is the socket's own (false: its peer's)
  std::vector<host::SocketOwner> owners;
};

// nmap's port frequency table (nmap-services: "name port/proto frequency
// [# comment]"), TCP and UDP lines only. Malformed lines are counted in
// `skipped`, never fatal.
struct NmapServiceEntry {
  std::string name;
  Port port = 0;
  Transport transport = Transport::tcp;
  double frequency = 0.0;  // fraction of scanned hosts with it open, 0..1
  std::string comment;
};
struct NmapServices {
  std::vector<NmapServiceEntry> entries;
  std::size_t skipped = 0;
};
inline constexpr const char* kNmapServicesPath = "/usr/share/nmap/nmap-services";
NmapServices parse_nmap_services(std::string_view text);

// One port's line of the table, with its rank among that transport's ports
// (1 = most often open; ties share a rank).
struct NmapFrequency {
  NmapServiceEntry entry;
  std::size_t rank = 0;
  std::size_t ranked = 0;  // ports of that transport in the table
};

// A command that shows who holds the port on one OS, port filled in.
struct HolderCommand {
  std::string os;     // linux | macos | windows
  std::string shell;  // sh | cmd | powershell
  std::string command;
  std::string shows;
};
std::vector<HolderCommand> holder_commands(Port port, const std::vector<Transport>& transports);

struct ExplainReport {
  Port port = 0;
  std::vector<Transport> transports;  // the one asked for, or both
  PortCategory category = PortCategory::system;
  std::vector<std::pair<Transport, std::vector<ServiceName>>> services;
  std::vector<const OsProfile*> inside;   // database order
  std::vector<const OsProfile*> outside;  // database order
  std::vector<const NotablePortUse*> notable;
  // Empty optional: nmap's table could not be read (nmap_error says why).
  std::optional<std::vector<NmapFrequency>> nmap;
  std::string nmap_path;
  std::string nmap_error;
  std::size_t nmap_skipped = 0;  // malformed lines of the table, ignored
  std::vector<HolderCommand> commands;
  // Empty optional: the socket table could not be read (socket_error says why).
  std::optional<std::vector<SocketUse>> sockets;
  std::string socket_error;
};

// Everything but the sockets. The report points into `knowledge`.
ExplainReport build_explain_report(const PortArgument& argument, const PortKnowledge& knowledge);
// Fills the report's nmap part from the table at `path` (absent file: nmap_error).
void attach_nmap(ExplainReport& report, const std::string& path);

// The sockets whose local port (or, for connections, remote port) is the
// report's port, on its transports, sorted for output; owners not yet known.
std::vector<SocketUse> sockets_using(const ExplainReport& report, const std::vector<host::SocketEntry>& table);
// Fills each use's owners from `owners` (keyed by socket inode).
void attach_owners(std::vector<SocketUse>& uses, const host::SocketOwners& owners);

void render_text(const ExplainReport& report, std::ostream& out);
nlohmann::json to_json(const ExplainReport& report);

}  // namespace portclass::cli
