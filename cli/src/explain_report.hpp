// SPDX-License-Identifier: GPL-2.0-or-later
// What `portclass explain` says about one port: IANA category, registered
// service names, which OS default ephemeral ranges contain it, notable
// unofficial uses, and the sockets using it on this host. Built from library
// data plus a socket table; rendered as text for people or JSON for scripts.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "port_argument.hpp"
#include "portclass/category.hpp"
#include "portclass/knowledge.hpp"
#include "socket_owners.hpp"
#include "socket_table.hpp"

namespace portclass::cli {

struct SocketUse {
  SocketEntry socket;
  bool local = true;  // the port is the socket's own (false: its peer's)
  std::vector<SocketOwner> owners;
};

struct ExplainReport {
  Port port = 0;
  std::vector<Transport> transports;  // the one asked for, or both
  PortCategory category = PortCategory::system;
  std::vector<std::pair<Transport, std::vector<ServiceName>>> services;
  std::vector<const OsProfile*> inside;   // database order
  std::vector<const OsProfile*> outside;  // database order
  std::vector<const NotablePortUse*> notable;
  // Empty optional: the socket table could not be read (socket_error says why).
  std::optional<std::vector<SocketUse>> sockets;
  std::string socket_error;
};

// Everything but the sockets. The report points into `knowledge`.
ExplainReport build_explain_report(const PortArgument& argument, const PortKnowledge& knowledge);

// The sockets whose local port (or, for connections, remote port) is the
// report's port, on its transports, sorted for output; owners not yet known.
std::vector<SocketUse> sockets_using(const ExplainReport& report, const std::vector<SocketEntry>& table);
// Fills each use's owners from `owners` (keyed by socket inode).
void attach_owners(std::vector<SocketUse>& uses, const SocketOwners& owners);

void render_text(const ExplainReport& report, std::ostream& out);
nlohmann::json to_json(const ExplainReport& report);

}  // namespace portclass::cli
