// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/model.hpp"

#include <algorithm>
#include <set>

#include "portclass/nft/fields.hpp"
#include "portclass/nft/names.hpp"

namespace portclass::nft {

std::uint32_t key_length(KeyType t) noexcept {
  switch (t) {
    case KeyType::inet_proto:
    case KeyType::icmp_type:
    case KeyType::icmpv6_type: return 1;
    case KeyType::inet_service: return 2;
    case KeyType::ipv4_addr: return 4;
    case KeyType::ipv6_addr: return 16;
  }
  return 0;
}

// nft's enum datatypes (include/datatype.h): the kernel stores the number and
// nft uses it to print the elements back, so they must be nft's.
std::uint32_t key_type_id(KeyType t) noexcept {
  switch (t) {
    case KeyType::inet_proto: return 12;
    case KeyType::inet_service: return 13;
    case KeyType::ipv4_addr: return 7;
    case KeyType::ipv6_addr: return 8;
    case KeyType::icmp_type: return 14;
    case KeyType::icmpv6_type: return 29;
  }
  return 0;
}

const char* key_type_name(KeyType t) noexcept {
  switch (t) {
    case KeyType::inet_proto: return "inet_proto";
    case KeyType::inet_service: return "inet_service";
    case KeyType::ipv4_addr: return "ipv4_addr";
    case KeyType::ipv6_addr: return "ipv6_addr";
    case KeyType::icmp_type: return "icmp_type";
    case KeyType::icmpv6_type: return "icmpv6_type";
  }
  return "";
}

const char* to_string(Hook h) noexcept {
  switch (h) {
    case Hook::input: return "input";
    case Hook::forward: return "forward";
    case Hook::output: return "output";
  }
  return "";
}

const Set* Ruleset::find_set(const std::string& name) const {
  for (const Set& s : sets)
    if (s.name == name) return &s;
  return nullptr;
}

Bytes be_bytes(std::uint64_t value, std::size_t width) {
  Bytes out(width, 0);
  for (std::size_t i = 0; i < width && i < 8; ++i) out[width - 1 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  return out;
}

std::uint64_t be_value(const Bytes& bytes) {
  std::uint64_t v = 0;
  for (std::uint8_t b : bytes) v = (v << 8) | b;
  return v;
}

Interval port_interval(PortRange r) { return {be_bytes(r.first, 2), be_bytes(r.last, 2)}; }

Interval value_interval(std::uint64_t value, std::size_t width) {
  Bytes b = be_bytes(value, width);
  return {b, b};
}

std::vector<Interval> port_intervals(const PortSet& ports) {
  std::vector<Interval> out;
  for (const PortRange& r : ports.ranges()) out.push_back(port_interval(r));
  return out;
}

PortSet ports_of(const std::vector<Interval>& intervals) {
  PortSet out;
  for (const Interval& i : intervals)
    if (i.low.size() == 2 && i.high.size() == 2)
      out.add(PortRange{static_cast<Port>(be_value(i.low)), static_cast<Port>(be_value(i.high))});
  return out;
}

Interval address_interval(const IpAddress& a) {
  const std::size_t n = a.is_v4() ? 4 : 16;
  Bytes b(a.bytes().begin(), a.bytes().begin() + static_cast<long>(n));
  return {b, b};
}

Interval prefix_interval(const IpPrefix& p) {
  Interval i = address_interval(p.network());
  const unsigned bits = static_cast<unsigned>(i.low.size() * 8);
  for (unsigned bit = p.length(); bit < bits; ++bit) {
    i.low[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    i.high[bit / 8] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
  }
  return i;
}

int prefix_length_of(const Interval& interval) {
  const Bytes& lo = interval.low;
  const Bytes& hi = interval.high;
  if (lo.size() != hi.size()) return -1;
  const int bits = static_cast<int>(lo.size() * 8);
  // The prefix length is the number of leading bits where low and high agree;
  // after it, low must be all zeros and high all ones.
  int len = 0;
  while (len < bits) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (len % 8));
    if ((lo[len / 8] & mask) != (hi[len / 8] & mask)) break;
    ++len;
  }
  for (int bit = len; bit < bits; ++bit) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if ((lo[bit / 8] & mask) != 0 || (hi[bit / 8] & mask) == 0) return -1;
  }
  return len;
}

