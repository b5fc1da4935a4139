// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_judgement.hpp"

#include "portclass/findings.hpp"

namespace portclass::ws {
namespace {

// Replaces what inference said with what the user declared, in the form the
// library's finding rules read (an Inference), so overrides change findings too.
void apply_override(const SubnetOverride& o, const OsProfile* profile, Inference& inf, HostJudgement& j) {
  const std::string why = "set by preference portclass.subnets '" + o.text + "'";
  const std::string inferred = inf.candidates.empty() ? std::string() : "; inference said: " + inf.summary();
  if (profile) {
    const PortSet range = o.range ? *o.range : profile->ephemeral;
    inf.verdict = Verdict::identified;
    inf.candidates = {Candidate{profile->id, profile->family, profile->name, range, false, 1.0}};
    inf.families = {FamilyScore{profile->family, 1.0}};
    j.summary = profile->family + " " + range.to_string() + " (" + why + ")" + inferred;
    j.tuned = range != profile->ephemeral;
  } else {
    if (inf.candidates.empty()) inf.candidates = {Candidate{"", "", "range set by preference", *o.range, false, 1.0}};
    inf.candidates.front().range = *o.range;
    inf.candidates.front().tuned = false;  // declared, not a misfit to explain
    j.summary = "range " + o.range->to_string() + " (" + why + ")" + inferred;
    j.tuned = true;
  }
  j.by_preference = true;
}

}  // namespace

const std::string* HostJudgement::server_in_ephemeral(Transport transport, Port port) const noexcept {
  for (const auto& s : server_issues)
    if (s.transport == transport && s.ports.contains(port)) return &s.text;
  return nullptr;
}

HostJudgement judge_host(const IpAddress& address, const HostProfile& profile, const Config& config) {
  HostJudgement j;
  Inference inf = config.settings.infer ? infer(profile, config.profiles(), config.inference_options()) : Inference{};
  if (config.settings.infer) j.summary = inf.summary();
  if (const SubnetOverride* o = config.overrides.match(address)) {
    const auto index = static_cast<std::size_t>(o - config.overrides.entries().data());
    apply_override(*o, config.override_profiles[index], inf, j);
  }
  j.has_os = !inf.candidates.empty();
  j.verdict = inf.verdict;
  j.label = inf.label();
  j.confidence = inf.confidence();
  if (const Candidate* best = inf.best()) {
    j.profile_id = best->id;
    j.range_text = best->range.to_string();
    j.tuned = j.tuned || best->tuned;
  }

  const std::string who = address.to_string() + ": ";
  auto add = [&](ExpertKind kind, std::string_view id, const std::string& sentence) {
    j.findings.add(kind);
    j.ids.emplace_back(id);
    std::string& text = j.text[static_cast<std::size_t>(kind)];
    text += (text.empty() ? who : "; ") + sentence;
  };
  for (auto& issue : find_issues(profile, inf, *config.knowledge)) {
    const ExpertKind kind = expert_kind(issue.kind);
    add(kind, to_string(issue.kind), issue.message);
    if (kind == ExpertKind::server_in_ephemeral && issue.transport)
      j.server_issues.push_back({*issue.transport, issue.ports, who + issue.message});
  }
  if (inf.verdict == Verdict::several)
    add(ExpertKind::several_stacks, kSeveralStacksId,
        inf.evidence.empty() ? "looks like several OSes at once" : inf.evidence.front());
  return j;
}

}  // namespace portclass::ws
