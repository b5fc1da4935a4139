// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/audit.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <map>
#include <set>
#include <sstream>

#include "rule_facts.hpp"

namespace portclass::nft {
namespace {

constexpr std::uint32_t kStateUntracked = 0x40;
// Replies to a few fixed ports outside the range (NTP 123, IKE 500 ...) are
// deliberate allowances, not a widened return range.
constexpr std::uint32_t kFixedPortAllowance = 16;

const char* family_name(std::uint32_t f) {
  switch (f) {
    case NFPROTO_INET: return "inet";
    case NFPROTO_IPV4: return "ip";
    case NFPROTO_IPV6: return "ip6";
    case NFPROTO_ARP: return "arp";
    case NFPROTO_BRIDGE: return "bridge";
    case NFPROTO_NETDEV: return "netdev";
    default: return "?";
  }
}

struct Context {
  const KernelChain* base;  // the base chain whose hook this rule runs on
  bool input;               // input hook (host checks apply)
};

struct Analysed {
  const KernelRule* rule;
  RuleFacts facts;
  Context context;
};

std::string where(const KernelRule& r) {
  return std::string(family_name(r.family)) + " " + r.table + " " + r.chain + ", rule handle " +
         std::to_string(r.handle) + (r.comment.empty() ? "" : " (\"" + r.comment + "\")");
}

bool matches_established(const RuleFacts& f) { return f.ct_states && (*f.ct_states & kCtEstablished); }
bool matches_related(const RuleFacts& f) { return f.ct_states && (*f.ct_states & kCtRelated); }
bool covers_tcp_or_udp(const RuleFacts& f) { return f.covers_l4(IPPROTO_TCP) || f.covers_l4(IPPROTO_UDP); }

// A rule that lets replies in: stateful (established, not the original
// direction) or stateless (no conntrack condition but destination ports).
bool is_return_rule(const RuleFacts& f) {
  if (f.action != RuleAction::accept || f.loopback || f.address_condition) return false;
  if (f.ct_direction && *f.ct_direction == 0) return false;
  if (f.ct_states) return matches_established(f);
  return f.dports.has_value() && !f.ct_direction;
}

class Auditor {
 public:
  Auditor(const KernelRuleset& rs, const HostFacts& host) : rs_(rs), host_(host), eph_(host.range.ephemeral()) {
    report_.host = host;
  }

  AuditReport run() {
    for (const KernelChain& c : rs_.chains) {
      if (!c.base || c.type != "filter") continue;
      if (c.family != NFPROTO_INET && c.family != NFPROTO_IPV4 && c.family != NFPROTO_IPV6) continue;
      if (c.hook != NF_INET_LOCAL_IN && c.hook != NF_INET_FORWARD) continue;
      ++report_.chains_checked;
      std::vector<Analysed> rules;
      std::set<std::string> visited;
      collect(c, c.name, Context{&c, c.hook == NF_INET_LOCAL_IN}, rules, visited);
      for (const Analysed& a : rules) too_open(a);
      if (c.hook == NF_INET_LOCAL_IN) will_break(c, rules);
    }
    listeners();
    return std::move(report_);
  }

 private:
  void collect(const KernelChain& base, const std::string& chain, const Context& ctx, std::vector<Analysed>& out,
               std::set<std::string>& visited) {
    if (!visited.insert(chain).second) return;
    for (const KernelRule& r : rs_.rules) {
      if (r.family != base.family || r.table != base.table || r.chain != chain) continue;
      ++report_.rules_checked;
      RuleFacts f = interpret(r, rs_);
      out.push_back(Analysed{&r, f, ctx});
      if ((f.action == RuleAction::jump || f.action == RuleAction::go_to) && !f.target.empty())
        collect(base, f.target, ctx, out, visited);
    }
  }

  void add(Severity s, std::string code, std::string place, std::string rule, std::string message) {
    report_.findings.push_back(Finding{s, std::move(code), std::move(place), std::move(rule), std::move(message)});
  }

