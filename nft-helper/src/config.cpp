// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/config.hpp"

#include <toml++/toml.h>

#include <map>
#include <memory>

#include "portclass/nft/names.hpp"
#include "portclass/text_file.hpp"
#include "portclass/toml_fields.hpp"
#include "portclass/toml_document.hpp"

namespace portclass::nft {
namespace {

Error at(std::string_view origin, const std::string& message) {
  return make_error(std::string(origin) + ": " + message);
}

// The core's field readers, with this file's name in front of each message.
Result<void> check_keys(std::string_view origin, const std::string& section, const toml::table& t,
                        std::initializer_list<std::string_view> keys) {
  return toml_fields::only_known_keys(t, keys,
                                      std::string(origin) + ": " + (section.empty() ? "" : "[" + section + "] "));
}

Result<void> read_bool(std::string_view origin, const toml::table& t, std::string_view key, bool& out) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  if (!n->is_boolean()) return at(origin, "'" + std::string(key) + "' must be true or false");
  out = n->as_boolean()->get();
  return {};
}

Result<std::optional<std::string>> read_string(std::string_view origin, const toml::table& t, std::string_view key) {
  if (!t.contains(key)) return std::optional<std::string>{};
  auto s = toml_fields::string_field(t, key, std::string(origin) + ": ");
  if (!s) return s.error();
  return std::optional<std::string>{std::move(s).value()};
}

// A port list: [22, "8000-8100"], or "22,8000-8100".
Result<PortSet> read_ports(std::string_view origin, const toml::table& t, std::string_view key,
                           const std::string& what) {
  const toml::node* n = t.get(key);
  if (!n) return PortSet{};
  if (n->is_string()) {
    auto p = parse_ports(what, n->as_string()->get());
    if (!p) return at(origin, p.error().message);
    return *p;
  }
  if (!n->is_array()) return at(origin, what + " must be a list of ports or a \"22,80\" string");
  PortSet out;
  for (const toml::node& item : *n->as_array()) {
    if (item.is_integer()) {
      const std::int64_t v = item.as_integer()->get();
      if (v < 0 || v > 65535) return at(origin, what + ": port " + std::to_string(v) + " is outside 0-65535");
      out.add(static_cast<Port>(v));
    } else if (item.is_string()) {
      auto p = parse_ports(what, item.as_string()->get());
      if (!p) return at(origin, p.error().message);
      out = out.union_with(*p);
    } else {
      return at(origin, what + ": each entry must be a port number or a \"a-b\" string");
    }
  }
  return out;
}

std::string join_ranges(const PortSet& ports) { return ports.to_string(); }

Result<Mode> parse_mode(std::string_view text) {
  if (text == "host") return Mode::host;
  if (text == "gateway") return Mode::gateway;
  return make_error("mode " + quoted_for_error(text) + " must be \"host\" or \"gateway\"");
}

Result<Outbound> parse_outbound(std::string_view text) {
  if (text == "accept") return Outbound::accept;
  if (text == "restrict") return Outbound::restrict;
  return make_error("outbound policy " + quoted_for_error(text) + " must be \"accept\" or \"restrict\"");
}

Result<Subnet> parse_subnet(std::string_view prefix, std::string_view range, const Config& c, const OsProfileDb& db) {
  auto p = IpPrefix::parse(prefix);
  if (!p) return make_error("subnet " + quoted_for_error(prefix) + ": " + p.error().message);
  auto r = resolve_range(range, c.named_ranges, db);
  if (!r) return make_error("subnet " + p->to_string() + ": " + r.error().message);
  return Subnet{*p, *r};
}

Result<void> set_protocol(Protocols& p, std::string_view name) {
  if (name == "ntp")
    p.ntp = true;
  else if (name == "dhcp")
    p.dhcp = true;
  else if (name == "mdns")
    p.mdns = true;
  else if (name == "ike")
    p.ike = true;
  else
    return make_error("unknown protocol " + quoted_for_error(name) + ": expected ntp, dhcp, mdns or ike");
  return {};
}

}  // namespace

