// SPDX-License-Identifier: GPL-2.0-or-later
// Audit of a live ruleset against this host's real ephemeral range.
//
// Every filter base chain on the input and forward hooks (of inet, ip and
// ip6 tables, whoever wrote them) is read rule by rule, following jumps, and
// each rule's expressions are interpreted into what it accepts (conntrack
// states and direction, protocols, ports, ICMP types). Findings:
//
//  too open
//   blanket-established   established/related accepted with no port and no
//                         direction condition (the usual one-liner)
//   return-any-port       replies accepted on any port
//   return-any-direction  established accepted to some ports in both directions
//   return-range-too-wide return traffic accepted to ports outside this host's
//                         ephemeral range (input chains)
//   related-beyond-icmp   `related` accepted for other protocols than ICMP
//  will break (input chains that drop by default)
//   return-range-too-narrow  part of ip_local_port_range gets no replies
//   service-in-ephemeral     a TCP or UDP listener inside the ephemeral range
//                            (one finding per transport and port)
//   missing-neighbour-discovery  ICMPv6 neighbour solicitations/adverts dropped
//
// Limits (said in the docs): rules are read one at a time, so an earlier
// drop that shadows a later accept is not noticed; verdict maps are followed
// for `ct state vmap`, other maps are treated as unknown conditions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "portclass/address.hpp"
#include "portclass/nft/live_range.hpp"
#include "portclass/nft/live_ruleset.hpp"
#include "portclass/port.hpp"

namespace portclass::nft {

enum class Severity : std::uint8_t { too_open, will_break };

struct Finding {
  Severity severity = Severity::too_open;
  std::string code;     // "blanket-established" ...
  std::string where;    // "inet filter input, rule handle 4" or "host"
  std::string rule;     // what the rule does, in nft-like words ("ct state established,related accept")
  std::string message;  // one sentence: what is wrong and what to do
};

struct ListeningSocket {
  Transport transport = Transport::tcp;
  Port port = 0;
  std::string address;
};

struct HostFacts {
  LiveRange range;
  std::vector<ListeningSocket> listening;
};

struct AuditReport {
  HostFacts host;
  std::size_t chains_checked = 0;
  std::size_t rules_checked = 0;
  std::vector<Finding> findings;
};

AuditReport audit(const KernelRuleset& ruleset, const HostFacts& host);

std::string to_text(const AuditReport& report);
nlohmann::ordered_json to_json(const AuditReport& report);

// The TCP listeners and bound, unconnected UDP sockets (IPv4 and IPv6) of
// the calling thread's network namespace: portclass::host's socket table
// (NETLINK_SOCK_DIAG) filtered by host::is_listening. Its errors are passed
// on as they are (system-kind, with errno).
Result<std::vector<ListeningSocket>> read_listening_sockets();

}  // namespace portclass::nft
