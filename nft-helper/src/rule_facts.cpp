// SPDX-License-Identifier: GPL-2.0-or-later
#include "rule_facts.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>
#include <map>

#include "portclass/nft/fields.hpp"

namespace portclass::nft {
namespace {

enum class Held : std::uint8_t { none, meta, ct, payload };

struct Register {
  Held held = Held::none;
  std::uint32_t key = 0;   // meta / ct key
  std::uint32_t base = 0;  // payload
  std::uint32_t offset = 0;
  std::uint32_t len = 0;
  bool masked = false;
  std::uint32_t mask32 = 0;  // host-order mask of a 4-byte register (ct state)
};

template <class B>
std::uint32_t host_u32(const B& b) {
  std::uint32_t v = 0;
  std::memcpy(&v, b.data(), std::min<std::size_t>(b.size(), 4));
  return v;
}

std::uint64_t be_value(const RawBytes& b) { return portclass::nft::be_value(Bytes(b.begin(), b.end())); }

PortSet port_compare(std::uint32_t op, Port v) {
  switch (op) {
    case NFT_CMP_EQ: return PortSet{{v, v}};
    case NFT_CMP_NEQ: return PortSet{{v, v}}.complement();
    case NFT_CMP_LT: return v == 0 ? PortSet{} : PortSet{{0, static_cast<Port>(v - 1)}};
    case NFT_CMP_LTE: return PortSet{{0, v}};
    case NFT_CMP_GT: return v == 65535 ? PortSet{} : PortSet{{static_cast<Port>(v + 1), 65535}};
    case NFT_CMP_GTE: return PortSet{{v, 65535}};
    default: return PortSet::all();
  }
}

void narrow(std::optional<PortSet>& slot, const PortSet& ports) { slot = slot ? slot->intersection(ports) : ports; }

void narrow_bytes(std::optional<std::set<std::uint8_t>>& slot, const std::set<std::uint8_t>& values) {
  if (!slot) {
    slot = values;
    return;
  }
  std::set<std::uint8_t> both;
  for (std::uint8_t v : values)
    if (slot->count(v)) both.insert(v);
  slot = both;
}

bool is_statement(const KernelExpr& e) {
  static const std::set<std::string> statements = {"counter", "log", "notrack", "objref", "quota", "dynset", "last"};
  if (statements.count(e.name)) return true;
  // meta/ct with a source register set something instead of loading it.
  return (e.name == "meta" || e.name == "ct") && e.sreg != 0 && e.dreg == 0;
}

class Interpreter {
 public:
  Interpreter(const KernelRule& rule, const KernelRuleset& ruleset) : rule_(rule), rs_(ruleset) {}

  RuleFacts run() {
    for (const KernelExpr& e : rule_.exprs) step(e);
    return f_;
  }

 private:
  // Which packet field a payload register holds, given the family context.
  enum class PField { l4proto, address, hoplimit, sport, dport, ports, icmp_type, icmp_type_code, tcp_flags, other };

  PField payload_field(const Register& r) const {
    const std::uint32_t family = f_.nfproto ? *f_.nfproto : (rule_.family == NFPROTO_INET ? 0 : rule_.family);
    if (r.base == NFT_PAYLOAD_NETWORK_HEADER) {
      if (family == NFPROTO_IPV4) {
        if (r.offset == 9 && r.len == 1) return PField::l4proto;
        if ((r.offset == 12 || r.offset == 16) && r.len == 4) return PField::address;
      } else if (family == NFPROTO_IPV6) {
        if (r.offset == 6 && r.len == 1) return PField::l4proto;
        if (r.offset == 7 && r.len == 1) return PField::hoplimit;
        if ((r.offset == 8 || r.offset == 24) && r.len == 16) return PField::address;
      }
      return PField::other;
    }
    if (r.base != NFT_PAYLOAD_TRANSPORT_HEADER || r.masked) {
      if (r.base == NFT_PAYLOAD_TRANSPORT_HEADER && r.offset == 13 && r.len == 1) return PField::tcp_flags;
      return PField::other;
    }
    const bool icmp = f_.l4protos && !f_.l4protos->empty() &&
                      std::all_of(f_.l4protos->begin(), f_.l4protos->end(),
                                  [](std::uint8_t p) { return p == IPPROTO_ICMP || p == IPPROTO_ICMPV6; });
    if (icmp) {
      if (r.offset == 0 && r.len == 1) return PField::icmp_type;
      if (r.offset == 0 && r.len == 2) return PField::icmp_type_code;
      return PField::other;
    }
    if (r.offset == 0 && r.len == 2) return PField::sport;
    if (r.offset == 2 && r.len == 2) return PField::dport;
    if (r.offset == 0 && r.len == 4) return PField::ports;
    if (r.offset == 13 && r.len == 1) return PField::tcp_flags;
    return PField::other;
  }

