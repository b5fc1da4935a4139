// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/profile_json.hpp"

#include <algorithm>

#include "quoted_text.hpp"

namespace portclass {

using nlohmann::json;

// Reads and writes every field of a HostProfile; a friend of the class.
struct HostProfileCodec {
  static json encode_ports(const DistinctPorts& ports) { return ports.to_set().to_string(); }

  static json encode_sequence(const SequenceStats& s) {
    return {{"events", s.events},           {"unit_rises", s.unit_rises},   {"unit_falls", s.unit_falls},
            {"small_rises", s.small_rises}, {"small_falls", s.small_falls}, {"first_time", s.first_time},
            {"last_time", s.last_time},     {"first_port", s.first_port},   {"last_port", s.last_port}};
  }

  static json encode(const HostProfile& p) {
    json transports = json::object();
    for (auto t : {Transport::tcp, Transport::udp}) {
      const auto& s = p.stats(t);
      json ttls = json::object();
      for (const auto& [ttl, n] : s.ttls) ttls[std::to_string(ttl)] = n;
      transports[std::string(to_string(t))] = {{"ttl", ttls},
                                               {"client_ports", encode_ports(s.client_ports)},
                                               {"client_sequence", encode_sequence(s.client_sequence)},
                                               {"server_ports", encode_ports(s.server_ports)}};
    }
    return {{"packets", p.packets_},
            {"transports", transports},
            {"signatures",
             {{"syn", p.syn_signatures_}, {"syn_ack", p.synack_signatures_}, {"dropped", p.signatures_dropped_}}},
            {"dns",
             {{"queries", p.dns_queries_},
              {"ports", encode_ports(p.dns_ports_)},
              {"sequence", encode_sequence(p.dns_sequence_)}}}};
  }

  // Decoding: each reader takes the JSON path for its messages.
  static Result<std::uint64_t> count(const json& j, const std::string& path) {
    if (!j.is_number_unsigned()) return make_error(path + ": expected a non-negative integer");
    return j.get<std::uint64_t>();
  }

  static Result<Timestamp> time(const json& j, const std::string& path) {
    if (!j.is_number_integer()) return make_error(path + ": expected an integer timestamp");
    return j.get<Timestamp>();
  }

  static Result<Port> port(const json& j, const std::string& path) {
    if (!j.is_number_unsigned() || j.get<std::uint64_t>() > 65535)
      return make_error(path + ": expected a port 0-65535");
    return static_cast<Port>(j.get<std::uint64_t>());
  }

  static const json* member(const json& j, const char* key, const std::string& path, Error& error) {
    if (!j.is_object()) {
      error = make_error(path + ": expected an object");
      return nullptr;
    }
    const auto it = j.find(key);
    if (it == j.end()) {
      error = make_error(path + ": missing '" + key + "'");
      return nullptr;
    }
    return &*it;
  }

  static Result<DistinctPorts> ports(const json& j, const std::string& path) {
    if (!j.is_string()) return make_error(path + ": expected a port list string");
    DistinctPorts out;
    const auto& text = j.get_ref<const std::string&>();
    if (text.empty()) return out;
    auto set = PortSet::parse(text);
    if (!set) return make_error(path + ": " + set.error().message);
    for (const auto& r : set->ranges())
      for (std::uint32_t p = r.first; p <= r.last; ++p) out.insert(static_cast<Port>(p));
    return out;
  }

  static Result<SequenceStats> sequence(const json& j, const std::string& path) {
    SequenceStats s;
    Error error;
    for (auto [key, field] : {std::pair{"events", &s.events}, std::pair{"unit_rises", &s.unit_rises},
                              std::pair{"unit_falls", &s.unit_falls}, std::pair{"small_rises", &s.small_rises},
                              std::pair{"small_falls", &s.small_falls}}) {
      const json* m = member(j, key, path, error);
      if (!m) return error;
      auto v = count(*m, path + "." + key);
      if (!v) return v.error();
      *field = *v;
    }
    for (auto [key, field] : {std::pair{"first_time", &s.first_time}, std::pair{"last_time", &s.last_time}}) {
      const json* m = member(j, key, path, error);
      if (!m) return error;
      auto v = time(*m, path + "." + key);
      if (!v) return v.error();
      *field = *v;
    }
    for (auto [key, field] : {std::pair{"first_port", &s.first_port}, std::pair{"last_port", &s.last_port}}) {
      const json* m = member(j, key, path, error);
      if (!m) return error;
      auto v = port(*m, path + "." + key);
      if (!v) return v.error();
      *field = *v;
    }
    const std::uint64_t steps = s.steps();
    if (s.small_rises > steps || s.small_falls > steps || s.unit_rises > s.small_rises || s.unit_falls > s.small_falls)
      return make_error(path + ": step counts exceed the number of steps");
    return s;
  }