Result<PortSet> parse_ports(std::string_view what, std::string_view text) {
  if (text.find_first_not_of(" \t") == std::string_view::npos) return PortSet{};
  auto p = PortSet::parse(text);
  if (!p) return make_error(std::string(what) + ": " + p.error().message);
  return *p;
}

Result<RangeSpec> resolve_range(std::string_view text, const std::map<std::string, PortSet>& named,
                                const OsProfileDb& db) {
  if (text == "live") return make_error("range \"live\" is only for this host (host mode)");
  if (auto it = named.find(std::string(text)); it != named.end())
    return RangeSpec{it->first, it->second, "range " + it->first + " " + join_ranges(it->second)};
  if (const OsProfile* profile = db.find(text))
    return RangeSpec{profile->id, profile->ephemeral, "profile " + profile->id};
  auto ports = PortSet::parse(text);
  if (!ports)
    return make_error("range " + quoted_for_error(text) +
                      " is neither a range name, an OS profile id nor port ranges like 49152-65535");
  if (ports->empty()) return make_error("range " + quoted_for_error(text) + " is empty");
  return RangeSpec{"", *ports, "range " + ports->to_string()};
}

namespace {

// Each [section] of the file has one reader below. They share the shape of
// nftables' own parser: a table in, the Config filled in, the first error out
// with the file name in front.

Result<OsProfileDb> read_profiles(std::string_view origin, const toml::table& doc, const OsProfileDb& base_db,
                                  const std::filesystem::path& base_dir) {
  auto s = read_string(origin, doc, "profiles");
  if (!s) return s.error();
  if (!*s) return base_db;
  std::filesystem::path path = **s;
  if (path.is_relative() && !base_dir.empty()) path = base_dir / path;
  auto user = OsProfileDb::load_file(path);
  if (!user) return at(origin, user.error().message);
  return base_db.overridden_by(*user);
}

// A top-level string key, checked by CHECK (mode, identifier or comment rules).
template <class T, class Check>
Result<void> read_checked(std::string_view origin, const toml::table& doc, std::string_view key, T& out, Check check) {
  auto s = read_string(origin, doc, key);
  if (!s) return s.error();
  if (!*s) return {};
  auto value = check(**s);
  if (!value) return at(origin, value.error().message);
  out = *value;
  return {};
}

Result<void> read_top_level(std::string_view origin, const toml::table& doc, Config& c) {
  if (auto r = read_checked(origin, doc, "mode", c.mode, parse_mode); !r) return r;
  if (auto r =
          read_checked(origin, doc, "table", c.table, [](std::string_view v) { return check_identifier("table", v); });
      !r)
    return r;
  if (auto r = read_checked(origin, doc, "comment", c.comment,
                            [](std::string_view v) { return check_comment("comment", v); });
      !r)
    return r;
  for (auto [key, field] : {std::pair<std::string_view, bool*>{"ipv4", &c.ipv4},
                            {"ipv6", &c.ipv6},
                            {"stateless", &c.stateless},
                            {"ping", &c.ping}})
    if (auto b = read_bool(origin, doc, key, *field); !b) return b;
  return {};
}

// The table under KEY, or null when the file has none; an error when KEY is
// not a table. SHAPE says what the table should hold, for the message.
Result<const toml::table*> section(std::string_view origin, const toml::table& doc, std::string_view key,
                                   std::string_view shape) {
  const toml::node* n = doc.get(key);
  if (!n) return static_cast<const toml::table*>(nullptr);
  if (!n->is_table()) return at(origin, "[" + std::string(key) + "] must be " + std::string(shape));
  return n->as_table();
}

Result<void> read_ranges(std::string_view origin, const toml::table& doc, const OsProfileDb& db, Config& c) {
  auto t = section(origin, doc, "ranges", "a table of name = \"ports\"");
  if (!t) return t.error();
  if (!*t) return {};
  for (auto&& [k, v] : **t) {
    auto name = check_identifier("range name", k.str());
    if (!name) return at(origin, name.error().message);
    if (db.find(*name) || *name == "live")
      return at(origin, "range name '" + *name + "' is reserved or an OS profile id: pick another");
    if (!v.is_string()) return at(origin, "range " + *name + " must be a \"a-b\" string");
    auto ports = parse_ports("range " + *name, v.as_string()->get());
    if (!ports) return at(origin, ports.error().message);
    if (ports->empty()) return at(origin, "range " + *name + " is empty");
    c.named_ranges[*name] = *ports;
  }
  return {};
}

Result<void> read_host(std::string_view origin, const toml::table& doc, const OsProfileDb& db, Config& c) {
  auto t = section(origin, doc, "host", "a table");
  if (!t) return t.error();
  if (!*t) return {};
  if (auto k = check_keys(origin, "host", **t, {"range"}); !k) return k;
  auto r = read_string(origin, **t, "range");
  if (!r) return r.error();
  if (*r && **r != "live") {
    auto spec = resolve_range(**r, c.named_ranges, db);
    if (!spec) return at(origin, "[host] " + spec.error().message);
    c.host_range = *spec;
  }
  return {};
}

Result<void> read_subnets(std::string_view origin, const toml::table& doc, const OsProfileDb& db, Config& c) {
  auto t = section(origin, doc, "subnets", "a table of \"prefix\" = \"range\"");
  if (!t) return t.error();
  if (!*t) return {};
  c.subnets.reserve((*t)->size());
  // Thousands of subnets share a handful of ranges: resolve each text once.
  std::map<std::string, std::shared_ptr<const RangeSpec>, std::less<>> resolved;
  for (auto&& [k, v] : **t) {
    if (!v.is_string()) return at(origin, "subnet " + quoted_for_error(k.str()) + " must map to a range string");
    auto prefix = IpPrefix::parse(k.str());
    if (!prefix) return at(origin, "subnet " + quoted_for_error(k.str()) + ": " + prefix.error().message);
    const std::string& range_text = v.as_string()->get();
    auto it = resolved.find(range_text);
    if (it == resolved.end()) {
      auto r = resolve_range(range_text, c.named_ranges, db);
      if (!r) return at(origin, "subnet " + prefix->to_string() + ": " + r.error().message);
      it = resolved.emplace(range_text, std::make_shared<const RangeSpec>(std::move(*r))).first;
    }
    c.subnets.push_back(Subnet{*prefix, it->second});
  }
  return {};
}

// tcp = [...] and udp = [...] of [services] or [outbound].
Result<void> read_tcp_udp(std::string_view origin, const toml::table& t, const std::string& section_name, PortSet& tcp,
                          PortSet& udp) {
  auto tcp_ports = read_ports(origin, t, "tcp", section_name + ".tcp");
  if (!tcp_ports) return tcp_ports.error();
  auto udp_ports = read_ports(origin, t, "udp", section_name + ".udp");
  if (!udp_ports) return udp_ports.error();
  tcp = *tcp_ports;
  udp = *udp_ports;
  return {};
}

Result<void> read_services(std::string_view origin, const toml::table& doc, Config& c) {
  auto t = section(origin, doc, "services", "a table");
  if (!t) return t.error();
  if (!*t) return {};
  if (auto k = check_keys(origin, "services", **t, {"tcp", "udp"}); !k) return k;
  return read_tcp_udp(origin, **t, "services", c.tcp_services, c.udp_services);
}

Result<void> read_outbound(std::string_view origin, const toml::table& doc, Config& c) {
  auto t = section(origin, doc, "outbound", "a table");
  if (!t) return t.error();
  if (!*t) return {};
  if (auto k = check_keys(origin, "outbound", **t, {"policy", "tcp", "udp"}); !k) return k;
  if (auto r = read_checked(origin, **t, "policy", c.outbound, parse_outbound); !r) return r;
  return read_tcp_udp(origin, **t, "outbound", c.outbound_tcp, c.outbound_udp);
}

Result<void> read_protocols(std::string_view origin, const toml::table& doc, Config& c) {
  auto t = section(origin, doc, "protocols", "a table");
  if (!t) return t.error();
  if (!*t) return {};
  if (auto k = check_keys(origin, "protocols", **t, {"ntp", "dhcp", "mdns", "ike", "wireguard"}); !k) return k;
  for (auto [key, field] : {std::pair<std::string_view, bool*>{"ntp", &c.protocols.ntp},
                            {"dhcp", &c.protocols.dhcp},
                            {"mdns", &c.protocols.mdns},
                            {"ike", &c.protocols.ike}})
    if (auto b = read_bool(origin, **t, key, *field); !b) return b;
  auto wg = read_ports(origin, **t, "wireguard", "protocols.wireguard");
  if (!wg) return wg.error();
  c.protocols.wireguard = *wg;
  return {};
}

}  // namespace