namespace {

Result<void> fail(const std::string& message) { return make_error(message); }

bool sorted_disjoint(const std::vector<Interval>& v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].high < v[i].low) return false;
    if (i > 0 && !(v[i - 1].high < v[i].low)) return false;
  }
  return true;
}

Result<void> validate_values(const std::string& where, const std::vector<Interval>& values, std::size_t width) {
  for (const Interval& v : values)
    if (v.low.size() != width || v.high.size() != width || v.high < v.low)
      return fail(where + ": a value has the wrong width or a reversed range");
  return {};
}

}  // namespace

Result<void> validate(const Ruleset& r) {
  if (auto n = check_identifier("table", r.table); !n) return n.error();
  if (auto c = check_comment("table comment", r.comment); !c) return c.error();
  std::set<std::string> sets;
  for (const Set& s : r.sets) {
    if (auto n = check_identifier("set", s.name); !n) return n.error();
    if (auto c = check_comment("comment of set " + s.name, s.comment); !c) return c.error();
    if (!sets.insert(s.name).second) return fail("set '" + s.name + "' is defined twice");
    if (auto v = validate_values("set " + s.name, s.elements, key_length(s.key)); !v) return v;
    if (!sorted_disjoint(s.elements)) return fail("set " + s.name + ": elements are not sorted and disjoint");
    if (!s.interval)
      for (const Interval& e : s.elements)
        if (!e.single()) return fail("set " + s.name + ": a range in a set without the interval flag");
  }
  std::set<std::string> chains;
  std::set<Hook> hooks;
  for (const Chain& c : r.chains) {
    if (auto n = check_identifier("chain", c.name); !n) return n.error();
    if (auto cm = check_comment("comment of chain " + c.name, c.comment); !cm) return cm.error();
    if (!chains.insert(c.name).second) return fail("chain '" + c.name + "' is defined twice");
    if (!hooks.insert(c.hook).second) return fail(std::string("two chains on hook ") + to_string(c.hook));
  }
  std::size_t index = 0;
  for (const Rule& rule : r.rules) {
    ++index;
    const std::string where = "rule " + std::to_string(index) + " (" + rule.comment + ")";
    if (!chains.count(rule.chain)) return fail(where + ": no chain '" + rule.chain + "'");
    if (auto c = check_comment("comment of rule " + std::to_string(index), rule.comment); !c) return c.error();
    for (const Match& m : rule.matches) {
      const FieldInfo& f = info(m.field);
      switch (m.op) {
        case Op::eq:
        case Op::neq:
          if (m.field == Field::meta_iif || m.field == Field::meta_oif) {
            if (m.ifname.empty() || !m.values.empty()) return fail(where + ": an interface match needs a name");
          } else if (m.values.size() != 1) {
            return fail(where + ": " + f.text + " needs exactly one value");
          }
          break;
        case Op::in_set:
          if (!m.set.empty()) {
            const Set* s = r.find_set(m.set);
            if (!s) return fail(where + ": no set '" + m.set + "'");
            if (key_length(s->key) != f.width) return fail(where + ": set " + m.set + " has the wrong key width");
          } else {
            if (m.values.empty()) return fail(where + ": empty anonymous set");
            if (!f.set_key) return fail(where + std::string(": no anonymous set of ") + f.text);
          }
          break;
        case Op::any_bits:
          if (m.bits == 0) return fail(where + ": no bits to test");
          break;
        case Op::masked_neq:
          if (m.values.size() != 1 || m.bits == 0) return fail(where + ": masked compare needs a mask and a value");
          break;
      }
      if (auto v = validate_values(where, m.values, f.width); !v) return v;
      if (m.op == Op::in_set && m.set.empty() && !sorted_disjoint(m.values))
        return fail(where + ": anonymous set values are not sorted and disjoint");
      if (!m.ifname.empty() && !is_identifier(m.ifname)) return fail(where + ": bad interface name");
    }
  }
  return {};
}

}  // namespace portclass::nft