  static Result<HostProfile> decode(const json& j, const std::string& path) {
    HostProfile p;
    Error error;
    const json* packets = member(j, "packets", path, error);
    if (!packets) return error;
    auto n = count(*packets, path + ".packets");
    if (!n) return n.error();
    p.packets_ = *n;

    const json* transports = member(j, "transports", path, error);
    if (!transports) return error;
    for (auto t : {Transport::tcp, Transport::udp}) {
      const std::string name(to_string(t));
      const std::string at = path + ".transports." + name;
      const json* tj = member(*transports, name.c_str(), path + ".transports", error);
      if (!tj) return error;
      auto& s = t == Transport::tcp ? p.tcp_ : p.udp_;
      const json* ttls = member(*tj, "ttl", at, error);
      if (!ttls) return error;
      if (!ttls->is_object()) return make_error(at + ".ttl: expected an object");
      for (const auto& [key, value] : ttls->items()) {
        auto ttl = parse_port(key);
        if (!ttl || *ttl > 255) return make_error(at + ".ttl: key is not a TTL 0-255");
        auto c = count(value, at + ".ttl." + key);
        if (!c) return c.error();
        s.ttls[static_cast<std::uint8_t>(*ttl)] = *c;
      }
      const json* cp = member(*tj, "client_ports", at, error);
      const json* cs = cp ? member(*tj, "client_sequence", at, error) : nullptr;
      const json* sp = cs ? member(*tj, "server_ports", at, error) : nullptr;
      if (!sp) return error;
      auto client = ports(*cp, at + ".client_ports");
      if (!client) return client.error();
      auto seq = sequence(*cs, at + ".client_sequence");
      if (!seq) return seq.error();
      auto server = ports(*sp, at + ".server_ports");
      if (!server) return server.error();
      s.client_ports = std::move(client).value();
      s.client_sequence = *seq;
      s.server_ports = std::move(server).value();
    }

    const json* signatures = member(j, "signatures", path, error);
    if (!signatures) return error;
    for (const bool syn_ack : {false, true}) {
      const std::string at = path + ".signatures." + (syn_ack ? "syn_ack" : "syn");
      const json* table = member(*signatures, syn_ack ? "syn_ack" : "syn", path + ".signatures", error);
      if (!table) return error;
      if (!table->is_object() || table->size() > HostProfile::kMaxSignatures)
        return make_error(at + ": expected an object of at most " + std::to_string(HostProfile::kMaxSignatures) +
                          " signatures");
      for (const auto& [key, value] : table->items()) {
        if (key.size() > HostProfile::kMaxSignatureLength)
          return make_error(at + ": signature longer than " + std::to_string(HostProfile::kMaxSignatureLength) +
                            " characters");
        // Only the canonical form key() writes: another spelling of the same
        // signature would be a second entry for one stack.
        auto parsed = parse_signature_key(key, syn_ack);
        if (!parsed) return make_error(at + ": " + parsed.error().message);
        if (const std::string canonical = parsed->key(); canonical != key)
          return make_error(at + ": signature '" + detail::quoted_text(key) + "' is not in canonical form (expected '" +
                            canonical + "')");
        auto c = count(value, at);
        if (!c) return c.error();
        (syn_ack ? p.synack_signatures_ : p.syn_signatures_)[key] = *c;
      }
    }
    const json* dropped = member(*signatures, "dropped", path + ".signatures", error);
    if (!dropped) return error;
    auto d = count(*dropped, path + ".signatures.dropped");
    if (!d) return d.error();
    p.signatures_dropped_ = *d;

    const json* dns = member(j, "dns", path, error);
    if (!dns) return error;
    const json* queries = member(*dns, "queries", path + ".dns", error);
    const json* dports = queries ? member(*dns, "ports", path + ".dns", error) : nullptr;
    const json* dseq = dports ? member(*dns, "sequence", path + ".dns", error) : nullptr;
    if (!dseq) return error;
    auto q = count(*queries, path + ".dns.queries");
    if (!q) return q.error();
    auto dp = ports(*dports, path + ".dns.ports");
    if (!dp) return dp.error();
    auto ds = sequence(*dseq, path + ".dns.sequence");
    if (!ds) return ds.error();
    p.dns_queries_ = *q;
    p.dns_ports_ = std::move(dp).value();
    p.dns_sequence_ = *ds;
    return p;
  }
};

json to_json(const HostProfile& profile) { return HostProfileCodec::encode(profile); }

Result<HostProfile> host_profile_from_json(const json& j) { return HostProfileCodec::decode(j, "$"); }

json to_json(const HostDirectory& directory) {
  // Sorted by address so that the same capture always gives the same bytes.
  std::vector<const HostDirectory::Map::value_type*> hosts;
  for (const auto& entry : directory.hosts()) hosts.push_back(&entry);
  std::sort(hosts.begin(), hosts.end(), [](auto* a, auto* b) { return a->first < b->first; });
  json out = json::object();
  for (const auto* entry : hosts) out[entry->first.to_string()] = to_json(entry->second);
  return {{"format", "portclass-profiles"}, {"version", kProfileDocumentVersion}, {"hosts", out}};
}

Result<std::size_t> merge_from_json(const json& document, HostDirectory& into) {
  const auto is = [&](const char* key, const json& expected) {
    const auto it = document.find(key);
    return it != document.end() && *it == expected;
  };
  if (!document.is_object() || !is("format", "portclass-profiles"))
    return make_error("not a portclass profile document (expected \"format\": \"portclass-profiles\")");
  if (!is("version", kProfileDocumentVersion)) {
    const std::string expected = "(expected " + std::to_string(kProfileDocumentVersion) + ")";
    if (is("version", 1))
      return make_error("profile document version 1 " + expected +
                        ": it holds SYN option layouts, not signatures; profile the capture again");
    return make_error("unsupported profile document version " + expected);
  }
  const auto hosts = document.find("hosts");
  if (hosts == document.end() || !hosts->is_object()) return make_error("$.hosts: expected an object");
  // Decode everything first: a bad host must leave `into` untouched.
  std::vector<std::pair<IpAddress, HostProfile>> decoded;
  for (const auto& [key, value] : hosts->items()) {
    auto address = IpAddress::parse(key);
    if (!address) return make_error("$.hosts: " + address.error().message);
    auto profile = HostProfileCodec::decode(value, "$.hosts[" + address->to_string() + "]");
    if (!profile) return profile.error();
    decoded.emplace_back(*address, std::move(profile).value());
  }
  for (const auto& [address, profile] : decoded) into.merge(address, profile);
  return decoded.size();
}

}  // namespace portclass