  void step(const KernelExpr& e) {
    if (e.name == "meta" && e.dreg) {
      regs_[e.dreg] = Register{Held::meta, e.key, 0, 0, 0, false, 0};
    } else if (e.name == "ct" && e.dreg) {
      regs_[e.dreg] = Register{Held::ct, e.key, 0, 0, 0, false, 0};
    } else if (e.name == "payload" && e.dreg) {
      regs_[e.dreg] = Register{Held::payload, 0, e.base, e.offset, e.len, false, 0};
    } else if (e.name == "bitwise") {
      Register r = regs_[e.sreg];
      r.masked = true;
      r.mask32 = host_u32(e.data);
      regs_[e.dreg] = r;
    } else if (e.name == "cmp") {
      compare(regs_[e.sreg], e.op, e.data);
    } else if (e.name == "range") {
      range(regs_[e.sreg], e.op, e.data, e.data2);
    } else if (e.name == "lookup") {
      lookup(regs_[e.sreg], e);
    } else if (e.name == "immediate" && e.has_verdict) {
      verdict(e.verdict, e.chain);
    } else if (e.name == "reject") {
      f_.action = RuleAction::drop;
    } else if (!is_statement(e)) {
      f_.other_condition = true;
    }
  }

  void verdict(int v, const std::string& chain) {
    switch (v) {
      case NF_ACCEPT: f_.action = RuleAction::accept; break;
      case NF_DROP: f_.action = RuleAction::drop; break;
      case NFT_JUMP:
        f_.action = RuleAction::jump;
        f_.target = chain;
        break;
      case NFT_GOTO:
        f_.action = RuleAction::go_to;
        f_.target = chain;
        break;
      case NFT_RETURN: f_.action = RuleAction::ret; break;
      default: f_.action = RuleAction::other; break;
    }
  }

  void compare(const Register& r, std::uint32_t op, const RawBytes& data) {
    if (data.empty()) return;
    switch (r.held) {
      case Held::none: f_.other_condition = true; return;
      case Held::meta: return compare_meta(r, op, data);
      case Held::ct: return compare_ct(r, op, data);
      case Held::payload: return compare_payload(r, op, data);
    }
  }

  void compare_meta(const Register& r, std::uint32_t op, const RawBytes& data) {
    switch (r.key) {
      case NFT_META_L4PROTO:
        if (op == NFT_CMP_EQ)
          narrow_bytes(f_.l4protos, {data[0]});
        else
          f_.other_condition = true;
        return;
      case NFT_META_NFPROTO:
        if (op == NFT_CMP_EQ)
          f_.nfproto = data[0];
        else
          f_.other_condition = true;
        return;
      case NFT_META_IIF:
      case NFT_META_OIF:
        f_.interface_condition = true;
        if (op == NFT_CMP_EQ && host_u32(data) == 1) f_.loopback = true;
        return;
      case NFT_META_IIFNAME:
      case NFT_META_OIFNAME:
        f_.interface_condition = true;
        if (op == NFT_CMP_EQ && data.size() >= 3 && data[0] == 'l' && data[1] == 'o' && data[2] == 0)
          f_.loopback = true;
        return;
      default: f_.other_condition = true; return;
    }
  }

