// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/notable_ports.hpp"

#include <toml++/toml.h>

#include "builtin_data.hpp"
#include "portclass/toml_fields.hpp"

namespace portclass {
namespace {

using namespace toml_fields;

Result<NotablePortUse> read_use(const toml::table& t, const std::string& at) {
  if (auto k = only_known_keys(t, {"ports", "transports", "name", "kind", "description", "source", "confidence"}, at);
      !k)
    return k.error();
  NotablePortUse use;
  auto ports = string_field(t, "ports", at);
  if (!ports) return ports.error();
  auto set = PortSet::parse(*ports);
  if (!set) return make_error(at + set.error().message);
  use.ports = *set;

  auto transports = string_list(t, "transports", at, false);
  if (!transports) return transports.error();
  if (!transports->empty()) {
    use.tcp = use.udp = false;
    for (const auto& name : *transports) {
      const auto tr = parse_transport(name);
      if (!tr) return make_error(at + "transport '" + name + "' is not tcp or udp");
      (*tr == Transport::tcp ? use.tcp : use.udp) = true;
    }
  }
  for (auto [key, field] : {std::pair{"name", &use.name}, std::pair{"kind", &use.kind},
                            std::pair{"description", &use.description}, std::pair{"source", &use.source}}) {
    auto value = string_field(t, key, at);
    if (!value) return value.error();
    *field = *value;
  }
  if (use.kind != "server-range" && use.kind != "client-range" && use.kind != "service")
    return make_error(at + "kind '" + use.kind + "' is not server-range, client-range or service");
  if (use.source.empty()) return make_error(at + "source is empty: every use names where it comes from");
  if (t.contains("confidence")) {
    auto confidence = string_field(t, "confidence", at);
    if (!confidence) return confidence.error();
    if (*confidence != "weak") return make_error(at + "confidence '" + *confidence + "' is not weak");
    use.weak = true;
  }
  return use;
}

}  // namespace

const NotablePortDb& NotablePortDb::builtin() {
  static const NotablePortDb db = parse_toml(data::notable_ports_toml(), "built-in notable-ports.toml").value();
  return db;
}

Result<NotablePortDb> NotablePortDb::parse_toml(std::string_view text, std::string_view origin) {
  auto uses = read_table_array<NotablePortUse>(text, origin, "use", read_use);
  if (!uses) return uses.error();
  NotablePortDb db;
  db.uses_ = std::move(uses).value();
  return db;
}

std::vector<const NotablePortUse*> NotablePortDb::matching(Port port) const {
  std::vector<const NotablePortUse*> out;
  for (const auto& u : uses_)
    if (u.ports.contains(port)) out.push_back(&u);
  return out;
}

std::vector<const NotablePortUse*> NotablePortDb::overlapping(const PortSet& ports) const {
  std::vector<const NotablePortUse*> out;
  for (const auto& u : uses_)
    if (u.ports.overlaps(ports)) out.push_back(&u);
  return out;
}

}  // namespace portclass
