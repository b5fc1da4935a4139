// SPDX-License-Identifier: GPL-2.0-or-later
// SignatureDb::match: p0f 3.09b's tcp_find_match() and detect_win_multi()
// (fp_tcp.c) over a TcpSignature, plus the order between loaded files.
#include <algorithm>
#include <array>
#include <numeric>
#include <vector>

#include "portclass/signature_db.hpp"

namespace portclass {
namespace {

// p0f accepts an exact match up to this many hops (config.h MAX_DIST).
constexpr unsigned kMaxDistance = 35;
// IPv4 + TCP and IPv6 + TCP headers without options (p0f's MIN_TCP4 / MIN_TCP6).
constexpr unsigned kMinTcp4 = 40;
constexpr unsigned kMinTcp6 = 60;
// Quirks a signature for both versions ignores on the other version. p0f's
// code masks df, id+ and id-; its README lists 0+ as IPv4-only too.
constexpr std::uint32_t kIpv4Quirks = quirk_df | quirk_id_plus | quirk_id_minus | quirk_zero_plus;
// What may differ in a fuzzy match: these may disappear, those may appear.
constexpr std::uint32_t kMayDisappear = quirk_df | quirk_id_plus;
constexpr std::uint32_t kMayAppear = quirk_id_minus | quirk_ecn;

// The bytes the options take on the wire, when the layout says (an unknown
// option or a SACK block list has no fixed length).
std::optional<unsigned> option_bytes(std::string_view layout) {
  unsigned bytes = 0;
  std::size_t start = 0;
  while (start < layout.size()) {
    std::size_t end = layout.find(',', start);
    if (end == std::string_view::npos) end = layout.size();
    const std::string_view item = layout.substr(start, end - start);
    if (item == "mss")
      bytes += 4;
    else if (item == "nop")
      bytes += 1;
    else if (item == "ws")
      bytes += 3;
    else if (item == "sok")
      bytes += 2;
    else if (item == "ts")
      bytes += 10;
    else if (item.starts_with("eol+") && item.size() > 4 && item.size() <= 7) {
      unsigned pad = 0;
      for (char c : item.substr(4)) {
        if (c < '0' || c > '9') return std::nullopt;
        pad = pad * 10 + static_cast<unsigned>(c - '0');
      }
      bytes += 1 + pad;
    } else {
      return std::nullopt;
    }
    start = end + 1;
  }
  return bytes;
}

bool has_own_timestamp(const TcpSignature& s) {
  // p0f tests the TSval itself; a key parsed back has no TSval, but "ts in
  // the layout and no ts1- quirk" says the same.
  const std::string_view l = s.layout;
  const bool ts = l == "ts" || l.starts_with("ts,") || l.ends_with(",ts") || l.find(",ts,") != std::string_view::npos;
  return ts && (s.quirks & quirk_ts1_minus) == 0;
}

struct WindowMultiple {
  bool mtu = false;
  long factor = -1;  // -1: none
};

// detect_win_multi(): the first of these divisors that divides the window.
WindowMultiple window_multiple(const TcpSignature& s, std::optional<std::uint16_t> peer_mss) {
  const long win = s.window;
  const long mss = s.mss.value_or(0);
  if (win == 0 || mss < 100) return {};
  const bool v6 = s.ip_version == 6;
  // At most 14 divisors, in p0f's order; no allocation (match() may run per packet).
  std::array<std::pair<long, bool>, 14> divisors{};
  std::size_t n = 0;
  const auto add = [&](long d, bool mtu) { divisors[n++] = {d, mtu}; };
  add(mss, false);
  if (has_own_timestamp(s)) add(mss - 12, false);
  add(1500 - kMinTcp4, false);
  add(1500 - kMinTcp4 - 12, false);
  if (v6) {
    add(1500 - kMinTcp6, false);
    add(1500 - kMinTcp6 - 12, false);
  }
  add(mss + kMinTcp4, true);
  if (const auto options = option_bytes(s.layout))
    add(mss + (v6 ? 40 : 20 + s.ip_options_length) + 20 + *options, true);
  if (v6) add(mss + kMinTcp6, true);
  add(1500, true);
  if (peer_mss) {
    add(*peer_mss, false);
    add(static_cast<long>(*peer_mss) - 12, false);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (const auto [d, mtu] = divisors[i]; d > 0 && win % d == 0) return {mtu, win / d};
  return {};
}

bool window_matches(const SignaturePattern& p, const TcpSignature& s, const WindowMultiple& m) {
  using W = SignaturePattern::Window;
  switch (p.window_kind) {
    case W::any: return true;
    case W::fixed: return p.window_value == s.window;
    case W::modulo: return s.window % p.window_value == 0;
    case W::mss_multiple: return !m.mtu && m.factor == static_cast<long>(p.window_value);
    case W::mtu_multiple: return m.mtu && m.factor == static_cast<long>(p.window_value);
  }
  return false;
}

// p0f's guess_dist(): hops down from the next initial TTL class.
std::uint8_t guess_distance(std::uint8_t ttl) {
  if (ttl <= 32) return static_cast<std::uint8_t>(32 - ttl);
  if (ttl <= 64) return static_cast<std::uint8_t>(64 - ttl);
  if (ttl <= 128) return static_cast<std::uint8_t>(128 - ttl);
  return static_cast<std::uint8_t>(255 - ttl);
}

}  // namespace

std::string_view to_string(MatchKind k) noexcept {
  switch (k) {
    case MatchKind::exact: return "exact";
    case MatchKind::generic: return "generic";
    case MatchKind::fuzzy: return "fuzzy";
  }
  return "exact";
}

void SignatureDb::reindex() {
  // Later files first, file order within a file: a stable sort by origin.
  std::vector<std::size_t> order(entries_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return entries_[a].origin > entries_[b].origin; });
  for (auto& bucket : index_) bucket.clear();
  for (std::size_t i : order) index_[entries_[i].syn_ack ? 1 : 0][entries_[i].pattern.layout].push_back(i);
}

std::optional<SignatureMatch> SignatureDb::match(const TcpSignature& s, std::optional<std::uint16_t> peer_mss) const {
  // The option layout must be the same (p0f's opt_hash, eol padding included).
  const auto& bucket = index_[s.syn_ack ? 1 : 0];
  const auto candidates = bucket.find(s.layout);
  if (candidates == bucket.end()) return std::nullopt;
  const WindowMultiple multiple = window_multiple(s, peer_mss);

  const Entry* generic = nullptr;
  const Entry* fuzzy = nullptr;
  const auto result = [&](const Entry& e, MatchKind kind, std::uint8_t distance) {
    return SignatureMatch{&labels_[e.label], &e.pattern, e.line, kind, distance};
  };
  for (std::size_t i : candidates->second) {
    const Entry& e = entries_[i];
    const SignaturePattern& p = e.pattern;
    if (p.ip_version != 0 && p.ip_version != s.ip_version) continue;  // see the header: not in p0f

    std::uint32_t quirks = p.quirks;
    if (p.ip_version == 0) quirks &= s.ip_version == 4 ? ~std::uint32_t{quirk_flow} : ~kIpv4Quirks;
    bool is_fuzzy = false;
    if (quirks != s.quirks) {
      const std::uint32_t deleted = (quirks ^ s.quirks) & quirks;
      const std::uint32_t added = (quirks ^ s.quirks) & s.quirks;
      // Only the first fuzzy candidate is ever used, so later ones need not be looked at.
      if (fuzzy || (deleted & ~kMayDisappear) || (added & ~kMayAppear)) continue;
      is_fuzzy = true;
    }
    if (p.ip_options_length != s.ip_options_length) continue;
    if (p.ttl_random) {
      if (p.initial_ttl < s.ttl) continue;
    } else if (p.initial_ttl < s.ttl || p.initial_ttl - s.ttl > static_cast<int>(kMaxDistance)) {
      is_fuzzy = true;
    }
    if (p.mss && *p.mss != s.mss.value_or(0)) continue;
    if (p.window_scale && *p.window_scale != s.window_scale.value_or(0)) continue;
    if (p.payload_class != '*' && (p.payload_class == '+') != s.payload) continue;
    if (!window_matches(p, s, multiple)) continue;

    if (!is_fuzzy) {
      const auto distance = static_cast<std::uint8_t>(p.initial_ttl - s.ttl);
      if (!labels_[e.label].generic) return result(e, MatchKind::exact, distance);
      if (!generic) generic = &e;
    } else if (!fuzzy) {
      fuzzy = &e;
    }
  }
  if (generic)
    return result(*generic, MatchKind::generic, static_cast<std::uint8_t>(generic->pattern.initial_ttl - s.ttl));
  // No fuzzy matching for userland tools: their TTLs and quirks are random.
  if (!fuzzy || labels_[fuzzy->label].os_class == "!") return std::nullopt;
  const SignaturePattern& p = fuzzy->pattern;
  const bool ttl_fits =
      p.initial_ttl >= s.ttl && (p.ttl_random || p.initial_ttl - s.ttl <= static_cast<int>(kMaxDistance));
  return result(*fuzzy, MatchKind::fuzzy,
                ttl_fits ? static_cast<std::uint8_t>(p.initial_ttl - s.ttl) : guess_distance(s.ttl));
}

}  // namespace portclass
