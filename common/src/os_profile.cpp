// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/os_profile.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "builtin_data.hpp"
#include "portclass/text_file.hpp"
#include "portclass/toml_fields.hpp"

namespace portclass {
namespace {

using namespace toml_fields;

Result<OsProfile> read_profile(const toml::table& t, const std::string& at) {
  if (auto k = only_known_keys(t,
                               {"id", "family", "name", "versions", "ranges", "initial_ttl", "selection", "syn_options",
                                "prior", "gateway", "history", "sources", "notes"},
                               at);
      !k)
    return k.error();
  OsProfile p;
  auto id = string_field(t, "id", at);
  if (!id) return id.error();
  if (!is_valid_profile_id(*id)) return make_error(at + "id '" + *id + "' must match [a-z0-9][a-z0-9._+-]{0,63}");
  p.id = *id;
  const std::string here = at + "(" + p.id + ") ";

  auto family = string_field(t, "family", here);
  if (!family) return family.error();
  if (!is_valid_profile_id(*family))
    return make_error(here + "family '" + *family + "' must match [a-z0-9][a-z0-9._+-]{0,63}");
  p.family = *family;

  // Text fields: (key, destination, default when optional).
  const struct {
    const char* key;
    std::string* field;
    std::optional<std::string> fallback;
  } texts[] = {{"name", &p.name, p.id}, {"versions", &p.versions, ""}, {"notes", &p.notes, ""}};
  for (const auto& [key, field, fallback] : texts) {
    auto value = string_field(t, key, here, fallback);
    if (!value) return value.error();
    *field = std::move(value).value();
  }
  const struct {
    const char* key;
    std::vector<std::string>* field;
    bool required;
  } lists[] = {{"syn_options", &p.syn_options, false}, {"history", &p.history, false}, {"sources", &p.sources, true}};
  for (const auto& [key, field, required] : lists) {
    auto value = string_list(t, key, here, required);
    if (!value) return value.error();
    *field = std::move(value).value();
  }
  auto selection = string_field(t, "selection", here, "random");
  if (!selection) return selection.error();
  auto ranges = string_list(t, "ranges", here, true);
  if (!ranges) return ranges.error();
  if (p.sources.empty()) return make_error(here + "'sources' must name at least one source");

  if (ranges->empty()) return make_error(here + "'ranges' must list at least one range");
  for (const auto& text : *ranges) {
    auto r = PortSet::parse(text);
    if (!r) return make_error(here + r.error().message);
    p.ephemeral = p.ephemeral.union_with(*r);
  }

  const auto sel = parse_port_selection(*selection);
  if (!sel)
    return make_error(here + "selection '" + *selection +
                      "' is not one of random, even-connect, global-counter, count-down");
  p.selection = *sel;

  if (const auto* node = t.get("initial_ttl")) {
    const auto ttl = node->value<std::int64_t>();
    if (!ttl || *ttl < 0 || *ttl > 255) return make_error(here + "'initial_ttl' must be an integer from 0 to 255");
    p.initial_ttl = static_cast<std::uint8_t>(*ttl);
  } else {
    return make_error(here + "missing key 'initial_ttl'");
  }
  if (const auto* node = t.get("prior")) {
    const auto prior = node->value<double>();
    if (!prior || !(*prior > 0.0) || *prior > 1000.0) return make_error(here + "'prior' must be a number above 0");
    p.prior = *prior;
  }
  if (const auto* node = t.get("gateway")) {
    const auto gw = node->value<bool>();
    if (!gw) return make_error(here + "'gateway' must be true or false");
    p.gateway = *gw;
  }
  return p;
}

}  // namespace

std::string_view to_string(PortSelection s) noexcept {
  switch (s) {
    case PortSelection::random: return "random";
    case PortSelection::even_connect: return "even-connect";
    case PortSelection::global_counter: return "global-counter";
    case PortSelection::count_down: break;
  }
  return "count-down";
}

std::optional<PortSelection> parse_port_selection(std::string_view text) noexcept {
  for (auto s :
       {PortSelection::random, PortSelection::even_connect, PortSelection::global_counter, PortSelection::count_down})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

bool is_valid_profile_id(std::string_view text) noexcept {
  if (text.empty() || text.size() > 64) return false;
  auto ok = [](char c, bool first) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    return !first && (c == '.' || c == '_' || c == '+' || c == '-');
  };
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!ok(text[i], i == 0)) return false;
  return true;
}

const OsProfileDb& OsProfileDb::builtin() {
  static const OsProfileDb db = parse_toml(data::os_profiles_toml(), "built-in os-profiles.toml").value();
  return db;
}

Result<OsProfileDb> OsProfileDb::parse_toml(std::string_view text, std::string_view origin) {
  auto profiles = read_table_array<OsProfile>(text, origin, "profile", read_profile);
  if (!profiles) return profiles.error();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < profiles->size(); ++i)
    if (!seen.insert((*profiles)[i].id).second)
      return make_error(where(origin, "profile", i) + "duplicate id '" + (*profiles)[i].id + "'");
  OsProfileDb db;
  db.profiles_ = std::move(profiles).value();
  return db;
}

Result<OsProfileDb> OsProfileDb::load_file(const std::filesystem::path& path) {
  auto text = read_text_file(path, "profile file");
  if (!text) return text.error();
  return parse_toml(*text, path.string());
}

OsProfileDb OsProfileDb::overridden_by(const OsProfileDb& user) const {
  OsProfileDb out = *this;
  for (const auto& p : user.profiles_) {
    auto it =
        std::find_if(out.profiles_.begin(), out.profiles_.end(), [&](const OsProfile& q) { return q.id == p.id; });
    if (it != out.profiles_.end())
      *it = p;
    else
      out.profiles_.push_back(p);
  }
  return out;
}

const OsProfile* OsProfileDb::find(std::string_view id) const noexcept {
  for (const auto& p : profiles_)
    if (p.id == id) return &p;
  return nullptr;
}

std::vector<const OsProfile*> OsProfileDb::containing(Port port) const {
  std::vector<const OsProfile*> out;
  for (const auto& p : profiles_)
    if (p.ephemeral.contains(port)) out.push_back(&p);
  return out;
}

std::vector<std::string> OsProfileDb::families() const {
  std::vector<std::string> out;
  for (const auto& p : profiles_)
    if (std::find(out.begin(), out.end(), p.family) == out.end()) out.push_back(p.family);
  return out;
}

}  // namespace portclass
