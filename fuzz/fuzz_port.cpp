// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: port and range strings (port.hpp), the text users type
// on command lines and write in config files.
//
// Input: "<A>" or "<A>|<B>", each a candidate port list. Exercises
// parse_port, parse_port_range and PortSet::parse on A (and on every
// comma-separated piece of it), parse_transport, and the set algebra on
// parse(A) and parse(B).
//
// Asserts, beyond "no crash":
//  - parse_port(s) ok => its decimal form parses back to the same port;
//  - parse_port_range(s) ok => first <= last, to_string() parses back to it;
//  - PortSet::parse(s) ok => the set is normalised (sorted, disjoint, not
//    adjacent), holds exactly the ports of its pieces parsed one by one (a
//    65536-bit model), size() counts them, parse(to_string()) == the set;
//  - intersection, union, difference and complement agree with the bit
//    model, contains/overlaps agree with them, and the identities hold
//    (complement twice is the set, A\B and A&B partition A).
#include <array>
#include <bit>
#include <memory>

#include "fuzz_support.hpp"
#include "portclass/port.hpp"

namespace {

using portclass::PortRange;
using portclass::PortSet;
// The model: one bit per port, filled a word at a time (a bit at a time
// would make a full-range input a million steps and the fuzzer slow).
struct Bits {
  static constexpr std::size_t kWords = portclass::kPortCount / 64;
  std::array<std::uint64_t, kWords> w{};

  void set(std::uint32_t lo, std::uint32_t hi) {  // inclusive
    for (std::uint32_t i = lo / 64; i <= hi / 64; ++i) {
      const std::uint32_t from = i == lo / 64 ? lo % 64 : 0, to = i == hi / 64 ? hi % 64 : 63;
      const std::uint64_t ones = to - from == 63 ? ~std::uint64_t{0} : ((std::uint64_t{1} << (to - from + 1)) - 1);
      w[i] |= ones << from;
    }
  }
  bool test(std::uint32_t p) const { return (w[p / 64] >> (p % 64)) & 1u; }
  std::uint32_t count() const {
    std::uint32_t n = 0;
    for (auto x : w) n += static_cast<std::uint32_t>(std::popcount(x));
    return n;
  }
  bool none() const { return count() == 0; }
  void reset() { w.fill(0); }
  template <class F>
  Bits zip(const Bits& o, F f) const {
    Bits r;
    for (std::size_t i = 0; i < kWords; ++i) r.w[i] = f(w[i], o.w[i]);
    return r;
  }
  Bits operator&(const Bits& o) const {
    return zip(o, [](auto x, auto y) { return x & y; });
  }
  Bits operator|(const Bits& o) const {
    return zip(o, [](auto x, auto y) { return x | y; });
  }
  Bits operator~() const {
    return zip(*this, [](auto x, auto) { return ~x; });
  }
  friend bool operator==(const Bits&, const Bits&) = default;
};

// The set's ports as bits, from its ranges.
Bits bits_of(const PortSet& set) {
  Bits b;
  for (const PortRange& r : set.ranges()) b.set(r.first, r.last);
  return b;
}

void check_normalised(const PortSet& set) {
  const auto& ranges = set.ranges();
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    FUZZ_CHECK(ranges[i].first <= ranges[i].last, "a range of a set is not reversed");
    if (i > 0) FUZZ_CHECK(std::uint32_t{ranges[i - 1].last} + 1 < ranges[i].first, "sorted, disjoint, not adjacent");
  }
}

void check_port(std::string_view text) {
  auto port = portclass::parse_port(text);
  if (!port) {
    portclass::fuzz::check_error(port.error());
    return;
  }
  auto again = portclass::parse_port(std::to_string(*port));
  FUZZ_CHECK(again && *again == *port, "a port's decimal form parses back to it");
}

