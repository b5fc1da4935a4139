// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_holders.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace portclass::cli {

PortHolders rank_port_holders(const std::vector<HeldPort>& held, const host::SocketOwners& owners, std::size_t top) {
  struct Tally {
    std::string name;
    std::set<Port> ports;
  };
  std::map<std::pair<Transport, int>, Tally> tallies;
  std::set<Port> in_use[2], owned[2];
  const auto index = [](Transport t) { return t == Transport::tcp ? 0 : 1; };
  for (const HeldPort& h : held) {
    in_use[index(h.transport)].insert(h.port);
    const auto it = h.inode ? owners.find(h.inode) : owners.end();
    if (it == owners.end()) continue;
    owned[index(h.transport)].insert(h.port);
    for (const host::SocketOwner& o : it->second) {
      Tally& t = tallies[{h.transport, o.pid}];
      t.name = o.name;
      t.ports.insert(h.port);
    }
  }
  PortHolders out;
  out.tcp_in_use = static_cast<std::uint32_t>(in_use[0].size());
  out.udp_in_use = static_cast<std::uint32_t>(in_use[1].size());
  out.tcp_unowned = out.tcp_in_use - static_cast<std::uint32_t>(owned[0].size());
  out.udp_unowned = out.udp_in_use - static_cast<std::uint32_t>(owned[1].size());
  for (const Transport transport : {Transport::tcp, Transport::udp}) {
    std::vector<PortHolder> rows;
    const auto total = transport == Transport::tcp ? out.tcp_in_use : out.udp_in_use;
    for (const auto& [key, t] : tallies) {
      if (key.first != transport) continue;
      const auto n = static_cast<std::uint32_t>(t.ports.size());
      rows.push_back({transport, key.second, t.name, n, total ? double(n) / double(total) : 0.0});
    }
    std::sort(rows.begin(), rows.end(), [](const PortHolder& a, const PortHolder& b) {
      return std::tie(b.ports, a.pid) < std::tie(a.ports, b.pid);
    });
    if (rows.size() > top) rows.resize(top);
    out.top.insert(out.top.end(), rows.begin(), rows.end());
  }
  return out;
}

}  // namespace portclass::cli