  void too_open(const Analysed& a) {
    const RuleFacts& f = a.facts;
    if (f.action != RuleAction::accept || f.loopback) return;
    const std::string place = where(*a.rule);
    const std::string text = describe(f);
    const bool ports = f.dports || f.sports;
    const bool related_only = f.ct_states && (*f.ct_states & (kCtEstablished | kCtRelated)) == kCtRelated;
    if ((matches_established(f) || matches_related(f)) && covers_tcp_or_udp(f) && !related_only) {
      if (!ports && !f.ct_direction)
        add(Severity::too_open, "blanket-established", place, text,
            "accepts established/related packets on any port in either direction: accept replies only "
            "(ct direction reply) to the ephemeral range");
      else if (!ports && f.ct_direction && *f.ct_direction == 1)
        add(Severity::too_open, "return-any-port", place, text,
            "accepts replies on any port: restrict them to the ephemeral range (th dport)");
      else if (ports && !f.ct_direction && matches_established(f))
        add(Severity::too_open, "return-any-direction", place, text,
            "accepts established packets to these ports in both directions: add ct direction reply");
    }
    if (matches_related(f) && (!f.l4protos || std::any_of(f.l4protos->begin(), f.l4protos->end(), [](std::uint8_t p) {
          return p != IPPROTO_ICMP && p != IPPROTO_ICMPV6;
        })))
      add(Severity::too_open, "related-beyond-icmp", place, text,
          "accepts related packets of other protocols than ICMP: conntrack helpers (FTP, SIP ...) can then open "
          "ports; limit related to ICMP/ICMPv6 and assign helpers explicitly");
    // Without conntrack a service rule and a return rule look the same; only
    // the TCP idiom (not a SYN) says "return traffic".
    const bool stateful_or_tcp_idiom = f.ct_states.has_value() || f.tcp_flags_condition;
    if (a.context.input && is_return_rule(f) && stateful_or_tcp_idiom && f.dports && covers_tcp_or_udp(f)) {
      const PortSet inside = f.dports->intersection(eph_);
      const PortSet outside = f.dports->difference(eph_);
      if (!inside.empty() && !outside.empty())
        add(Severity::too_open, "return-range-too-wide", place, text,
            "accepts return traffic to " + std::to_string(outside.size()) +
                " ports outside this host's ephemeral range " + eph_.to_string() + ": " + outside.to_string());
      else if (inside.empty() && outside.size() > kFixedPortAllowance)
        add(Severity::too_open, "return-range-too-wide", place, text,
            "accepts return traffic to " + outside.to_string() + ", none of it in this host's ephemeral range " +
                eph_.to_string());
    }
  }

  void will_break(const KernelChain& c, const std::vector<Analysed>& rules) {
    bool drops = c.policy == NF_DROP;
    for (const Analysed& a : rules)
      if (a.facts.action == RuleAction::drop && a.facts.unconditional()) drops = true;
    if (!drops) return;
    const std::string place = std::string(family_name(c.family)) + " " + c.table + " " + c.name;

    for (const auto& [proto, name] : {std::pair<std::uint8_t, const char*>{IPPROTO_TCP, "tcp"}, {IPPROTO_UDP, "udp"}}) {
      PortSet covered;
      bool any = false;
      for (const Analysed& a : rules) {
        if (!is_return_rule(a.facts) || !a.facts.covers_l4(proto)) continue;
        any = true;
        covered = covered.union_with(a.facts.dports ? *a.facts.dports : PortSet::all());
      }
      const PortSet missing = eph_.difference(covered);
      if (!any)
        add(Severity::will_break, "return-range-too-narrow", place, "",
            std::string("no rule accepts ") + name + " return traffic: connections this host opens will fail");
      else if (!missing.empty())
        add(Severity::will_break, "return-range-too-narrow", place, "",
            std::string(name) + " replies to " + missing.to_string() + " are dropped, yet ip_local_port_range " +
                host_.range.range.to_string() + " hands those ports out: connections from them will hang");
    }

    if (c.family == NFPROTO_IPV4) return;
    // IPv6 switched off on purpose (`meta nfproto ipv6 drop`): nothing to break.
    for (const Analysed& a : rules) {
      const RuleFacts& f = a.facts;
      RuleFacts only_family = f;
      only_family.nfproto.reset();
      if (f.action == RuleAction::drop && f.nfproto == NFPROTO_IPV6 && only_family.unconditional()) return;
    }
    bool nd = false;
    for (const Analysed& a : rules) {
      const RuleFacts& f = a.facts;
      if (f.action != RuleAction::accept || f.loopback || f.dports || f.sports || f.other_condition) continue;
      if (f.ct_states && !(*f.ct_states & kStateUntracked)) continue;  // ND is never tracked
      if (f.nfproto && *f.nfproto != NFPROTO_IPV6) continue;
      if (!f.covers_l4(IPPROTO_ICMPV6)) continue;
      if (f.icmp_types && !(f.icmp_types->count(135) && f.icmp_types->count(136))) continue;
      nd = true;
    }
    if (!nd)
      add(Severity::will_break, "missing-neighbour-discovery", place, "",
          "no rule accepts ICMPv6 neighbour solicitations and advertisements (types 135, 136): IPv6 stops working "
          "once neighbour entries expire");
  }

