// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/fields.hpp"
#include "portclass/nft/render.hpp"

namespace portclass::nft {
namespace {

using json = nlohmann::ordered_json;

// A single value: numbers as JSON numbers, named values and addresses as strings.
json scalar(ValueKind kind, const Bytes& b) {
  if (kind == ValueKind::ipv4 || kind == ValueKind::ipv6) return format_value(kind, Interval{b, b});
  const std::uint64_t v = be_value(b);
  if (auto name = symbol_of(kind, v)) return *name;
  return v;
}

json value(ValueKind kind, const Interval& i) {
  if (i.single()) return scalar(kind, i.low);
  if (kind == ValueKind::ipv4 || kind == ValueKind::ipv6) {
    const int len = prefix_length_of(i);
    if (len >= 0) return json{{"prefix", json{{"addr", format_value(kind, Interval{i.low, i.low})}, {"len", len}}}};
  }
  return json{{"range", json::array({scalar(kind, i.low), scalar(kind, i.high)})}};
}

json left(const FieldInfo& f) {
  switch (f.source) {
    case LoadSource::meta: return json{{"meta", json{{"key", f.json_field}}}};
    case LoadSource::ct: return json{{"ct", json{{"key", f.json_field}}}};
    case LoadSource::payload: break;
  }
  return json{{"payload", json{{"protocol", f.json_protocol}, {"field", f.json_field}}}};
}

json bit_names(ValueKind kind, std::uint32_t bits) {
  json names = json::array();
  for (std::uint32_t bit = 1; bit != 0 && bit <= bits; bit <<= 1)
    if (bits & bit) names.push_back(scalar(kind, be_bytes(bit, 4)));
  return names.size() == 1 ? names.front() : names;
}

json match(const Match& m) {
  const FieldInfo& f = info(m.field);
  json l = left(f);
  json right;
  std::string op = "==";
  switch (m.op) {
    case Op::eq:
    case Op::neq:
      op = m.op == Op::eq ? "==" : "!=";
      right = m.ifname.empty() ? value(f.kind, m.values.front()) : json(m.ifname);
      break;
    case Op::in_set:
      if (!m.set.empty()) {
        right = "@" + m.set;
      } else {
        json items = json::array();
        for (const Interval& i : m.values) items.push_back(value(f.kind, i));
        right = json{{"set", items}};
      }
      break;
    case Op::any_bits:
      op = "in";
      right = bit_names(f.kind, m.bits);
      break;
    case Op::masked_neq: {
      op = "!=";
      json mask = bit_names(f.kind, m.bits);
      if (!mask.is_array()) mask = json::array({mask});
      l = json{{"&", json::array({l, mask})}};
      right = bit_names(f.kind, static_cast<std::uint32_t>(be_value(m.values.front().low)));
      break;
    }
  }
  return json{{"match", json{{"op", op}, {"left", l}, {"right", right}}}};
}

json table_ref(const Ruleset& r) { return json{{"family", "inet"}, {"name", r.table}}; }

}  // namespace

json render_json(const Ruleset& r) {
  json cmds = json::array();
  cmds.push_back(json{{"metainfo", json{{"json_schema_version", 1}}}});
  // Create-if-missing, delete, create: one atomic replace inside nft -j -f.
  cmds.push_back(json{{"add", json{{"table", table_ref(r)}}}});
  cmds.push_back(json{{"delete", json{{"table", table_ref(r)}}}});
  cmds.push_back(json{{"add", json{{"table", table_ref(r)}}}});
  for (const Set& s : r.sets) {
    json set{{"family", "inet"}, {"table", r.table}, {"name", s.name}, {"type", key_type_name(s.key)}};
    if (s.interval) set["flags"] = json::array({"interval"});
    if (!s.elements.empty()) {
      json elem = json::array();
      for (const Interval& i : s.elements) elem.push_back(value(set_value_kind(s.key), i));
      set["elem"] = elem;
    }
    cmds.push_back(json{{"add", json{{"set", set}}}});
  }
  for (const Chain& c : r.chains)
    cmds.push_back(json{{"add", json{{"chain", json{{"family", "inet"},
                                                    {"table", r.table},
                                                    {"name", c.name},
                                                    {"type", "filter"},
                                                    {"hook", to_string(c.hook)},
                                                    {"prio", c.priority},
                                                    {"policy", c.policy == Verdict::accept ? "accept" : "drop"}}}}}});
  for (const Rule& rule : r.rules) {
    json expr = json::array();
    for (const Match& m : rule.matches) expr.push_back(match(m));
    expr.push_back(json{{rule.verdict == Verdict::accept ? "accept" : "drop", nullptr}});
    json j{{"family", "inet"}, {"table", r.table}, {"chain", rule.chain}, {"expr", expr}};
    if (!rule.comment.empty()) j["comment"] = rule.comment;
    cmds.push_back(json{{"add", json{{"rule", j}}}});
  }
  return json{{"nftables", cmds}};
}

}  // namespace portclass::nft