void check_range(std::string_view text) {
  auto range = portclass::parse_port_range(text);
  if (!range) {
    portclass::fuzz::check_error(range.error());
    return;
  }
  FUZZ_CHECK(range->first <= range->last, "a parsed range is not reversed");
  auto again = portclass::parse_port_range(range->to_string());
  FUZZ_CHECK(again && *again == *range, "a range's text parses back to it");
}

// Parses a list; when it parses, checks it against the model built from its
// comma-separated pieces. `model` receives the bits (for the algebra).
bool check_set(std::string_view text, PortSet& out, Bits& model) {
  auto set = portclass::PortSet::parse(text);
  model.reset();
  std::string_view rest = text;
  bool pieces_ok = true;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view piece = rest.substr(0, comma);
    check_port(piece);
    check_range(piece);
    auto r = portclass::parse_port_range(piece);
    if (r) {
      model.set(r->first, r->last);
    } else {
      pieces_ok = false;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!set) {
    portclass::fuzz::check_error(set.error());
    FUZZ_CHECK(!pieces_ok || text.find_first_not_of(" \t") == std::string_view::npos,
               "a list is refused only when one of its pieces is (or it is blank)");
    return false;
  }
  FUZZ_CHECK(pieces_ok, "a list parses only when every piece parses");
  check_normalised(*set);
  FUZZ_CHECK(!set->empty(), "a parsed list is never empty");
  FUZZ_CHECK(bits_of(*set) == model, "the set holds exactly the ports of its pieces");
  FUZZ_CHECK(set->size() == model.count(), "size() counts the ports");
  auto again = PortSet::parse(set->to_string());
  FUZZ_CHECK(again && *again == *set, "to_string() parses back to the same set");
  out = *set;
  return true;
}

void check_algebra(const PortSet& a, const Bits& am, const PortSet& b, const Bits& bm) {
  const PortSet inter = a.intersection(b), uni = a.union_with(b), diff = a.difference(b), comp = a.complement();
  for (const PortSet* s : {&inter, &uni, &diff, &comp}) check_normalised(*s);
  FUZZ_CHECK(bits_of(inter) == (am & bm), "intersection");
  FUZZ_CHECK(bits_of(uni) == (am | bm), "union");
  FUZZ_CHECK(bits_of(diff) == (am & ~bm), "difference");
  FUZZ_CHECK(bits_of(comp) == ~am, "complement");
  FUZZ_CHECK(comp.complement() == a, "complement twice is the set");
  FUZZ_CHECK(diff.union_with(inter) == a && diff.intersection(inter).empty(), "A\\B and A&B partition A");
  FUZZ_CHECK(uni.size() + inter.size() == a.size() + b.size(), "|A|B| + |A&B| = |A| + |B|");
  FUZZ_CHECK(a.overlaps(b) == !inter.empty(), "overlaps() agrees with the intersection");
  FUZZ_CHECK(a.contains(b) == (inter == b), "contains(set) is the subset test");
  FUZZ_CHECK(uni.contains(a) && uni.contains(b) && a.contains(inter), "union contains both, A contains A&B");
  for (const PortRange& r : b.ranges()) {
    FUZZ_CHECK(a.contains(r) == ((bits_of(PortSet{r}) & ~am).none()), "contains(range)");
    FUZZ_CHECK(a.contains(r.first) == am.test(r.first) && a.contains(r.last) == am.test(r.last), "contains(port)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = portclass::fuzz::as_text(data, size);
  const auto bar = input.find('|');
  const std::string_view a_text = input.substr(0, bar);
  (void)portclass::parse_transport(a_text);

  // Two models of 8 KiB each: on the heap, the stack stays small.
  auto models = std::make_unique<Bits[]>(2);
  PortSet a, b;
  if (!check_set(a_text, a, models[0])) return 0;
  check_algebra(a, models[0], a, models[0]);
  if (bar == std::string_view::npos) return 0;
  if (!check_set(input.substr(bar + 1), b, models[1])) return 0;
  check_algebra(a, models[0], b, models[1]);
  check_algebra(b, models[1], a, models[0]);
  return 0;
}
