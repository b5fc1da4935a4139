// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.hpp"

#include <map>

namespace portclass::ws {

RangeTable::RangeTable(const OsProfileDb& db) : combo_of_(kPortCount, 0) {
  // Ports sharing the same set of containing profiles share one list: a
  // handful of lists for ~15 profiles, so per-packet lookups are one index.
  std::map<std::vector<std::string>, std::uint16_t> index;
  combos_.emplace_back();
  index[{}] = 0;
  std::vector<std::string> ids;
  for (std::uint32_t port = 0; port < kPortCount; ++port) {
    ids.clear();
    for (const auto& p : db.profiles())
      if (p.ephemeral.contains(static_cast<Port>(port))) ids.push_back(p.id);
    auto [it, inserted] = index.try_emplace(ids, static_cast<std::uint16_t>(combos_.size()));
    if (inserted) combos_.push_back(ids);
    combo_of_[port] = it->second;
  }
  for (const auto& combo : combos_) {
    std::string text;
    for (const auto& id : combo) text += (text.empty() ? "" : ",") + id;
    joined_.push_back(std::move(text));
  }
}

Result<bool> parse_switch(std::string_view text) {
  std::string lower;
  for (char c : text)
    if (c != ' ' && c != '\t') lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const char* on : {"on", "true", "yes", "1"})
    if (lower == on) return true;
  for (const char* off : {"off", "false", "no", "0"})
    if (lower == off) return false;
  return make_error("'" + std::string(text) + "' is not on or off");
}

const OsProfile* find_profile_or_family(const OsProfileDb& db, std::string_view name) noexcept {
  if (const OsProfile* p = db.find(name)) return p;
  for (const auto& p : db.profiles())
    if (p.family == name) return &p;
  return nullptr;
}

Result<std::shared_ptr<const Config>> build_config(const Settings& settings) {
  OsProfileDb db = OsProfileDb::builtin();
  if (!settings.profile_file.empty()) {
    auto user = OsProfileDb::load_file(settings.profile_file);
    if (!user) return make_error("portclass.profile_file: " + user.error().message);
    db = db.overridden_by(user.value());
  }
  // Loaded without the user's file first, so that an error is put on the
  // preference it comes from.
  SignatureOptions signature_options{settings.p0f_db, {}};
  auto signatures = load_signatures(signature_options);
  if (!signatures) return make_error("portclass.p0f_db: " + signatures.error().message);
  if (!settings.signature_file.empty()) {
    signature_options.user_files.push_back(settings.signature_file);
    signatures = load_signatures(signature_options);
    if (!signatures) return make_error("portclass.signature_file: " + signatures.error().message);
  }
  auto overrides = SubnetOverrides::parse(settings.subnets);
  if (!overrides) return make_error("portclass.subnets: " + overrides.error().message);

  auto knowledge =
      std::make_unique<const PortKnowledge>(ServiceRegistry::system(), std::move(db), NotablePortDb::builtin());
  std::vector<const OsProfile*> override_profiles;
  for (const auto& o : overrides.value().entries()) {
    const OsProfile* p = nullptr;
    if (!o.os.empty()) {
      p = find_profile_or_family(knowledge->profiles(), o.os);
      if (!p) return make_error("portclass.subnets: '" + o.text + "': unknown OS profile '" + o.os + "'");
    }
    override_profiles.push_back(p);
  }
  RangeTable ranges(knowledge->profiles());

  return std::shared_ptr<const Config>(
      new Config{settings, std::move(knowledge), std::move(overrides).value(), std::move(override_profiles),
                 std::move(ranges), std::make_unique<const LoadedSignatures>(std::move(signatures).value())});
}

}  // namespace portclass::ws
