// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/policy.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "portclass/nft/address_intervals.hpp"
#include "portclass/nft/fields.hpp"
#include "portclass/nft/names.hpp"

namespace portclass::nft {
namespace {

// ---- match constructors -------------------------------------------------

Match eq(Field f, std::uint64_t v) { return Match{f, Op::eq, {value_interval(v, info(f).width)}, {}, 0, {}}; }

Match eq_prefix(Field f, std::string_view prefix) {
  return Match{f, Op::eq, {prefix_interval(IpPrefix::parse(prefix).value())}, {}, 0, {}};
}

Match eq_address(Field f, std::string_view address) {
  return Match{f, Op::eq, {address_interval(IpAddress::parse(address).value())}, {}, 0, {}};
}

Match in_set(Field f, std::string set) { return Match{f, Op::in_set, {}, std::move(set), 0, {}}; }

// One value: a plain compare, several: an anonymous set (as nft writes them).
Match any_of(Field f, std::vector<std::uint64_t> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (values.size() == 1) return eq(f, values.front());
  Match m{f, Op::in_set, {}, {}, 0, {}};
  for (std::uint64_t v : values) m.values.push_back(value_interval(v, info(f).width));
  return m;
}

// A single port or range is a compare or a range expression, as nft turns a
// one-element anonymous set into its element.
Match ports_match(Field f, const PortSet& ports) {
  if (ports.ranges().size() == 1) return Match{f, Op::eq, {port_interval(ports.ranges().front())}, {}, 0, {}};
  return Match{f, Op::in_set, port_intervals(ports), {}, 0, {}};
}

Match ct_state(std::uint32_t bits) { return Match{Field::ct_state, Op::any_bits, {}, {}, bits, {}}; }
Match ct_reply() { return eq(Field::ct_direction, 1); }
Match ct_original() { return eq(Field::ct_direction, 0); }
Match iif_lo() { return Match{Field::meta_iif, Op::eq, {}, {}, 0, "lo"}; }
Match oif_lo() { return Match{Field::meta_oif, Op::eq, {}, {}, 0, "lo"}; }
Match tcp_not_syn() {
  return Match{Field::tcp_flags, Op::masked_neq, {value_interval(kTcpSyn, 1)}, {}, kTcpSyn | kTcpAck, {}};
}

std::string fit(std::string comment) {
  if (comment.size() > kMaxComment) comment = comment.substr(0, kMaxComment - 3) + "...";
  return comment;
}

// ---- the builder --------------------------------------------------------

struct Group {
  PortSet ports;
  std::set<std::string> labels;   // identifier forms, for the set names
  std::set<std::string> origins;  // for the comments
  std::string name;
  std::vector<Interval> v4;
  std::vector<Interval> v6;
};

class Builder {
 public:
  explicit Builder(const Config& c) : c_(c) {
    r_.table = c.table;
    std::string mode = c.mode == Mode::host ? "host mode" : "gateway mode";
    if (c.stateless) mode += ", stateless";
    r_.comment = fit("portclass-nft " + mode + ": return traffic only to ephemeral ranges" +
                     (c.comment.empty() ? "" : "; " + c.comment));
  }

  Result<Ruleset> host();
  Result<Ruleset> gateway();

 private:
  void rule(const std::string& chain, std::vector<Match> m, Verdict v, std::string comment) {
    r_.rules.push_back(Rule{chain, std::move(m), v, fit(std::move(comment))});
  }
  void set(std::string name, KeyType key, std::vector<Interval> elements, std::string comment) {
    r_.sets.push_back(Set{std::move(name), key, true, std::move(elements), fit(std::move(comment))});
  }
  void service_sets();
  void family_switches(const std::string& chain);
  void icmp_stateful(const std::string& chain);
  void icmp_stateless(const std::string& chain);
  void ping(const std::string& chain, bool gateway);
  void fixed_port_protocols_in(const std::string& chain, bool gateway);
  void outbound_host();
  Result<void> groups();
  Result<void> gateway_sets();
  void gateway_returns(const std::string& chain);
  void gateway_outbound(const std::string& chain);
  void gateway_services(const std::string& chain);
  Result<Ruleset> finish();

