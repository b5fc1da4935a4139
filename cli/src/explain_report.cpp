// SPDX-License-Identifier: GPL-2.0-or-later
#include "explain_report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
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

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Splits off the next whitespace-separated field of `line`.
std::string_view next_field(std::string_view& line) {
  std::size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  std::size_t j = i;
  while (j < line.size() && !is_space(line[j])) ++j;
  const std::string_view field = line.substr(i, j - i);
  line.remove_prefix(j);
  return field;
}

std::optional<NmapServiceEntry> parse_nmap_line(std::string_view line) {
  NmapServiceEntry e;
  std::string_view comment;
  if (const auto hash = line.find('#'); hash != std::string_view::npos) {
    comment = line.substr(hash + 1);
    line = line.substr(0, hash);
  }
  const std::string_view name = next_field(line);
  const std::string_view port_proto = next_field(line);
  const std::string_view frequency = next_field(line);
  if (name.empty() || frequency.empty() || !next_field(line).empty()) return std::nullopt;
  const auto slash = port_proto.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view number = port_proto.substr(0, slash), proto = port_proto.substr(slash + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc{} || end != number.data() + number.size() || value > 65535) return std::nullopt;
  if (proto == "tcp")
    e.transport = Transport::tcp;
  else if (proto == "udp")
    e.transport = Transport::udp;
  else
    return std::nullopt;  // sctp and others: not this tool's transports
  const auto [f_end, f_ec] = std::from_chars(frequency.data(), frequency.data() + frequency.size(), e.frequency);
  if (f_ec != std::errc{} || f_end != frequency.data() + frequency.size() || !std::isfinite(e.frequency) ||
      e.frequency < 0.0 || e.frequency > 1.0)
    return std::nullopt;
  e.name = std::string(name);
  e.port = static_cast<Port>(value);
  while (!comment.empty() && is_space(comment.front())) comment.remove_prefix(1);
  while (!comment.empty() && (is_space(comment.back()) || comment.back() == '\n')) comment.remove_suffix(1);
  for (char c : comment)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) e.comment += c;
  return e;
}

std::string fill(std::string_view pattern, Port port) {
  std::string out;
  const std::string p = std::to_string(port);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 4, "PORT") == 0) {
      out += p;
      i += 3;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

bool has(const std::vector<Transport>& ts, Transport t) { return std::find(ts.begin(), ts.end(), t) != ts.end(); }

}  // namespace

NmapServices parse_nmap_services(std::string_view text) {
  NmapServices out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    std::string_view probe = line;
    const std::string_view first = next_field(probe);
    if (first.empty() || first.front() == '#') continue;  // blank line or comment
    if (auto e = parse_nmap_line(line))
      out.entries.push_back(std::move(*e));
    else
      ++out.skipped;
  }
  return out;
}

std::vector<HolderCommand> holder_commands(Port port, const std::vector<Transport>& transports) {
  std::vector<HolderCommand> out;
  if (port == 0) return out;  // port 0 means "any port": nothing holds it
  const bool tcp = has(transports, Transport::tcp), udp = has(transports, Transport::udp);
  const std::string ss_flags = tcp && udp ? "-tulpn" : tcp ? "-tlpn" : "-ulpn";
  const auto add = [&](const char* os, const char* shell, const std::string& command, const char* shows) {
    out.push_back({os, shell, fill(command, port), shows});
  };
  add("linux", "sh", "ss " + ss_flags + " 'sport = :PORT'",
      "listening sockets on the port with pid and program (root sees all)");
  add("linux", "sh",
      std::string("lsof -nP -i ") +
          (tcp && udp ? ""
           : tcp      ? "TCP"
                      : "UDP") +
          ":PORT",
      "every socket with the port on either end, with its process");
  if (tcp)
    add("macos", "sh", "lsof -nP -iTCP:PORT -sTCP:LISTEN", "the process listening on the TCP port (sudo to see all)");
  if (udp) add("macos", "sh", "lsof -nP -iUDP:PORT", "processes with a UDP socket on the port");
  add("windows", "cmd", "netstat -ano | findstr :PORT", "sockets with the port, PID in the last column");
  if (tcp)
    add("windows", "powershell", "Get-NetTCPConnection -LocalPort PORT",
        "TCP sockets on the local port, OwningProcess = PID");
  if (udp)
    add("windows", "powershell", "Get-NetUDPEndpoint -LocalPort PORT",
        "UDP endpoints on the local port, OwningProcess = PID");
  return out;
}

void attach_nmap(ExplainReport& report, const std::string& path) {
  report.nmap_path = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    report.nmap_error = "cannot read " + path + ": a directory, not nmap's frequency table";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    report.nmap_error = "no nmap frequency table at " + path + " (install nmap-common)";
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    report.nmap_error = "cannot read " + path;
    return;
  }
  const NmapServices table = parse_nmap_services(text.str());
  report.nmap_skipped = table.skipped;
  if (table.entries.empty()) {
    report.nmap_error = path + " has no nmap-services lines (name port/proto frequency)";
    return;
  }
  std::vector<NmapFrequency> found;
  for (const Transport t : report.transports) {
    std::size_t ranked = 0;
    for (const auto& e : table.entries) ranked += e.transport == t ? 1 : 0;
    for (const auto& e : table.entries) {
      if (e.transport != t || e.port != report.port) continue;
      std::size_t above = 0;
      for (const auto& o : table.entries) above += o.transport == t && o.frequency > e.frequency ? 1 : 0;
      found.push_back({e, above + 1, ranked});
      break;  // nmap lists a port/proto once; the first line wins
    }
  }
  report.nmap = std::move(found);
}

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
  r.commands = holder_commands(r.port, r.transports);
  return r;
}

