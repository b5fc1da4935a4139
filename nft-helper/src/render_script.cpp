// SPDX-License-Identifier: GPL-2.0-or-later
#include <sstream>

#include "portclass/nft/fields.hpp"
#include "portclass/nft/render.hpp"

namespace portclass::nft {
namespace {

std::string values_text(ValueKind kind, const std::vector<Interval>& values) {
  std::string out = "{ ";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + format_value(kind, values[i]);
  return out + " }";
}

std::string match_text(const Match& m) {
  const FieldInfo& f = info(m.field);
  std::string left = f.text;
  switch (m.op) {
    case Op::eq:
      if (!m.ifname.empty()) return left + " \"" + m.ifname + "\"";
      return left + " " + format_value(f.kind, m.values.front());
    case Op::neq:
      if (!m.ifname.empty()) return left + " != \"" + m.ifname + "\"";
      return left + " != " + format_value(f.kind, m.values.front());
    case Op::in_set:
      if (!m.set.empty()) return left + " @" + m.set;
      return left + " " + values_text(f.kind, m.values);
    case Op::any_bits: return left + " " + format_bits(f.kind, m.bits);
    case Op::masked_neq: {
      std::string mask = format_bits(f.kind, m.bits);
      if (mask.find(' ') != std::string::npos) mask = "(" + mask + ")";
      return left + " & " + mask +
             " != " + format_bits(f.kind, static_cast<std::uint32_t>(be_value(m.values.front().low)));
    }
  }
  return left;
}

const char* verdict_text(Verdict v) { return v == Verdict::accept ? "accept" : "drop"; }

void write_elements(std::ostringstream& out, const Set& s) {
  if (s.elements.empty()) return;
  const ValueKind kind = set_value_kind(s.key);
  out << "\t\telements = { ";
  // Long sets are wrapped the way nft lists them, a few per line.
  const std::size_t per_line = s.key == KeyType::ipv6_addr ? 2 : 4;
  for (std::size_t i = 0; i < s.elements.size(); ++i) {
    if (i) out << (i % per_line == 0 ? ",\n\t\t\t     " : ", ");
    out << format_value(kind, s.elements[i]);
  }
  out << " }\n";
}

}  // namespace

std::string render_rule(const Rule& rule) {
  std::string text;
  for (const Match& m : rule.matches) text += match_text(m) + " ";
  text += verdict_text(rule.verdict);
  if (!rule.comment.empty()) text += " comment \"" + rule.comment + "\"";
  return text;
}

std::string render_script(const Ruleset& r, const std::string& header_comment) {
  std::ostringstream out;
  out << "#!/usr/sbin/nft -f\n";
  if (!header_comment.empty()) out << "# " << header_comment << "\n";
  out << "# Replaces table inet " << r.table << " atomically and touches no other table.\n";
  out << "table inet " << r.table << "\n";
  out << "delete table inet " << r.table << "\n";
  out << "table inet " << r.table << " {\n";
  if (!r.comment.empty()) out << "\tcomment \"" << r.comment << "\"\n";
  bool first = true;
  for (const Set& s : r.sets) {
    if (!first) out << "\n";
    first = false;
    out << "\tset " << s.name << " {\n";
    out << "\t\ttype " << key_type_name(s.key) << "\n";
    if (s.interval) out << "\t\tflags interval\n";
    if (!s.comment.empty()) out << "\t\tcomment \"" << s.comment << "\"\n";
    write_elements(out, s);
    out << "\t}\n";
  }
  for (const Chain& c : r.chains) {
    if (!first) out << "\n";
    first = false;
    out << "\tchain " << c.name << " {\n";
    if (!c.comment.empty()) out << "\t\tcomment \"" << c.comment << "\"\n";
    out << "\t\ttype filter hook " << to_string(c.hook) << " priority ";
    if (c.priority == 0)
      out << "filter";
    else
      out << c.priority;
    out << "; policy " << verdict_text(c.policy) << ";\n";
    for (const Rule& rule : r.rules)
      if (rule.chain == c.name) out << "\t\t" << render_rule(rule) << "\n";
    out << "\t}\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace portclass::nft
