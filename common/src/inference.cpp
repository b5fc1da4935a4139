// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/inference.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "signature_evidence.hpp"

namespace portclass {
namespace {

// Model constants; docs/inference.md explains each choice.
constexpr double kStray = 0.02;           // share of ports allowed outside a default range
constexpr double kOccamSamples = 8;       // cap on samples for the range-size (Occam) term
constexpr Port kClusterGap = 64;          // ports closer than this belong to one run of allocations
constexpr double kTunedPrior = 0.02;      // a range tuned away from the default
constexpr double kTunedFitPenalty = 8.0;  // nats: the tuned range is fitted to the data
constexpr double kTunedMinSize = 1024;    // configured ranges are not narrower than this
constexpr double kTtlSamples = 3;         // cap on TTL observations
constexpr double kTtlMatch = 0.9;
constexpr double kTtlMismatch = 0.03;
constexpr double kTtlUnknown = 0.3;   // profiles whose TTL says nothing (gateways)
constexpr double kParitySamples = 8;  // cap: parity never decides alone
constexpr double kEvenConnect = 0.97;
constexpr std::uint64_t kMinParityPorts = 6;
constexpr double kSequenceSamples = 4;           // successive ports of one host are not independent draws
constexpr double kCounterStep = 0.6;             // P(+1 step) for a global counter (or -1 counting down)
constexpr double kRandomStep = 0.1;              // P(+-1 step) otherwise
constexpr double kCounterHostShare = 0.9;        // hosts of a counter profile that show the counter
constexpr double kOtherCounterHostShare = 0.35;  // the others: macOS, Linux per destination, Windows 7
constexpr std::uint64_t kMinSteps = 4;
constexpr std::size_t kSignatureSamples = 3;  // distinct signatures weighed: repeats of one stack are not news
// IPv6 hop limits often come from router advertisements, which announce 64
// (RFC 4861's default, AdvCurHopLimit) or 255, not from the OS: a mismatch
// of those says little. A hop limit of 128 is Windows' own.
constexpr double kTtlIpv6Mismatch = 0.25;
constexpr double kMixShare = 0.2;  // a second TTL class or stack this common: several stacks

struct Observed {
  // The client ports the range is judged on: TCP's when there are any, since
  // UDP source ports are often the application's choice (DNS resolvers and
  // QUIC stacks pick their own across 1024-65535), else UDP's.
  DistinctPorts client;
  std::uint32_t n = 0;
  std::uint32_t clusters = 0;  // runs of nearby ports: the independent samples of where the range is
  std::uint32_t tcp_n = 0;
  std::uint32_t tcp_even = 0;
  std::uint64_t steps = 0;
  std::uint64_t unit_rises = 0;
  std::uint64_t unit_falls = 0;
  std::map<std::uint8_t, std::uint64_t> ttl_classes;  // initial class -> packets
  std::uint8_t ttl_class = 0;                         // dominant, 0 when none
  std::uint8_t ttl_typical = 0;                       // the most common observed TTL
  std::uint64_t ttl_packets = 0;
  std::vector<detail::SeenSignature> signatures;  // most frequent first
  bool ipv6 = false;                              // every signature seen is IPv6
};

// A counter (Windows, macOS, Linux per destination) hands out neighbouring
// ports: a run of them says where the range is once, not once per port.
std::uint32_t count_clusters(const DistinctPorts& ports) {
  std::vector<Port> sorted;
  sorted.reserve(ports.count());
  ports.for_each([&](Port p) { sorted.push_back(p); });
  std::sort(sorted.begin(), sorted.end());
  std::uint32_t clusters = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i)
    if (i == 0 || sorted[i] - sorted[i - 1] >= kClusterGap) ++clusters;
  return clusters;
}

Observed observe(const HostProfile& host, const OsProfileDb& db, const SignatureDb* signatures) {
  Observed o;
  const auto& tcp = host.stats(Transport::tcp);
  const auto& udp = host.stats(Transport::udp);
  o.client = tcp.client_ports.empty() ? udp.client_ports : tcp.client_ports;
  o.n = o.client.count();
  o.clusters = count_clusters(o.client);
  o.tcp_n = tcp.client_ports.count();
  o.tcp_even = tcp.client_ports.count_even();
  for (const auto* s : {&tcp.client_sequence, &udp.client_sequence}) {
    o.steps += s->steps();
    o.unit_rises += s->unit_rises;
    o.unit_falls += s->unit_falls;
  }
  std::uint64_t typical_count = 0;
  // TCP's TTLs are the stack's; UDP's only when there is no TCP (see
  // HostProfile::TransportStats::ttls).
  const auto& ttls =
      host.ttl_counts(Transport::tcp).empty() ? host.ttl_counts(Transport::udp) : host.ttl_counts(Transport::tcp);
  for (const auto& [ttl, n] : ttls) {
    if (ttl == 0) continue;  // not seen (e.g. a host known only as a receiver)
    o.ttl_classes[initial_ttl_class(ttl)] += n;
    o.ttl_packets += n;
    if (n > typical_count) typical_count = n, o.ttl_typical = ttl;
  }
  std::uint64_t best = 0;
  for (const auto& [cls, n] : o.ttl_classes)
    if (n > best) best = n, o.ttl_class = cls;
  o.signatures = detail::seen_signatures(host, signatures, db);
  o.ipv6 = !o.signatures.empty() && std::all_of(o.signatures.begin(), o.signatures.end(),
                                                [](const auto& sig) { return sig.signature.ip_version == 6; });
  return o;
}

double log_sum_exp(double a, double b) {
  const double m = std::max(a, b);
  return m + std::log(std::exp(a - m) + std::exp(b - m));
}

struct RangeFit {
  double log_likelihood;
  bool tuned;
};

// Default range against "tuned to some other range" (which explains any
// concentration of ports at a fixed cost, whatever the profile), the latter
// only when some ports lie outside the default range.
RangeFit range_fit(const Observed& o, const PortSet& range) {
  if (o.n == 0) return {0.0, false};
  const double inside = o.client.count_in(range);
  const double outside = o.n - inside;
  // Where the range lies is learned once per run of neighbouring ports
  // (count_clusters); a port outside the default range is an allocation the
  // default could not have made, so each counts (up to kOccamSamples).
  const double w = std::min<double>(o.clusters, kOccamSamples);
  const double per_port = std::min<double>(o.n, kOccamSamples) / o.n;
  const double size = range.size();
  const double occam = std::log(double(kPortCount) / size);
  const double by_default = std::log(1 - kTunedPrior) +
                            per_port * (inside * std::log(1 - kStray) + outside * std::log(kStray)) +
                            w * (inside / o.n) * occam;
  // "Tuned" explains any concentration of ports, and the same for every
  // profile, so that it never favours one profile over another: a profile
  // whose default range holds the ports can only gain from it. A host is
  // only called tuned when some of its ports lie outside the default range:
  // ports clustered inside it (a counter, Linux's per-destination offsets)
  // are still its default range.
  const double span = std::max(kTunedMinSize, double(o.client.max()) - o.client.min() + 1);
  const double by_tuned = std::log(kTunedPrior) - kTunedFitPenalty +
                          std::min<double>(o.n, kOccamSamples) * std::log(1 - kStray) +
                          w * std::log(double(kPortCount) / span);
  return {log_sum_exp(by_default, by_tuned), outside > 0 && by_tuned > by_default};
}

double ttl_fit(const Observed& o, const OsProfile& p) {
  if (o.ttl_class == 0) return 0.0;
  const double k = std::min<double>(double(o.ttl_packets), kTtlSamples);
  if (p.initial_ttl == 0) return k * std::log(kTtlUnknown);
  if (initial_ttl_class(p.initial_ttl) == o.ttl_class) return k * std::log(kTtlMatch);
  const bool advertised = o.ipv6 && (o.ttl_class == 64 || o.ttl_class == 255);
  return advertised ? std::log(kTtlIpv6Mismatch) : k * std::log(kTtlMismatch);
}

double parity_fit(const Observed& o, const OsProfile& p) {
  if (o.tcp_n < kMinParityPorts) return 0.0;
  const double scale = std::min<double>(o.tcp_n, kParitySamples) / o.tcp_n;
  const double even = o.tcp_even, odd = o.tcp_n - o.tcp_even;
  const double pe = p.selection == PortSelection::even_connect ? kEvenConnect : 0.5;
  return scale * (even * std::log(pe) + odd * std::log(1 - pe));
}

// A host either hands out ports with a counter or it does not; which, is
// likelier for a global-counter (count-down) profile, but real captures show
// runs of +1 steps from macOS, from Linux's per-destination offsets and from
// modern Windows too, and random steps from Windows 10. So each profile is a
// mixture of the two modes and the sequence only nudges.
double sequence_fit(const Observed& o, const OsProfile& p) {
  if (o.steps < kMinSteps) return 0.0;
  const double scale = std::min<double>(double(o.steps), kSequenceSamples) / double(o.steps);
  auto binomial = [&](double hits, double prob) {
    return scale * (hits * std::log(prob) + (double(o.steps) - hits) * std::log(1 - prob));
  };
  auto mixture = [&](double hits, bool counter_profile) {
    const double w = counter_profile ? kCounterHostShare : kOtherCounterHostShare;
    return log_sum_exp(std::log(w) + binomial(hits, kCounterStep), std::log(1 - w) + binomial(hits, kRandomStep));
  };
  return mixture(double(o.unit_rises), p.selection == PortSelection::global_counter) +
         mixture(double(o.unit_falls), p.selection == PortSelection::count_down);
}

double signature_fit(const Observed& o, const OsProfile& p) {
  double sum = 0;
  for (std::size_t i = 0; i < std::min(o.signatures.size(), kSignatureSamples); ++i)
    sum += detail::signature_log_likelihood(o.signatures[i], p);
  return sum;
}

std::string percent(double p) {
  std::ostringstream s;
  s << static_cast<int>(std::lround(p * 100)) << "%";
  return s.str();
}

std::string observed_span(const Observed& o) { return PortRange{o.client.min(), o.client.max()}.to_string(); }

// The reasons a host looks like more than one stack, empty when it does not.
std::string mixture(const Observed& o) {
  if (o.ttl_classes.size() >= 2) {
    std::uint64_t second = 0;
    for (const auto& [cls, n] : o.ttl_classes)
      if (cls != o.ttl_class) second = std::max(second, n);
    if (second >= 3 && double(second) >= kMixShare * double(o.ttl_packets)) {
      std::string classes;
      for (const auto& [cls, n] : o.ttl_classes)
        classes +=
            (classes.empty() ? "" : ", ") + std::to_string(n) + " packets from initial TTL " + std::to_string(cls);
      return "TTLs from different stacks: " + classes;
    }
  }
  // Signatures that name different families, each in common use.
  std::uint64_t syns = 0;
  for (const auto& sig : o.signatures) syns += sig.count;
  std::map<std::string, std::uint64_t> by_family;
  for (const auto& sig : o.signatures)
    if (sig.points_at) by_family[sig.points_at->family] += sig.count;
  std::size_t common = 0;
  std::string families;
  for (const auto& [family, n] : by_family) {
    if (n < 2 || double(n) < kMixShare * double(syns)) continue;
    ++common;
    families += (families.empty() ? "" : ", ") + std::to_string(n) + " from " + family;
  }
  if (common >= 2) return "TCP signatures of different stacks: " + families;
  return {};
}

}  // namespace