std::vector<SocketUse> sockets_using(const ExplainReport& report, const std::vector<host::SocketEntry>& table) {
  std::vector<SocketUse> out;
  if (report.port == 0) return out;  // port 0 means "unbound", not a port in use
  for (const host::SocketEntry& s : table) {
    if (std::find(report.transports.begin(), report.transports.end(), s.transport) == report.transports.end()) continue;
    const bool local = s.local_port == report.port;
    const bool remote = !local && s.remote_port == report.port;
    if (!local && !remote) continue;
    out.push_back({s, local, {}});
  }
  const auto key = [](const SocketUse& u) {
    return std::make_tuple(u.socket.transport, !u.local, !host::is_listening(u.socket), u.socket.local,
                           u.socket.local_port, u.socket.remote, u.socket.remote_port);
  };
  std::sort(out.begin(), out.end(), [&](const SocketUse& a, const SocketUse& b) { return key(a) < key(b); });
  return out;
}

void attach_owners(std::vector<SocketUse>& uses, const host::SocketOwners& owners) {
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
    for (const OsProfile* p : *list)
      id_width = std::max(id_width, p->id.size()), name_width = std::max(name_width, p->name.size());
  out << "\nInside the default ephemeral range of:\n";
  render_profiles(r.inside, id_width, name_width, out);
  out << "Outside the default ephemeral range of:\n";
  render_profiles(r.outside, id_width, name_width, out);

  out << "\nNotable unofficial uses:\n";
  if (r.notable.empty()) out << "  (none known)\n";
  for (const NotablePortUse* use : r.notable) {
    out << fmt::format("  {} ({}, {}): {}\n", use->name, transports_of(*use), use->ports.to_string(), use->description);
    out << fmt::format("    source: {}{}\n", use->source, use->weak ? " [weak: single or third-party source]" : "");
  }

  out << "\nHow often nmap finds it open (nmap-services):\n";
  if (!r.nmap) {
    out << "  unknown: " << r.nmap_error << "\n";
  } else {
    for (const Transport t : r.transports) {
      const auto it =
          std::find_if(r.nmap->begin(), r.nmap->end(), [&](const NmapFrequency& f) { return f.entry.transport == t; });
      if (it == r.nmap->end()) {
        out << fmt::format("  {}/{}: not in nmap's table (no recorded open frequency)\n", r.port, to_string(t));
        continue;
      }
      out << fmt::format("  {}/{}: {} {:.6f} of scanned hosts, rank {} of {} {} ports{}\n", r.port, to_string(t),
                         it->entry.name, it->entry.frequency, it->rank, it->ranked, to_string(t),
                         it->entry.comment.empty() ? "" : " - " + it->entry.comment);
    }
  }

  out << "\nWho holds it (run as root / Administrator to see every process):\n";
  if (r.commands.empty()) out << "  (port 0 is never held)\n";
  for (const HolderCommand& c : r.commands) out << fmt::format("  {:<8} {:<11} {}\n", c.os, c.shell, c.command);

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
    const host::SocketEntry& s = use.socket;
    out << fmt::format("  {:<4} {:<10} {:<28} {:<28} {}{}\n", to_string(s.transport), host::state_name(s.state),
                       endpoint(s.local, s.local_port),
                       host::is_listening(s) ? "*:*" : endpoint(s.remote, s.remote_port), owners_text(use),
                       use.local ? "" : "  (the peer's port)");
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
                            {"source", use->source},
                            {"confidence", use->weak ? "weak" : "documented"}});
  }
  j["nmap"] = {{"path", r.nmap_path}, {"skipped_lines", r.nmap_skipped}};
  if (!r.nmap) {
    j["nmap"]["frequencies"] = nullptr;
    j["nmap"]["error"] = r.nmap_error;
  } else {
    json list = json::array();
    for (const NmapFrequency& f : *r.nmap)
      list.push_back({{"transport", to_string(f.entry.transport)},
                      {"name", f.entry.name},
                      {"frequency", f.entry.frequency},
                      {"rank", f.rank},
                      {"ranked", f.ranked},
                      {"comment", f.entry.comment}});
    j["nmap"]["frequencies"] = list;
  }
  j["commands"] = json::array();
  for (const HolderCommand& c : r.commands)
    j["commands"].push_back({{"os", c.os}, {"shell", c.shell}, {"command", c.command}, {"shows", c.shows}});
  if (!r.sockets) {
    j["sockets"] = nullptr;
    j["sockets_error"] = r.socket_error;
    return j;
  }
  j["sockets"] = json::array();
  for (const SocketUse& use : *r.sockets) {
    const host::SocketEntry& s = use.socket;
    json processes = json::array();
    for (const auto& o : use.owners) processes.push_back({{"pid", o.pid}, {"name", o.name}});
    j["sockets"].push_back({{"transport", to_string(s.transport)},
                            {"state", host::state_name(s.state)},
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