  void compare_ct(const Register& r, std::uint32_t op, const RawBytes& data) {
    if (r.key == NFT_CT_STATE) {
      const std::uint32_t value = host_u32(data);
      std::uint32_t states = 0;
      if (r.masked && op == NFT_CMP_NEQ && value == 0)
        states = r.mask32;
      else if (op == NFT_CMP_EQ)
        states = value;
      else if (op == NFT_CMP_NEQ)
        states = ~value & (kCtInvalid | kCtEstablished | kCtRelated | kCtNew | 0x40u);
      else {
        f_.other_condition = true;
        return;
      }
      f_.ct_states = f_.ct_states ? (*f_.ct_states & states) : states;
      return;
    }
    if (r.key == NFT_CT_DIRECTION && op == NFT_CMP_EQ) {
      f_.ct_direction = data[0];
      return;
    }
    f_.other_condition = true;
  }

  void compare_payload(const Register& r, std::uint32_t op, const RawBytes& data) {
    switch (payload_field(r)) {
      case PField::l4proto:
        if (op == NFT_CMP_EQ)
          narrow_bytes(f_.l4protos, {data[0]});
        else
          f_.other_condition = true;
        return;
      case PField::address: f_.address_condition = true; return;
      case PField::hoplimit: return;  // the on-link proof of neighbour discovery
      case PField::tcp_flags: f_.tcp_flags_condition = true; return;
      case PField::sport: narrow(f_.sports, port_compare(op, static_cast<Port>(be_value(data)))); return;
      case PField::dport: narrow(f_.dports, port_compare(op, static_cast<Port>(be_value(data)))); return;
      case PField::ports:
        if (op == NFT_CMP_EQ && data.size() == 4) {
          narrow(f_.sports, port_compare(op, static_cast<Port>(data[0] << 8 | data[1])));
          narrow(f_.dports, port_compare(op, static_cast<Port>(data[2] << 8 | data[3])));
        } else {
          f_.other_condition = true;
        }
        return;
      case PField::icmp_type:
        if (op == NFT_CMP_EQ)
          narrow_bytes(f_.icmp_types, {data[0]});
        else
          f_.other_condition = true;
        return;
      case PField::icmp_type_code:
        if (op == NFT_CMP_EQ) narrow_bytes(f_.icmp_types, {data[0]});
        f_.other_condition = true;  // the code narrows it further
        return;
      case PField::other: f_.other_condition = true; return;
    }
  }

  void range(const Register& r, std::uint32_t op, const RawBytes& from, const RawBytes& to) {
    if (r.held == Held::payload && from.size() == 2 && to.size() == 2) {
      const PField field = payload_field(r);
      if (field == PField::dport || field == PField::sport) {
        PortSet ports{{static_cast<Port>(be_value(from)), static_cast<Port>(be_value(to))}};
        if (op == NFT_RANGE_NEQ) ports = ports.complement();
        narrow(field == PField::dport ? f_.dports : f_.sports, ports);
        return;
      }
    }
    if (r.held == Held::payload && payload_field(r) == PField::address) {
      f_.address_condition = true;
      return;
    }
    f_.other_condition = true;
  }