Result<Config> parse_config(std::string_view text, std::string_view origin, const OsProfileDb& base_db,
                            const std::filesystem::path& base_dir) {
  auto parsed = parse_toml_document(text, origin);
  if (!parsed) return parsed.error();
  const toml::table doc = std::move(parsed).value();
  if (auto k = check_keys(origin, "", doc,
                          {"mode", "table", "comment", "ipv4", "ipv6", "stateless", "ping", "profiles", "ranges",
                           "host", "subnets", "services", "outbound", "protocols"});
      !k)
    return k.error();
  auto db = read_profiles(origin, doc, base_db, base_dir);
  if (!db) return db.error();
  Config c;
  if (auto r = read_top_level(origin, doc, c); !r) return r.error();
  // [ranges] before [host] and [subnets], which may name them.
  if (auto r = read_ranges(origin, doc, *db, c); !r) return r.error();
  if (auto r = read_host(origin, doc, *db, c); !r) return r.error();
  if (auto r = read_subnets(origin, doc, *db, c); !r) return r.error();
  if (auto r = read_services(origin, doc, c); !r) return r.error();
  if (auto r = read_outbound(origin, doc, c); !r) return r.error();
  if (auto r = read_protocols(origin, doc, c); !r) return r.error();
  return c;
}

Result<Config> load_config(const std::filesystem::path& path, const OsProfileDb& db) {
  // read_text_file refuses a directory, a FIFO or a device with one line
  // instead of an exception or a read that never returns.
  auto text = read_text_file(path, "config file");
  if (!text) return text.error();
  return parse_config(*text, path.string(), db, path.parent_path());
}

