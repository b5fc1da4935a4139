// SPDX-License-Identifier: GPL-2.0-or-later
#include "explain_report.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "text.hpp"

namespace portclass::cli {
namespace {

bool applies_to(const NotablePortUse& use, const std::vector<Transport>& transports) {
  return std::any_of(transports.begin(), transports.end(),
                     [&](Transport t) { return t == Transport::tcp ? use.tcp : use.udp; });
}

std::string transports_of(const NotablePortUse& use) {
  if (use.tcp && use.udp) return "tcp, udp";
  return use.tcp ? "tcp" : "udp";
}

std::string owners_text(const SocketUse& use) {
  if (use.owners.empty())
    return use.socket.inode == 0 ? "-" : fmt::format("uid {}, process not visible", use.socket.uid);
  std::string s;
  for (const auto& o : use.owners) s += fmt::format("{}{} (pid {})", s.empty() ? "" : ", ", o.name, o.pid);
  return s;
}

void render_profiles(const std::vector<const OsProfile*>& profiles, std::size_t id_width, std::size_t name_width,
                     std::ostream& out) {
  if (profiles.empty()) out << "  (none)\n";
  for (const OsProfile* p : profiles)
    out << fmt::format("  {:<{}}  {:<{}}  {}\n", p->id, id_width, p->name, name_width, p->ephemeral.to_string());
}

}  // namespace

ExplainReport build_explain_report(const PortArgument& argument, const PortKnowledge& knowledge) {
  ExplainReport r;
  r.port = argument.port;
  if (argument.transport)
    r.transports = {*argument.transport};
  else
    r.transports = {Transport::tcp, Transport::udp};
  r.category = category_of(argument.port);
  for (const Transport t : r.transports) r.services.emplace_back(t, knowledge.services().lookup(argument.port, t));
  for (const auto& profile : knowledge.profiles().profiles())
    (profile.ephemeral.contains(argument.port) ? r.inside : r.outside).push_back(&profile);
  for (const NotablePortUse* use : knowledge.notable().matching(argument.port))
    if (applies_to(*use, r.transports)) r.notable.push_back(use);
  return r;
}

std::vector<SocketUse> sockets_using(const ExplainReport& report, const std::vector<SocketEntry>& table) {
  std::vector<SocketUse> out;
  if (report.port == 0) return out;  // port 0 means "unbound", not a port in use
  for (const SocketEntry& s : table) {
    if (std::find(report.transports.begin(), report.transports.end(), s.transport) == report.transports.end())
      continue;
    const bool local = s.local_port == report.port;
    const bool remote = !local && s.remote_port == report.port;
    if (!local && !remote) continue;
    out.push_back({s, local, {}});
  }
  const auto key = [](const SocketUse& u) {
    return std::make_tuple(u.socket.transport, !u.local, !is_listening(u.socket), u.socket.local, u.socket.local_port,
                           u.socket.remote, u.socket.remote_port);
  };
  std::sort(out.begin(), out.end(), [&](const SocketUse& a, const SocketUse& b) { return key(a) < key(b); });
  return out;
}

void attach_owners(std::vector<SocketUse>& uses, const SocketOwners& owners) {
  for (SocketUse& use : uses)
    if (const auto it = owners.find(use.socket.inode); use.socket.inode != 0 && it != owners.end())
      use.owners = it->second;
}

void render_text(const ExplainReport& r, std::ostream& out) {
  std::string transports;
  for (const Transport t : r.transports) transports += (transports.empty() ? "" : " and ") + std::string(to_string(t));
  out << fmt::format("Port {} ({})\n\n", r.port, transports);

  out << fmt::format("IANA category: {} ({})\n  {}\n\n", to_string(r.category), range_of(r.category).to_string(),
                     describe(r.category));

  out << "Registered service names (IANA):\n";
  for (const auto& [t, names] : r.services) {
    if (names.empty()) out << fmt::format("  {}/{}: none\n", r.port, to_string(t));
    for (const auto& n : names)
      out << fmt::format("  {}/{}: {}{}\n", r.port, to_string(t), n.name,
                         n.description.empty() ? "" : " - " + n.description);
  }

  std::size_t id_width = 0, name_width = 0;
  for (const auto* list : {&r.inside, &r.outside})
    for (const OsProfile* p : *list) id_width = std::max(id_width, p->id.size()), name_width = std::max(name_width, p->name.size());
  out << "\nInside the default ephemeral range of:\n";
  render_profiles(r.inside, id_width, name_width, out);
  out << "Outside the default ephemeral range of:\n";
  render_profiles(r.outside, id_width, name_width, out);

  out << "\nNotable unofficial uses:\n";
  if (r.notable.empty()) out << "  (none known)\n";
  for (const NotablePortUse* use : r.notable)
    out << fmt::format("  {} ({}, {}): {}\n", use->name, transports_of(*use), use->ports.to_string(), use->description);

  out << "\nOn this host now:\n";
  if (!r.sockets) {
    out << "  unknown: " << r.socket_error << "\n";
    return;
  }
  if (r.sockets->empty()) {
    out << "  nothing\n";
    return;
  }
  for (const SocketUse& use : *r.sockets) {
    const SocketEntry& s = use.socket;
    out << fmt::format("  {:<4} {:<10} {:<28} {:<28} {}{}\n", to_string(s.transport), state_name(s.state),
                       endpoint(s.local, s.local_port), is_listening(s) ? "*:*" : endpoint(s.remote, s.remote_port),
                       owners_text(use), use.local ? "" : "  (the peer's port)");
  }
}

nlohmann::json to_json(const ExplainReport& r) {
  using nlohmann::json;
  json j;
  j["port"] = r.port;
  j["transports"] = json::array();
  for (const Transport t : r.transports) j["transports"].push_back(to_string(t));
  j["category"] = {{"name", to_string(r.category)},
                   {"range", range_of(r.category).to_string()},
                   {"description", describe(r.category)}};
  j["services"] = json::object();
  for (const auto& [t, names] : r.services) {
    json list = json::array();
    for (const auto& n : names) list.push_back({{"name", n.name}, {"description", n.description}});
    j["services"][std::string(to_string(t))] = list;
  }
  const auto profiles = [](const std::vector<const OsProfile*>& ps) {
    json list = json::array();
    for (const OsProfile* p : ps)
      list.push_back({{"id", p->id}, {"family", p->family}, {"name", p->name}, {"range", p->ephemeral.to_string()}});
    return list;
  };
  j["ephemeral_ranges"] = {{"inside", profiles(r.inside)}, {"outside", profiles(r.outside)}};
  j["notable"] = json::array();
  for (const NotablePortUse* use : r.notable) {
    json transports = json::array();
    if (use->tcp) transports.push_back("tcp");
    if (use->udp) transports.push_back("udp");
    j["notable"].push_back({{"name", use->name},
                            {"kind", use->kind},
                            {"ports", use->ports.to_string()},
                            {"transports", transports},
                            {"description", use->description},
                            {"source", use->source}});
  }
  if (!r.sockets) {
    j["sockets"] = nullptr;
    j["sockets_error"] = r.socket_error;
    return j;
  }
  j["sockets"] = json::array();
  for (const SocketUse& use : *r.sockets) {
    const SocketEntry& s = use.socket;
    json processes = json::array();
    for (const auto& o : use.owners) processes.push_back({{"pid", o.pid}, {"name", o.name}});
    j["sockets"].push_back({{"transport", to_string(s.transport)},
                            {"state", state_name(s.state)},
                            {"side", use.local ? "local" : "remote"},
                            {"local_address", s.local.to_string()},
                            {"local_port", s.local_port},
                            {"remote_address", s.remote.to_string()},
                            {"remote_port", s.remote_port},
                            {"inode", s.inode},
                            {"uid", s.uid},
                            {"processes", processes}});
  }
  return j;
}

}  // namespace portclass::cli