  std::vector<std::uint64_t> icmp_protocols() const {
    std::vector<std::uint64_t> p;
    if (c_.ipv4) p.push_back(kProtoIcmp);
    if (c_.ipv6) p.push_back(kProtoIcmpv6);
    return p;
  }

  const Config& c_;
  Ruleset r_;
  std::vector<Group> groups_;
};

void Builder::service_sets() {
  if (!c_.tcp_services.empty())
    set("tcp_services", KeyType::inet_service, port_intervals(c_.tcp_services), "TCP services offered");
  if (!c_.udp_services.empty())
    set("udp_services", KeyType::inet_service, port_intervals(c_.udp_services), "UDP services offered");
  if (c_.outbound == Outbound::restrict) {
    if (!c_.outbound_tcp.empty())
      set("out_tcp", KeyType::inet_service, port_intervals(c_.outbound_tcp), "TCP ports that may be contacted");
    if (!c_.outbound_udp.empty())
      set("out_udp", KeyType::inet_service, port_intervals(c_.outbound_udp), "UDP ports that may be contacted");
  }
}

void Builder::family_switches(const std::string& chain) {
  if (!c_.ipv4) rule(chain, {eq(Field::meta_nfproto, 2)}, Verdict::drop, "IPv4 is disabled in the config");
  if (!c_.ipv6) rule(chain, {eq(Field::meta_nfproto, 10)}, Verdict::drop, "IPv6 is disabled in the config");
}

void Builder::icmp_stateful(const std::string& chain) {
  const auto protos = icmp_protocols();
  if (protos.empty()) return;
  rule(chain, {ct_state(kCtEstablished), ct_reply(), any_of(Field::meta_l4proto, protos)}, Verdict::accept,
       c_.mode == Mode::host ? "echo replies to pings this host sent"
                             : "echo replies to pings the protected hosts sent");
  rule(chain, {ct_state(kCtRelated), any_of(Field::meta_l4proto, protos)}, Verdict::accept,
       "ICMP errors about known connections (path MTU, unreachable): related stops at ICMP");
}

void Builder::icmp_stateless(const std::string& chain) {
  if (c_.ipv4)
    rule(chain, {any_of(Field::icmp_type, {0, 3, 11, 12})}, Verdict::accept,
         "stateless: ICMP errors (path MTU needs type 3) and echo replies, unverified");
  if (c_.ipv6)
    rule(chain, {any_of(Field::icmpv6_type, {1, 2, 3, 4, 129})}, Verdict::accept,
         "stateless: ICMPv6 errors (packet too big) and echo replies, unverified");
}

void Builder::ping(const std::string& chain, bool gateway) {
  if (!c_.ping) return;
  if (c_.ipv4) {
    std::vector<Match> m;
    if (gateway) m.push_back(in_set(Field::ip_daddr, "protected_v4"));
    m.push_back(eq(Field::icmp_type, 8));
    if (!gateway || r_.find_set("protected_v4")) rule(chain, m, Verdict::accept, "answer ping");
  }
  if (c_.ipv6) {
    std::vector<Match> m;
    if (gateway) m.push_back(in_set(Field::ip6_daddr, "protected_v6"));
    m.push_back(eq(Field::icmpv6_type, 128));
    if (!gateway || r_.find_set("protected_v6")) rule(chain, m, Verdict::accept, "answer ping");
  }
}

void Builder::fixed_port_protocols_in(const std::string& chain, bool gateway) {
  const Protocols& p = c_.protocols;
  if (p.ntp) {
    if (c_.stateless)
      rule(chain, {eq(Field::udp_sport, 123), eq(Field::udp_dport, 123)}, Verdict::accept,
           "NTP: ntpd queries from port 123 and servers answer to it (stateless, spoofable)");
    else
      rule(chain, {ct_state(kCtEstablished), ct_reply(), eq(Field::udp_dport, 123)}, Verdict::accept,
           "NTP: ntpd queries from port 123, outside the ephemeral range, and servers answer to it");
  }
  if (p.dhcp && !gateway) {
    if (c_.ipv4)
      rule(chain, {eq(Field::udp_sport, 67), eq(Field::udp_dport, 68)}, Verdict::accept,
           "DHCP: offers and acks arrive before this host has an address, no connection matches them");
    if (c_.ipv6)
      rule(chain, {eq_prefix(Field::ip6_saddr, "fe80::/10"), eq(Field::udp_sport, 547), eq(Field::udp_dport, 546)},
           Verdict::accept, "DHCPv6: replies from link-local servers and relays to port 546");
  }
  if (p.mdns && !gateway) {
    if (c_.ipv4)
      rule(chain, {eq_address(Field::ip_daddr, "224.0.0.251"), eq(Field::udp_dport, 5353)}, Verdict::accept,
           "mDNS: queries and answers go to the group address, never part of a connection");
    if (c_.ipv6)
      rule(chain, {eq_address(Field::ip6_daddr, "ff02::fb"), eq(Field::udp_dport, 5353)}, Verdict::accept,
           "mDNS: queries and answers go to the group address, never part of a connection");
  }
  if (p.ike) {
    rule(chain, {any_of(Field::udp_dport, {500, 4500})}, Verdict::accept,
         "IKE (500) and NAT traversal (4500): peers talk port to port, either side starts");
    rule(chain, {eq(Field::meta_l4proto, kProtoEsp)}, Verdict::accept, "IPsec ESP carries no ports");
  }
  if (!p.wireguard.empty())
    rule(chain, {ports_match(Field::udp_dport, p.wireguard)}, Verdict::accept,
         "WireGuard: peers send to the ListenPort " + p.wireguard.to_string() + ", either side starts");
}

void Builder::outbound_host() {
  if (c_.outbound != Outbound::restrict) return;
  const std::string chain = "output";
  r_.chains.push_back(Chain{chain, Hook::output, 0, Verdict::drop, "portclass: what this host may send"});
  rule(chain, {oif_lo()}, Verdict::accept, "loopback: local processes talk to each other");
  family_switches(chain);
  const bool st = c_.stateless;
  auto dir = [&](bool reply) { return reply ? ct_reply() : ct_original(); };
  if (r_.find_set("out_tcp")) {
    std::vector<Match> m;
    if (!st) m.push_back(dir(false));
    m.push_back(in_set(Field::tcp_dport, "out_tcp"));
    rule(chain, m, Verdict::accept, "TCP connections this host may open");
  }
  if (r_.find_set("out_udp")) {
    std::vector<Match> m;
    if (!st) m.push_back(dir(false));
    m.push_back(in_set(Field::udp_dport, "out_udp"));
    rule(chain, m, Verdict::accept, "UDP flows this host may open");
  }
  if (r_.find_set("tcp_services")) {
    std::vector<Match> m;
    if (!st) m.push_back(dir(true));
    m.push_back(in_set(Field::tcp_sport, "tcp_services"));
    rule(chain, m, Verdict::accept, "answers of the TCP services of this host");
  }
  if (r_.find_set("udp_services")) {
    std::vector<Match> m;
    if (!st) m.push_back(dir(true));
    m.push_back(in_set(Field::udp_sport, "udp_services"));
    rule(chain, m, Verdict::accept, "answers of the UDP services of this host");
  }
  const auto protos = icmp_protocols();
  if (!protos.empty())
    rule(chain, {any_of(Field::meta_l4proto, protos)}, Verdict::accept,
         "ICMP out: errors, echo, and IPv6 neighbour discovery");
  const Protocols& p = c_.protocols;
  if (p.ntp) rule(chain, {eq(Field::udp_dport, 123)}, Verdict::accept, "NTP queries");
  if (p.dhcp) {
    if (c_.ipv4) rule(chain, {eq(Field::udp_sport, 68), eq(Field::udp_dport, 67)}, Verdict::accept, "DHCP requests");
    if (c_.ipv6)
      rule(chain, {eq(Field::udp_sport, 546), eq(Field::udp_dport, 547)}, Verdict::accept, "DHCPv6 requests");
  }
  if (p.mdns) {
    if (c_.ipv4)
      rule(chain, {eq_address(Field::ip_daddr, "224.0.0.251"), eq(Field::udp_dport, 5353)}, Verdict::accept,
           "mDNS to the group address");
    if (c_.ipv6)
      rule(chain, {eq_address(Field::ip6_daddr, "ff02::fb"), eq(Field::udp_dport, 5353)}, Verdict::accept,
           "mDNS to the group address");
  }
  if (p.ike) {
    rule(chain, {any_of(Field::udp_dport, {500, 4500})}, Verdict::accept, "IKE and NAT traversal");
    rule(chain, {eq(Field::meta_l4proto, kProtoEsp)}, Verdict::accept, "IPsec ESP");
  }
  if (!p.wireguard.empty())
    rule(chain, {ports_match(Field::udp_sport, p.wireguard)}, Verdict::accept, "WireGuard from its ListenPort");
}

Result<Ruleset> Builder::host() {
  if (!c_.host_range) return make_error("internal: host mode needs this host's range");
  const RangeSpec& range = *c_.host_range;
  if (range.ports.empty()) return make_error("this host's ephemeral range is empty (all ports reserved?)");
  set("ephemeral", KeyType::inet_service, port_intervals(range.ports),
      "ephemeral ports of this host (" + range.origin + ")");
  service_sets();

  const std::string chain = "input";
  r_.chains.push_back(Chain{chain, Hook::input, 0, Verdict::drop, "portclass: what reaches this host"});
  rule(chain, {iif_lo()}, Verdict::accept, "loopback: local processes talk to each other");
  family_switches(chain);
  if (!c_.stateless) {
    rule(chain, {ct_state(kCtInvalid)}, Verdict::drop, "packets conntrack cannot place in any connection");
    rule(chain,
         {ct_state(kCtEstablished), ct_reply(), any_of(Field::meta_l4proto, {kProtoTcp, kProtoUdp}),
          in_set(Field::th_dport, "ephemeral")},
         Verdict::accept, "replies to connections this host opened, only to its ephemeral ports");
    icmp_stateful(chain);
  } else {
    rule(chain, {in_set(Field::tcp_dport, "ephemeral"), tcp_not_syn()}, Verdict::accept,
         "stateless: TCP to ephemeral ports except connection openings (SYN without ACK); spoofable");
    rule(chain, {in_set(Field::udp_dport, "ephemeral")}, Verdict::accept,
         "stateless: any UDP datagram to an ephemeral port; spoofable, see docs");
    icmp_stateless(chain);
  }
  if (c_.ipv6) {
    rule(chain, {any_of(Field::icmpv6_type, {133, 134, 135, 136}), eq(Field::ip6_hoplimit, 255)}, Verdict::accept,
         "IPv6 neighbour discovery; hop limit 255 proves it is on-link (RFC 4861)");
    rule(chain, {eq_prefix(Field::ip6_saddr, "fe80::/10"), any_of(Field::icmpv6_type, {130, 131, 132, 143})},
         Verdict::accept, "multicast listener discovery from link-local addresses (RFC 3810)");
  }
  ping(chain, false);
  if (r_.find_set("tcp_services")) {
    std::vector<Match> m;
    if (!c_.stateless) m.push_back(ct_original());
    m.push_back(in_set(Field::tcp_dport, "tcp_services"));
    rule(chain, m, Verdict::accept, "TCP services this host offers: " + c_.tcp_services.to_string());
  }
  if (r_.find_set("udp_services")) {
    std::vector<Match> m;
    if (!c_.stateless) m.push_back(ct_original());
    m.push_back(in_set(Field::udp_dport, "udp_services"));
    rule(chain, m, Verdict::accept, "UDP services this host offers: " + c_.udp_services.to_string());
  }
  fixed_port_protocols_in(chain, false);
  outbound_host();
  return finish();
}

std::string range_label(const PortSet& ports) {
  std::string out = "range";
  for (const PortRange& r : ports.ranges()) {
    out += "_" + std::to_string(r.first);
    if (r.last != r.first) out += "_" + std::to_string(r.last);
  }
  return out;
}

Result<void> Builder::groups() {
  // Subnets share RangeSpec objects: work per distinct object, then per subnet
  // only look the group up by pointer.
  std::map<const RangeSpec*, std::size_t> group_of_spec;
  std::map<std::vector<PortRange>, std::size_t> index;
  std::vector<const RangeSpec*> specs;
  for (const Subnet& s : c_.subnets) {
    const RangeSpec* spec = s.shared_range().get();
    if (group_of_spec.count(spec)) continue;
    if (spec->ports.empty()) return make_error("subnet " + s.prefix.to_string() + " has an empty range");
    group_of_spec[spec] = 0;
    specs.push_back(spec);
    index.try_emplace(spec->ports.ranges(), 0);
  }
  // Order groups by their ranges so the output does not depend on input order.
  std::vector<Group> sorted;
  for (auto& [ranges, i] : index) {
    i = sorted.size();
    sorted.push_back(Group{PortSet(ranges), {}, {}, {}, {}, {}});
  }
  groups_ = std::move(sorted);
  for (const RangeSpec* spec : specs) {
    const std::size_t g = index[spec->ports.ranges()];
    group_of_spec[spec] = g;
    std::string label = spec->label.empty() ? range_label(spec->ports) : identifier_from(spec->label);
    if (label.empty()) label = range_label(spec->ports);
    groups_[g].labels.insert(label);
    groups_[g].origins.insert(spec->label.empty() ? spec->ports.to_string() : spec->label);
  }
  std::vector<std::pair<IpPrefix, std::size_t>> v4, v6;
  v4.reserve(c_.subnets.size());
  for (const Subnet& s : c_.subnets) {
    const std::size_t g = group_of_spec[s.shared_range().get()];
    if (s.prefix.network().is_v4()) {
      if (c_.ipv4) v4.emplace_back(s.prefix, g);
    } else if (c_.ipv6) {
      v6.emplace_back(s.prefix, g);
    }
  }
  auto a4 = most_specific(v4);
  if (!a4) return a4.error();
  auto a6 = most_specific(v6);
  if (!a6) return a6.error();
  for (const OwnedInterval& o : a4.value()) groups_[o.owner].v4.push_back(o.interval);
  for (const OwnedInterval& o : a6.value()) groups_[o.owner].v6.push_back(o.interval);

  std::set<std::string> used = {"protected", "tcp", "udp", "out", "ephemeral"};
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    std::string name;
    for (const std::string& l : groups_[i].labels) name += (name.empty() ? "" : "_") + l;
    if (name.size() > 24 || !is_identifier(name) || used.count(name)) name = "group" + std::to_string(i + 1);
    used.insert(name);
    groups_[i].name = name;
  }
  return {};
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The sets of gateway mode: per range group its ports and its subnets, all
// protected subnets, the service ports.
Result<void> Builder::gateway_sets() {
  std::vector<Interval> all4, all6;
  for (const Group& g : groups_) {
    const std::string why = "ephemeral ports of " + join(g.origins) + ": " + g.ports.to_string();
    if (g.v4.empty() && g.v6.empty()) continue;
    set(g.name + "_ports", KeyType::inet_service, port_intervals(g.ports), why);
    if (!g.v4.empty()) set(g.name + "_v4", KeyType::ipv4_addr, g.v4, "IPv4 hosts using " + join(g.origins));
    if (!g.v6.empty()) set(g.name + "_v6", KeyType::ipv6_addr, g.v6, "IPv6 hosts using " + join(g.origins));
    all4.insert(all4.end(), g.v4.begin(), g.v4.end());
    all6.insert(all6.end(), g.v6.begin(), g.v6.end());
  }
  if (all4.empty() && all6.empty()) return make_error("no subnet is left once IPv4/IPv6 are switched off");
  if (!all4.empty()) set("protected_v4", KeyType::ipv4_addr, merge_intervals(all4), "all protected IPv4 subnets");
  if (!all6.empty()) set("protected_v6", KeyType::ipv6_addr, merge_intervals(all6), "all protected IPv6 subnets");
  service_sets();
  return {};
}

// Replies to connections the hosts of each group opened, only to the group's
// ephemeral ports.
void Builder::gateway_returns(const std::string& chain) {
  const bool st = c_.stateless;
  for (const Group& g : groups_) {
    const std::string why =
        "replies to connections hosts of " + join(g.origins) + " opened, only to " + g.ports.to_string();
    for (const auto& [field, suffix] : {std::pair{Field::ip_daddr, "_v4"}, std::pair{Field::ip6_daddr, "_v6"}}) {
      const std::string addresses = g.name + suffix;
      if (!r_.find_set(addresses)) continue;
      if (!st) {
        rule(chain,
             {in_set(field, addresses), ct_state(kCtEstablished), ct_reply(),
              any_of(Field::meta_l4proto, {kProtoTcp, kProtoUdp}), in_set(Field::th_dport, g.name + "_ports")},
             Verdict::accept, why);
      } else {
        rule(chain, {in_set(field, addresses), in_set(Field::tcp_dport, g.name + "_ports"), tcp_not_syn()},
             Verdict::accept, "stateless: TCP except openings to " + join(g.origins) + " ephemeral ports; spoofable");
        rule(chain, {in_set(field, addresses), in_set(Field::udp_dport, g.name + "_ports")}, Verdict::accept,
             "stateless: any UDP to " + join(g.origins) + " ephemeral ports; spoofable");
      }
    }
  }
}

// Connections the protected hosts open: all of them, or only to the
// outbound ports when the policy restricts.
void Builder::gateway_outbound(const std::string& chain) {
  const bool st = c_.stateless;
  for (const auto& [field, set_name] :
       {std::pair{Field::ip_saddr, "protected_v4"}, std::pair{Field::ip6_saddr, "protected_v6"}}) {
    if (!r_.find_set(set_name)) continue;
    if (c_.outbound == Outbound::accept) {
      std::vector<Match> m;
      if (!st) m.push_back(ct_original());
      m.push_back(in_set(field, set_name));
      rule(chain, m, Verdict::accept, "connections the protected hosts open");
    } else {
      for (const auto& [port_field, out_set] :
           {std::pair{Field::tcp_dport, "out_tcp"}, std::pair{Field::udp_dport, "out_udp"}}) {
        if (!r_.find_set(out_set)) continue;
        std::vector<Match> m;
        if (!st) m.push_back(ct_original());
        m.push_back(in_set(field, set_name));
        m.push_back(in_set(port_field, out_set));
        rule(chain, m, Verdict::accept, "connections the protected hosts may open");
      }
    }
  }
}

// The services the protected hosts offer, and their answers.
void Builder::gateway_services(const std::string& chain) {
  const bool st = c_.stateless;
  for (const auto& [dst, src, set_name] : {std::tuple{Field::ip_daddr, Field::ip_saddr, "protected_v4"},
                                           std::tuple{Field::ip6_daddr, Field::ip6_saddr, "protected_v6"}}) {
    if (!r_.find_set(set_name)) continue;
    for (const auto& [dport, sport, services] : {std::tuple{Field::tcp_dport, Field::tcp_sport, "tcp_services"},
                                                 std::tuple{Field::udp_dport, Field::udp_sport, "udp_services"}}) {
      if (!r_.find_set(services)) continue;
      std::vector<Match> in, out;
      if (!st) in.push_back(ct_original());
      in.push_back(in_set(dst, set_name));
      in.push_back(in_set(dport, services));
      rule(chain, in, Verdict::accept, "services the protected hosts offer");
      if (!st) {
        out = {ct_state(kCtEstablished), ct_reply(), in_set(src, set_name), in_set(sport, services)};
        rule(chain, out, Verdict::accept, "answers of the services of the protected hosts");
      } else if (c_.outbound == Outbound::restrict) {
        out = {in_set(src, set_name), in_set(sport, services)};
        rule(chain, out, Verdict::accept, "stateless: answers of the services of the protected hosts");
      }
    }
  }
}

Result<Ruleset> Builder::gateway() {
  if (c_.subnets.empty()) return make_error("gateway mode needs at least one subnet (--subnet or [subnets])");
  if (auto g = groups(); !g) return g.error();
  if (auto s = gateway_sets(); !s) return s.error();

  const std::string chain = "forward";
  r_.chains.push_back(
      Chain{chain, Hook::forward, 0, Verdict::drop, "portclass: traffic routed to and from the protected subnets"});
  family_switches(chain);
  if (!c_.stateless)
    rule(chain, {ct_state(kCtInvalid)}, Verdict::drop, "packets conntrack cannot place in any connection");
  gateway_returns(chain);
  if (!c_.stateless)
    icmp_stateful(chain);
  else
    icmp_stateless(chain);
  gateway_outbound(chain);
  gateway_services(chain);
  ping(chain, true);
  fixed_port_protocols_in(chain, true);
  return finish();
}

Result<Ruleset> Builder::finish() {
  if (auto v = validate(r_); !v) return v.error();
  return std::move(r_);
}

}  // namespace

Result<Ruleset> build_ruleset(const Config& config) {
  Builder b(config);
  return config.mode == Mode::host ? b.host() : b.gateway();
}

}  // namespace portclass::nft