Result<void> apply_overrides(Config& c, const Overrides& o, const OsProfileDb& db) {
  if (o.mode) {
    auto m = parse_mode(*o.mode);
    if (!m) return m.error();
    c.mode = *m;
  }
  if (o.table) {
    auto n = check_identifier("table", *o.table);
    if (!n) return n.error();
    c.table = *n;
  }
  if (o.range) {
    if (*o.range == "live") {
      c.host_range.reset();
    } else {
      auto r = resolve_range(*o.range, c.named_ranges, db);
      if (!r) return r.error();
      c.host_range = *r;
    }
  }
  for (const std::string& s : o.subnets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos) return make_error("--subnet " + quoted_for_error(s) + " must be PREFIX=RANGE");
    auto subnet = parse_subnet(s.substr(0, eq), s.substr(eq + 1), c, db);
    if (!subnet) return subnet.error();
    c.subnets.push_back(*subnet);
  }
  const std::pair<const std::optional<std::string>*, PortSet*> ports[] = {{&o.tcp_services, &c.tcp_services},
                                                                          {&o.udp_services, &c.udp_services},
                                                                          {&o.outbound_tcp, &c.outbound_tcp},
                                                                          {&o.outbound_udp, &c.outbound_udp}};
  const char* names[] = {"--tcp", "--udp", "--outbound-tcp", "--outbound-udp"};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!*ports[i].first) continue;
    auto p = parse_ports(names[i], **ports[i].first);
    if (!p) return p.error();
    *ports[i].second = *p;
  }
  if (o.outbound) {
    auto ob = parse_outbound(*o.outbound);
    if (!ob) return ob.error();
    c.outbound = *ob;
  }
  for (const std::string& a : o.allow)
    if (auto r = set_protocol(c.protocols, a); !r) return r;
  for (const std::string& w : o.wireguard) {
    auto p = parse_port(w);
    if (!p) return make_error("--wireguard: " + p.error().message);
    c.protocols.wireguard.add(*p);
  }
  if (o.no_ipv4) c.ipv4 = false;
  if (o.no_ipv6) c.ipv6 = false;
  if (o.stateless) c.stateless = true;
  if (o.no_ping) c.ping = false;
  return {};
}

}  // namespace portclass::nft