std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::identified: return "identified";
    case Verdict::unknown: return "unknown";
    case Verdict::several: break;
  }
  return "several";
}

std::string Inference::label() const {
  if (verdict == Verdict::identified && !families.empty()) return families.front().family;
  return std::string(to_string(verdict));
}

std::string Inference::summary() const {
  std::ostringstream s;
  s << label();
  if (verdict == Verdict::identified && best())
    s << " " << percent(confidence()) << " (" << best()->range.to_string() << ")";
  for (std::size_t i = 0; i < evidence.size(); ++i) s << (i == 0 ? ": " : "; ") << evidence[i];
  return s.str();
}

Inference infer(const HostProfile& host, const OsProfileDb& db, const InferenceOptions& options) {
  Inference result;
  const Observed o = observe(host, db, options.signatures);

  // Score every profile.
  std::vector<double> scores;
  std::vector<bool> tuned;
  for (const auto& p : db.profiles()) {
    const RangeFit fit = range_fit(o, p.ephemeral);
    scores.push_back(std::log(p.prior) + fit.log_likelihood + ttl_fit(o, p) + parity_fit(o, p) + sequence_fit(o, p) +
                     signature_fit(o, p));
    tuned.push_back(fit.tuned);
  }
  if (scores.empty()) {
    result.evidence.push_back("no OS profiles loaded");
    return result;
  }
  const double top = *std::max_element(scores.begin(), scores.end());
  double total = 0;
  for (double& s : scores) total += (s = std::exp(s - top));
  std::map<std::string, double> families;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const auto& p = db.profiles()[i];
    Candidate c{p.id, p.family, p.name, p.ephemeral, tuned[i], scores[i] / total};
    if (c.tuned && o.n > 0) c.range = PortSet{{o.client.min(), o.client.max()}};
    families[p.family] += c.probability;
    result.candidates.push_back(std::move(c));
  }
  std::stable_sort(result.candidates.begin(), result.candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.probability > b.probability; });
  for (const auto& [family, prob] : families) result.families.push_back({family, prob});
  std::stable_sort(result.families.begin(), result.families.end(),
                   [](const FamilyScore& a, const FamilyScore& b) { return a.probability > b.probability; });

  // Evidence in words, most telling first.
  const Candidate& best = result.candidates.front();
  if (o.n > 0) {
    const PortSet& range = db.find(best.id)->ephemeral;
    const auto inside = o.client.count_in(range);
    std::ostringstream s;
    s << inside << " of " << o.n << " client ports inside " << range.to_string() << " (" << best.name << ")";
    if (best.tuned) s << "; ports span " << observed_span(o) << ", outside every default range: tuned host or NAT";
    result.evidence.push_back(s.str());
  } else {
    result.evidence.push_back("no client ports seen");
  }
  if (o.ttl_class != 0)
    result.evidence.push_back("TTL " + std::to_string(o.ttl_typical) + " (initial " + std::to_string(o.ttl_class) +
                              ")");
  if (o.tcp_n >= kMinParityPorts)
    result.evidence.push_back(std::to_string(o.tcp_even) + " of " + std::to_string(o.tcp_n) + " TCP source ports even");
  if (o.steps >= kMinSteps && (o.unit_rises > 0 || o.unit_falls > 0))
    result.evidence.push_back(std::to_string(o.unit_rises) + " of " + std::to_string(o.steps) + " steps +1, " +
                              std::to_string(o.unit_falls) + " steps -1 between successive source ports");
  for (std::size_t i = 0; i < std::min(o.signatures.size(), kSignatureSamples); ++i)
    result.evidence.push_back(detail::describe(o.signatures[i]));
  // The link the MSS implies (p0f's [mtu] labels): a PPPoE line, a VPN or a
  // tunnel in the path says where the host is, not what it runs.
  if (options.signatures && !o.signatures.empty() && o.signatures.front().signature.mss) {
    const auto& sig = o.signatures.front().signature;
    const std::uint32_t mtu = SignatureDb::mtu_for_mss(*sig.mss, sig.ip_version);
    if (const std::string link = options.signatures->link_for_mss(*sig.mss, sig.ip_version); !link.empty())
      result.evidence.push_back("MSS " + std::to_string(*sig.mss) + ": MTU " + std::to_string(mtu) + " (" + link + ")");
  }

  for (const auto& seen : o.signatures) {
    SignatureSeen out{seen.syn_ack, *seen.key, seen.signature.to_p0f(), seen.count, {}, {}, {}, {}};
    if (seen.match && seen.match->label) {
      out.label = seen.match->label->display();
      out.origin = seen.match->label->origin;
      out.match = std::string(to_string(seen.match->kind));
      out.profile_id = seen.match->label->profile_id;
    }
    result.signatures.push_back(std::move(out));
  }

  // The verdict, honestly.
  if (const std::string mix = mixture(o); !mix.empty()) {
    result.verdict = Verdict::several;
    result.evidence.insert(result.evidence.begin(), mix + ": several hosts behind one address (NAT)?");
  } else if (o.signatures.empty() && o.n < options.min_client_ports) {
    result.verdict = Verdict::unknown;
    result.evidence.insert(result.evidence.begin(), "too few observations (" + std::to_string(o.n) +
                                                        " client ports, no SYN or SYN+ACK; " +
                                                        std::to_string(options.min_client_ports) + " ports needed)");
  } else if (result.confidence() < options.identify_threshold) {
    result.verdict = Verdict::unknown;
    std::string why = best.tuned ? "ports outside every known default range and no stack evidence decides"
                                 : "evidence split between " + result.families[0].family + " (" +
                                       percent(result.families[0].probability) + ")";
    if (!best.tuned && result.families.size() > 1)
      why += " and " + result.families[1].family + " (" + percent(result.families[1].probability) + ")";
    result.evidence.insert(result.evidence.begin(), why);
  } else {
    result.verdict = Verdict::identified;
  }
  return result;
}

}  // namespace portclass
