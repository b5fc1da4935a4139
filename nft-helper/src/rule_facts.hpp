// SPDX-License-Identifier: GPL-2.0-or-later
// What one kernel rule accepts, read from its expressions by following what
// each register holds (a tiny abstract interpreter of nf_tables bytecode).
// Anything it does not understand becomes `other_condition`, so the audit
// errs towards "this rule is narrower than it looks", never the reverse.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "portclass/nft/live_ruleset.hpp"
#include "portclass/port.hpp"

namespace portclass::nft {

enum class RuleAction : std::uint8_t { none, accept, drop, jump, go_to, ret, other };

struct RuleFacts {
  std::optional<std::uint32_t> ct_states;  // accepted conntrack state bits
  std::optional<int> ct_direction;         // 0 original, 1 reply
  std::optional<std::set<std::uint8_t>> l4protos;
  std::optional<std::uint8_t> nfproto;
  std::optional<PortSet> dports;
  std::optional<PortSet> sports;
  std::optional<std::set<std::uint8_t>> icmp_types;  // ICMP or ICMPv6, per l4protos
  bool address_condition = false;
  bool interface_condition = false;
  bool loopback = false;  // iif/iifname lo
  bool tcp_flags_condition = false;
  bool other_condition = false;
  RuleAction action = RuleAction::none;
  std::string target;  // jump/goto chain

  bool covers_l4(std::uint8_t proto) const { return !l4protos || l4protos->count(proto); }
  bool unconditional() const;
};

RuleFacts interpret(const KernelRule& rule, const KernelRuleset& ruleset);

// "ct state established,related ct direction reply th dport 32768-60999 accept"
std::string describe(const RuleFacts& facts);

}  // namespace portclass::nft
