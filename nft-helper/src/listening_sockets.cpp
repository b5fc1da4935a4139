// SPDX-License-Identifier: GPL-2.0-or-later
// The audit's view of the socket table: only the listeners, only the facts a
// finding names. The table itself is read in one place, portclass::host.
#include "portclass/host/socket_table.hpp"
#include "portclass/nft/audit.hpp"

namespace portclass::nft {

Result<std::vector<ListeningSocket>> read_listening_sockets() {
  auto table = host::read_socket_table();
  if (!table) return table.error();
  std::vector<ListeningSocket> out;
  for (const host::SocketEntry& s : table.value())
    if (host::is_listening(s)) out.push_back(ListeningSocket{s.transport, s.local_port, s.local.to_string()});
  return out;
}

}  // namespace portclass::nft
