// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/stored_verdict.hpp"

#include <algorithm>

#include "portclass/nft/names.hpp"

namespace portclass::nft {
namespace {

using nlohmann::json;

// Probabilities written with a few digits may add up to a hair above 1.
constexpr double kSumSlack = 1e-3;

bool is_word(std::string_view s) noexcept {
  if (s.empty() || s.size() > 32 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; });
}

const json* member(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

Result<double> probability(const json* j, const std::string& path) {
  if (!j) return make_error(path + ": missing");
  if (!j->is_number() || j->get<double>() < 0 || j->get<double>() > 1)
    return make_error(path + ": expected a number 0-1");
  return j->get<double>();
}

Result<VerdictCandidate> candidate(const json& j, const std::string& path, const OsProfileDb& db) {
  if (!j.is_object()) return make_error(path + ": expected an object");
  VerdictCandidate c;
  const json* id = member(j, "id");
  if (!id || !id->is_string() || !is_valid_profile_id(id->get_ref<const std::string&>()))
    return make_error(path + ".id: expected an OS profile id" +
                      (id && id->is_string() ? ", got " + quoted_for_error(id->get_ref<const std::string&>()) : ""));
  c.id = id->get<std::string>();
  if (const json* family = member(j, "family")) {
    if (!family->is_string() || !is_valid_profile_id(family->get_ref<const std::string&>()))
      return make_error(path + ".family: expected an OS family id");
    c.family = family->get<std::string>();
  }
  auto p = probability(member(j, "probability"), path + ".probability");
  if (!p) return p.error();
  c.probability = *p;
  const json* range = member(j, "range");
  if (!range || !range->is_string()) return make_error(path + ".range: expected a port range string");
  auto ports = PortSet::parse(range->get_ref<const std::string&>());
  if (!ports) return make_error(path + ".range: " + ports.error().message);
  if (ports->empty()) return make_error(path + ".range: empty");
  c.range = *ports;
  if (const json* tuned = member(j, "tuned")) {
    if (!tuned->is_boolean()) return make_error(path + ".tuned: expected true or false");
    c.tuned = tuned->get<bool>();
  } else {
    // Not said: a range other than the profile's default is an observed span.
    const OsProfile* known = db.find(c.id);
    c.tuned = !known || known->ephemeral != c.range;
  }
  return c;
}

Result<HostVerdict> verdict(const json& j, const std::string& path, const OsProfileDb& db) {
  if (!j.is_object()) return make_error(path + ": expected an object");
  HostVerdict v;
  v.stored = true;
  const json* word = member(j, "verdict");
  if (!word || !word->is_string() || !is_word(word->get_ref<const std::string&>()))
    return make_error(path + ".verdict: expected a verdict word such as \"identified\"");
  v.verdict = word->get<std::string>();
  auto confidence = probability(member(j, "confidence"), path + ".confidence");
  if (!confidence) return confidence.error();
  v.confidence = *confidence;
  const json* list = member(j, "candidates");
  if (!list || !list->is_array()) return make_error(path + ".candidates: expected an array");
  double sum = 0;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto c = candidate((*list)[i], path + ".candidates[" + std::to_string(i) + "]", db);
    if (!c) return c.error();
    sum += c->probability;
    v.candidates.push_back(std::move(c).value());
  }
  if (sum > 1 + kSumSlack) return make_error(path + ".candidates: probabilities add up to more than 1");
  std::stable_sort(v.candidates.begin(), v.candidates.end(),
                   [](const VerdictCandidate& a, const VerdictCandidate& b) { return a.probability > b.probability; });
  return v;
}

}  // namespace

Result<std::map<IpAddress, HostVerdict>> read_stored_verdicts(const json& document, const OsProfileDb& db) {
  std::map<IpAddress, HostVerdict> out;
  if (!document.is_object()) return out;
  const json* analysis = member(document, "analysis");
  if (!analysis) return out;
  if (!analysis->is_object()) return make_error("$.analysis: expected an object");
  for (const auto& [key, value] : analysis->items()) {
    auto address = IpAddress::parse(key);
    if (!address) return make_error("$.analysis: " + address.error().message);
    const std::string path = "$.analysis[" + address->to_string() + "]";
    auto v = verdict(value, path, db);
    if (!v) return v.error();
    if (!out.emplace(*address, std::move(v).value()).second)
      return make_error(path + ": the same address twice, spelt two ways");
  }
  return out;
}

HostVerdict from_inference(const Inference& inference) {
  HostVerdict v;
  v.verdict = std::string(to_string(inference.verdict));
  v.confidence = inference.confidence();
  for (const Candidate& c : inference.candidates)
    v.candidates.push_back(VerdictCandidate{c.id, c.family, c.probability, c.range, c.tuned});
  return v;
}

}  // namespace portclass::nft
