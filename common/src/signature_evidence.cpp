// SPDX-License-Identifier: GPL-2.0-or-later
#include "signature_evidence.hpp"

#include <algorithm>
#include <cmath>

namespace portclass::detail {
namespace {

// Likelihood ratios of a match for the profile it names against a profile of
// another family (docs/inference.md). p0f's specific signatures are rarely
// wrong about the family on real traffic; generic ones are last resorts and
// fuzzy ones forgive TTL and IP ID changes on the way.
constexpr double kExactRatio = 60;
constexpr double kGenericRatio = 12;
constexpr double kFuzzyRatio = 6;
// A profile of the same family as the named one: when the label does not
// pin the era (p0f's "Windows NT kernel", Linux "3.11 and newer") the
// family's profiles are nearly alike; when it does ("Windows XP", "Windows 7
// or 8"), the other era is less likely but not ruled out (registry tuning,
// the same stack on a phone).
constexpr double kEralessShare = 0.5;
constexpr double kOtherEraShare = 0.2;
// Unmatched SYNs, compared on option layouts alone (os-profiles.toml).
constexpr double kLayoutListed = 0.7;
constexpr double kLayoutOther = 0.15;
constexpr double kLayoutUnlisted = 0.35;

// An IPv6 SYN mostly matches fuzzily because router advertisements set its
// hop limit, not because the stack differs: as strong as a generic match.
double ratio(MatchKind kind, std::uint8_t ip_version) noexcept {
  switch (kind) {
    case MatchKind::exact: return kExactRatio;
    case MatchKind::generic: return kGenericRatio;
    case MatchKind::fuzzy: break;
  }
  return ip_version == 6 ? kGenericRatio : kFuzzyRatio;
}

}  // namespace

std::vector<SeenSignature> seen_signatures(const HostProfile& host, const SignatureDb* db,
                                           const OsProfileDb& profiles) {
  std::vector<SeenSignature> out;
  for (const bool syn_ack : {false, true}) {
    for (const auto& [key, n] : host.signatures(syn_ack)) {
      auto parsed = parse_signature_key(key, syn_ack);
      if (!parsed) continue;
      SeenSignature s{&key, syn_ack, n, std::move(parsed).value(), std::nullopt, nullptr};
      if (db) s.match = db->match(s.signature);
      if (s.match && s.match->label && !s.match->label->profile_id.empty())
        s.points_at = profiles.find(s.match->label->profile_id);
      out.push_back(std::move(s));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SeenSignature& a, const SeenSignature& b) { return a.count > b.count; });
  return out;
}

double signature_log_likelihood(const SeenSignature& seen, const OsProfile& profile) {
  if (seen.points_at) {
    if (seen.points_at->id == profile.id) return 0.0;
    if (seen.points_at->family == profile.family)
      return std::log(seen.match->label->era_known ? kOtherEraShare : kEralessShare);
    return -std::log(ratio(seen.match->kind, seen.signature.ip_version));
  }
  if (seen.syn_ack) return 0.0;
  if (profile.syn_options.empty()) return std::log(kLayoutUnlisted);
  const std::string letters = seen.signature.letters();
  const bool listed =
      std::find(profile.syn_options.begin(), profile.syn_options.end(), letters) != profile.syn_options.end();
  return std::log(listed ? kLayoutListed : kLayoutOther);
}

std::string describe(const SeenSignature& seen) {
  std::string s = std::string(seen.syn_ack ? "SYN+ACK " : "SYN ") + *seen.key;
  if (seen.count > 1) s += " x" + std::to_string(seen.count);
  if (seen.match && seen.match->label) {
    s += " = " + seen.match->label->origin + " " + seen.match->label->display() + " (" +
         std::string(to_string(seen.match->kind)) + ")";
  } else {
    s += ": no signature matches";
  }
  return s;
}

}  // namespace portclass::detail