  // One finding per transport and port: a service on IPv4 and IPv6 is one
  // service, but the same port on TCP and UDP is two.
  void listeners() {
    std::set<std::pair<Transport, Port>> reported;
    for (const ListeningSocket& s : host_.listening) {
      if (!eph_.contains(s.port) || !reported.insert({s.transport, s.port}).second) continue;
      const std::string name(to_string(s.transport));
      add(Severity::will_break, "service-in-ephemeral", "host", name + " port " + std::to_string(s.port),
          std::string(s.transport == Transport::tcp ? "a TCP" : "a UDP") + " service listens on " +
              std::to_string(s.port) + ", inside the ephemeral range " + eph_.to_string() +
              ": outgoing connections can take the port while it restarts, and return-traffic rules cover it; "
              "add it to net.ipv4.ip_local_reserved_ports or move it");
    }
  }

  const KernelRuleset& rs_;
  const HostFacts& host_;
  PortSet eph_;
  AuditReport report_;
};

const char* severity_name(Severity s) { return s == Severity::too_open ? "too-open" : "will-break"; }

}  // namespace

AuditReport audit(const KernelRuleset& ruleset, const HostFacts& host) { return Auditor(ruleset, host).run(); }

std::string to_text(const AuditReport& r) {
  std::ostringstream out;
  out << "host: ip_local_port_range " << r.host.range.range.to_string();
  if (!r.host.range.reserved.empty()) out << ", reserved " << r.host.range.reserved.to_string();
  out << ", ephemeral " << r.host.range.ephemeral().to_string() << "\n";
  out << "checked " << r.chains_checked << " base chain(s), " << r.rules_checked << " rule(s)\n";
  if (r.findings.empty()) {
    out << "no findings\n";
    return out.str();
  }
  for (const Finding& f : r.findings) {
    out << severity_name(f.severity) << " [" << f.code << "] " << f.where;
    if (!f.rule.empty()) out << ": " << f.rule;
    out << "\n    " << f.message << "\n";
  }
  std::size_t open = 0;
  for (const Finding& f : r.findings) open += f.severity == Severity::too_open;
  out << r.findings.size() << " finding(s): " << open << " too open, " << r.findings.size() - open << " will break\n";
  return out.str();
}

nlohmann::ordered_json to_json(const AuditReport& r) {
  using json = nlohmann::ordered_json;
  json findings = json::array();
  for (const Finding& f : r.findings)
    findings.push_back(json{{"severity", severity_name(f.severity)},
                            {"code", f.code},
                            {"where", f.where},
                            {"rule", f.rule},
                            {"message", f.message}});
  json listening = json::array();
  for (const ListeningSocket& s : r.host.listening)
    listening.push_back(
        json{{"transport", std::string(to_string(s.transport))}, {"port", s.port}, {"address", s.address}});
  return json{{"host", json{{"ip_local_port_range", r.host.range.range.to_string()},
                            {"ip_local_reserved_ports", r.host.range.reserved.to_string()},
                            {"ephemeral", r.host.range.ephemeral().to_string()},
                            {"listening", listening}}},
              {"chains_checked", r.chains_checked},
              {"rules_checked", r.rules_checked},
              {"findings", findings}};
}

}  // namespace portclass::nft