  void lookup(const Register& r, const KernelExpr& e) {
    const KernelSet* set = rs_.find_set(rule_.family, rule_.table, e.set);
    if (!set || e.inverted) {
      f_.other_condition = true;
      return;
    }
    // A verdict map on ct state: the states whose verdict is accept.
    if (e.map && e.dreg == NFT_REG_VERDICT) {
      if (r.held == Held::ct && r.key == NFT_CT_STATE && !set->verdicts.empty()) {
        std::uint32_t accepted = 0;
        for (std::size_t i = 0; i < set->elements.size(); ++i)
          if (set->verdicts[i] == NF_ACCEPT) accepted |= host_u32(set->elements[i].low);
        f_.ct_states = f_.ct_states ? (*f_.ct_states & accepted) : accepted;
        f_.action = RuleAction::accept;
      } else {
        f_.action = RuleAction::other;
      }
      return;
    }
    if (e.map) {  // a data map: the result feeds another expression
      f_.other_condition = true;
      return;
    }
    std::set<std::uint8_t> bytes;
    for (const Interval& i : set->elements)
      if (i.low.size() == 1)
        for (unsigned v = i.low[0]; v <= i.high[0]; ++v) bytes.insert(static_cast<std::uint8_t>(v));
    switch (r.held) {
      case Held::meta:
        if (r.key == NFT_META_L4PROTO && set->key_len == 1)
          narrow_bytes(f_.l4protos, bytes);
        else if (r.key == NFT_META_IIF || r.key == NFT_META_IIFNAME)
          f_.interface_condition = true;
        else
          f_.other_condition = true;
        return;
      case Held::ct:
        if (r.key == NFT_CT_STATE && set->key_len == 4) {
          std::uint32_t states = 0;
          for (const Interval& i : set->elements) states |= host_u32(i.low);
          f_.ct_states = f_.ct_states ? (*f_.ct_states & states) : states;
        } else {
          f_.other_condition = true;
        }
        return;
      case Held::payload: break;
      case Held::none: f_.other_condition = true; return;
    }
    if (set->key_len != r.len) {  // a concatenation or a mismatch: not modelled
      f_.other_condition = true;
      return;
    }
    switch (payload_field(r)) {
      case PField::dport: narrow(f_.dports, ports_of(set->elements)); return;
      case PField::sport: narrow(f_.sports, ports_of(set->elements)); return;
      case PField::l4proto: narrow_bytes(f_.l4protos, bytes); return;
      case PField::icmp_type: narrow_bytes(f_.icmp_types, bytes); return;
      case PField::address: f_.address_condition = true; return;
      default: f_.other_condition = true; return;
    }
  }

  const KernelRule& rule_;
  const KernelRuleset& rs_;
  std::map<std::uint32_t, Register> regs_;
  RuleFacts f_;
};

}  // namespace

bool RuleFacts::unconditional() const {
  return !ct_states && !ct_direction && !l4protos && !nfproto && !dports && !sports && !icmp_types &&
         !address_condition && !interface_condition && !tcp_flags_condition && !other_condition;
}

RuleFacts interpret(const KernelRule& rule, const KernelRuleset& ruleset) { return Interpreter(rule, ruleset).run(); }

std::string describe(const RuleFacts& f) {
  std::string out;
  auto add = [&out](const std::string& s) { out += (out.empty() ? "" : " ") + s; };
  if (f.loopback)
    add("iif lo");
  else if (f.interface_condition)
    add("iif ...");
  if (f.nfproto) add(std::string("meta nfproto ") + (*f.nfproto == NFPROTO_IPV4 ? "ipv4" : "ipv6"));
  if (f.address_condition) add("addr ...");
  if (f.ct_states) add("ct state " + format_bits(ValueKind::ct_state, *f.ct_states));
  if (f.ct_direction) add(std::string("ct direction ") + (*f.ct_direction ? "reply" : "original"));
  if (f.l4protos) {
    std::string p;
    for (std::uint8_t v : *f.l4protos)
      p += (p.empty() ? "" : ", ") + symbol_of(ValueKind::proto, v).value_or(std::to_string(v));
    add(f.l4protos->size() == 1 ? "meta l4proto " + p : "meta l4proto { " + p + " }");
  }
  if (f.icmp_types) add("icmp(v6) type (" + std::to_string(f.icmp_types->size()) + " types)");
  if (f.sports) add("sport " + f.sports->to_string());
  if (f.dports) add("dport " + f.dports->to_string());
  if (f.tcp_flags_condition) add("tcp flags ...");
  if (f.other_condition) add("...");
  switch (f.action) {
    case RuleAction::accept: add("accept"); break;
    case RuleAction::drop: add("drop"); break;
    case RuleAction::jump: add("jump " + f.target); break;
    case RuleAction::go_to: add("goto " + f.target); break;
    case RuleAction::ret: add("return"); break;
    case RuleAction::other: add("(other verdict)"); break;
    case RuleAction::none: add("(no verdict)"); break;
  }
  return out;
}

}  // namespace portclass::nft
