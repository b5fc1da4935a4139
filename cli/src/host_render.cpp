// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_render.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include <fmt/format.h>

#include "name_escape.hpp"
#include "text.hpp"

namespace portclass::cli {
namespace {

constexpr std::size_t kTextDestinations = 5;
constexpr std::size_t kJsonDestinations = 20;

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::string states_text(std::uint64_t total, const std::map<std::string, std::uint64_t>& states) {
  std::string s = std::to_string(total);
  for (auto it = states.begin(); it != states.end(); ++it)
    s += fmt::format("{} {} {}", it == states.begin() ? ":" : ",", it->second, it->first);
  return s;
}

std::string owners_text(const ListenerInRange& l) {
  if (l.owners.empty()) return l.socket.inode == 0 ? "" : fmt::format("uid {}, process not visible", l.socket.uid);
  std::string s;
  for (const auto& o : l.owners)
    s += fmt::format("{}\"{}\" (pid {})", s.empty() ? "" : ", ", escape_for_text(o.name), o.pid);
  return s;
}

const char* half(bool even) { return even ? "even" : "odd"; }

std::string title(const HostReport& r) {
  if (!r.label_netns) return "Ephemeral ports of this host\n";
  const auto& w = r.where;
  std::string extra = fmt::format("inode {}", w.inode);
  if (w.source == NetnsSource::process) extra += fmt::format(", process {}", w.pid);
  if (w.source == NetnsSource::current) extra += ", portclass's own";
  return fmt::format("Ephemeral ports of network namespace \"{}\" ({})\n", escape_for_text(w.label), extra);
}

void parity_text(const HostHealth& h, const Thresholds& t, std::ostream& out) {
  const bool even = h.connect_prefers_even;
  out << fmt::format("  parity         connect() takes {} ports first: even {} of {}, odd {} of {}", half(even),
                     percent(h.even_utilisation), h.even_usable, percent(h.odd_utilisation), h.odd_usable);
  if (h.parity_level != HealthLevel::ok)
    out << fmt::format(" - the {} half is past the {} threshold ({})", half(even), to_string(h.parity_level),
                       percent(h.parity_level == HealthLevel::critical ? t.critical : t.warning));
  out << "\n";
}

void holders_text(const PortHolders& p, std::ostream& out) {
  out << "\nProcesses holding the most ephemeral ports:\n";
  if (p.top.empty()) out << "  none visible\n";
  for (const auto& row : p.top)
    out << fmt::format("  {:<4} pid {:<8} {:<20} {:>6} ports  {}\n", to_string(row.transport), row.pid,
                       "\"" + escape_for_text(row.name) + "\"", row.ports, percent(row.share));
  if (p.tcp_unowned || p.udp_unowned)
    out << fmt::format("  held by no visible process: {} tcp (TIME-WAIT or another user's), {} udp\n", p.tcp_unowned,
                       p.udp_unowned);
}

}  // namespace

void render_text(const HostView& v, std::ostream& out) {
  const HostHealth& h = v.report.health;
  out << title(v.report);
  out << fmt::format("  range          {} ({})\n", h.config.range.to_string(), plural(h.range_size, "port", "ports"));
  if (h.config.reserved.empty())
    out << fmt::format("  reserved       none: {} usable\n", h.usable);
  else
    out << fmt::format("  reserved       {} ({} inside the range): {} usable\n", h.config.reserved.to_string(),
                       h.reserved_in_range.size(), h.usable);
  out << fmt::format("  tcp sockets    {}\n", states_text(h.tcp_sockets, h.tcp_states));
  out << fmt::format("  udp sockets    {}\n", states_text(h.udp_sockets, h.udp_states));
  out << fmt::format("  in use         {}, {} in TIME-WAIT\n",
                     plural(h.ports_in_use, "ephemeral port", "ephemeral ports"), h.ports_in_time_wait);
  std::string tcp = fmt::format("{} tcp", percent(h.tcp_utilisation));
  if (!h.destinations.empty()) {
    const auto& d = h.destinations.front();
    tcp += fmt::format(" towards {} ({} held", endpoint(d.address, d.port), plural(d.ports, "port", "ports"));
    if (h.tcp_bound_ports) tcp += fmt::format(" + {} bound for every destination", h.tcp_bound_ports);
    tcp += ")";
  } else if (h.tcp_bound_ports) {
    tcp += fmt::format(" ({} bound for every destination)", plural(h.tcp_bound_ports, "port", "ports"));
  }
  out << fmt::format("  utilisation    {}; {} udp ({})\n", tcp, percent(h.udp_utilisation),
                     plural(h.udp_ports, "port", "ports"));
  parity_text(h, v.thresholds, out);
  out << fmt::format("  thresholds     warning {}, critical {}\n", percent(v.thresholds.warning),
                     percent(v.thresholds.critical));
  out << fmt::format("  status         {}\n", upper(to_string(h.level)));

  if (!h.destinations.empty()) {
    out << "\nBusiest destinations (tcp):\n";
    for (std::size_t i = 0; i < std::min(kTextDestinations, h.destinations.size()); ++i) {
      const auto& d = h.destinations[i];
      out << fmt::format("  {:<30} {:>6} ports ({} TIME-WAIT, {} even)  {}  even {}, odd {}\n",
                         endpoint(d.address, d.port), d.ports, d.time_wait, d.even_ports, percent(d.utilisation),
                         percent(d.even_utilisation), percent(d.odd_utilisation));
    }
  }
  holders_text(v.report.holders, out);

  out << "\nListening inside the ephemeral range:\n";
  if (h.listeners.empty()) out << "  none\n";
  for (const auto& l : h.listeners)
    out << fmt::format("  {:<4} {:<30} {}{}\n", to_string(l.socket.transport),
                       endpoint(l.socket.local, l.socket.local_port), owners_text(l),
                       l.reserved ? "  (reserved: no collision)" : "");
  if (!v.report.remedies.empty()) {
    out << "\nRemedies:\n";
    for (const auto& r : v.report.remedies) out << "  - " << r.action << "\n    why: " << r.why << "\n";
  }
}

nlohmann::json to_json(const HostView& v) {
  using nlohmann::json;
  const HostReport& r = v.report;
  const HostHealth& h = r.health;
  json j;
  j["netns"] = r.label_netns ? json(valid_utf8(r.where.label)) : json(nullptr);
  if (r.label_netns) {
    j["netns_inode"] = r.where.inode;
    j["netns_source"] = to_string(r.where.source);
    j["netns_pid"] = r.where.pid ? json(r.where.pid) : json(nullptr);
  }
  j["range"] = {{"first", h.config.range.first}, {"last", h.config.range.last}, {"size", h.range_size}};
  j["reserved"] = h.config.reserved.to_string();
  j["reserved_in_range"] = h.reserved_in_range.size();
  j["usable"] = h.usable;
  j["sockets"] = {{"tcp", {{"total", h.tcp_sockets}, {"states", h.tcp_states}}},
                  {"udp", {{"total", h.udp_sockets}, {"states", h.udp_states}}}};
  j["ephemeral_ports"] = {{"in_use", h.ports_in_use},
                          {"time_wait", h.ports_in_time_wait},
                          {"tcp_bound", h.tcp_bound_ports},
                          {"udp", h.udp_ports}};
  j["utilisation"] = {{"tcp", h.tcp_utilisation}, {"udp", h.udp_utilisation}, {"max", h.utilisation}};
  j["parity"] = {{"connect_first", half(h.connect_prefers_even)},
                 {"even", {{"usable", h.even_usable}, {"utilisation", h.even_utilisation}}},
                 {"odd", {{"usable", h.odd_usable}, {"utilisation", h.odd_utilisation}}},
                 {"status", to_string(h.parity_level)}};
  j["thresholds"] = {{"warning", v.thresholds.warning}, {"critical", v.thresholds.critical}};
  j["status"] = to_string(h.level);
  j["destinations"] = json::array();
  for (std::size_t i = 0; i < std::min(kJsonDestinations, h.destinations.size()); ++i) {
    const auto& d = h.destinations[i];
    j["destinations"].push_back({{"address", d.address.to_string()},
                                 {"port", d.port},
                                 {"ports", d.ports},
                                 {"time_wait", d.time_wait},
                                 {"even_ports", d.even_ports},
                                 {"utilisation", d.utilisation},
                                 {"even_utilisation", d.even_utilisation},
                                 {"odd_utilisation", d.odd_utilisation}});
  }
  json holders = json::array();
  for (const auto& p : r.holders.top)
    holders.push_back({{"transport", to_string(p.transport)},
                       {"pid", p.pid},
                       {"name", valid_utf8(p.name)},
                       {"ports", p.ports},
                       {"share", p.share}});
  j["processes"] = {{"top", holders},
                    {"tcp_in_use", r.holders.tcp_in_use},
                    {"udp_in_use", r.holders.udp_in_use},
                    {"tcp_unowned", r.holders.tcp_unowned},
                    {"udp_unowned", r.holders.udp_unowned}};
  j["listeners_in_range"] = json::array();
  for (const auto& l : h.listeners) {
    json processes = json::array();
    for (const auto& o : l.owners) processes.push_back({{"pid", o.pid}, {"name", valid_utf8(o.name)}});
    j["listeners_in_range"].push_back({{"transport", to_string(l.socket.transport)},
                                       {"address", l.socket.local.to_string()},
                                       {"port", l.socket.local_port},
                                       {"reserved", l.reserved},
                                       {"processes", processes}});
  }
  j["remedies"] = json::array();
  for (const auto& m : r.remedies)
    j["remedies"].push_back({{"id", m.id}, {"action", valid_utf8(m.action)}, {"why", valid_utf8(m.why)}});
  return j;
}

void render_prometheus(std::span<const HostView> views, std::ostream& out) {
  // One family at a time over every view: the format wants a family's
  // samples together, after its HELP and TYPE lines.
  const HostView* current = nullptr;
  const auto labels = [&](const std::string& extra) {
    std::string ns;
    if (current->report.label_netns) ns = "netns=\"" + escape_prometheus_label(current->report.where.label) + "\"";
    if (ns.empty() && extra.empty()) return std::string();
    return "{" + ns + (ns.empty() || extra.empty() ? "" : ",") + extra + "}";
  };
  const auto family = [&](const char* name, const char* help, const std::function<void(const HostView&)>& body) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
    for (const HostView& v : views) {
      current = &v;
      body(v);
    }
  };
  const auto sample = [&](const char* name, const std::string& extra, double value) {
    out << name << labels(extra) << " " << fmt::format("{}", value) << "\n";
  };
  const auto H = [](const HostView& v) -> const HostHealth& { return v.report.health; };

  family("portclass_ephemeral_range_first_port", "First port of net.ipv4.ip_local_port_range.",
         [&](const HostView& v) { sample("portclass_ephemeral_range_first_port", "", H(v).config.range.first); });
  family("portclass_ephemeral_range_last_port", "Last port of net.ipv4.ip_local_port_range.",
         [&](const HostView& v) { sample("portclass_ephemeral_range_last_port", "", H(v).config.range.last); });
  family("portclass_ephemeral_reserved_ports", "Ports of ip_local_reserved_ports inside the range.",
         [&](const HostView& v) { sample("portclass_ephemeral_reserved_ports", "", H(v).reserved_in_range.size()); });
  family("portclass_ephemeral_usable_ports", "Ports of the range that connect() and bind(0) may pick.",
         [&](const HostView& v) { sample("portclass_ephemeral_usable_ports", "", H(v).usable); });
  family("portclass_sockets", "Sockets by transport and state (IPv4 and IPv6).", [&](const HostView& v) {
    for (const auto& [state, n] : H(v).tcp_states)
      sample("portclass_sockets", "transport=\"tcp\",state=\"" + state + "\"", double(n));
    for (const auto& [state, n] : H(v).udp_states)
      sample("portclass_sockets", "transport=\"udp\",state=\"" + state + "\"", double(n));
  });
  family("portclass_ephemeral_ports_in_use", "Distinct usable ephemeral ports held by sockets, TIME-WAIT included.",
         [&](const HostView& v) { sample("portclass_ephemeral_ports_in_use", "", H(v).ports_in_use); });
  family("portclass_ephemeral_ports_time_wait", "Distinct ephemeral ports held by TIME-WAIT sockets.",
         [&](const HostView& v) { sample("portclass_ephemeral_ports_time_wait", "", H(v).ports_in_time_wait); });
  family("portclass_ephemeral_utilisation_ratio",
         "Share of usable ports taken: tcp towards the busiest remote address and port, udp overall.",
         [&](const HostView& v) {
           sample("portclass_ephemeral_utilisation_ratio", "transport=\"tcp\"", H(v).tcp_utilisation);
           sample("portclass_ephemeral_utilisation_ratio", "transport=\"udp\"", H(v).udp_utilisation);
         });
  family("portclass_ephemeral_parity_utilisation_ratio",
         "Share of the usable even or odd ports taken towards the busiest destination; connect_first marks the half "
         "connect() scans first (Linux >= 4.6).",
         [&](const HostView& v) {
           const bool even = H(v).connect_prefers_even;
           sample("portclass_ephemeral_parity_utilisation_ratio",
                  fmt::format("parity=\"even\",connect_first=\"{}\"", even), H(v).even_utilisation);
           sample("portclass_ephemeral_parity_utilisation_ratio",
                  fmt::format("parity=\"odd\",connect_first=\"{}\"", !even), H(v).odd_utilisation);
         });
  family("portclass_ephemeral_threshold_ratio", "Utilisation thresholds of this check.", [&](const HostView& v) {
    sample("portclass_ephemeral_threshold_ratio", "level=\"warning\"", v.thresholds.warning);
    sample("portclass_ephemeral_threshold_ratio", "level=\"critical\"", v.thresholds.critical);
  });
  family("portclass_ephemeral_status", "0 ok, 1 warning threshold crossed, 2 critical threshold crossed.",
         [&](const HostView& v) { sample("portclass_ephemeral_status", "", double(static_cast<int>(H(v).level))); });
  family("portclass_ephemeral_parity_status",
         "Status of the half connect() scans first: 0 ok, 1 warning, 2 critical threshold crossed.",
         [&](const HostView& v) {
           sample("portclass_ephemeral_parity_status", "", double(static_cast<int>(H(v).parity_level)));
         });
  family("portclass_ephemeral_listeners_in_range", "Listening sockets whose port lies inside the ephemeral range.",
         [&](const HostView& v) {
           std::size_t reserved = 0;
           for (const auto& l : H(v).listeners) reserved += l.reserved;
           sample("portclass_ephemeral_listeners_in_range", "reserved=\"false\"",
                  double(H(v).listeners.size() - reserved));
           sample("portclass_ephemeral_listeners_in_range", "reserved=\"true\"", double(reserved));
         });
  const auto process_labels = [](const PortHolder& p) {
    return fmt::format("transport=\"{}\",pid=\"{}\",process=\"{}\"", to_string(p.transport), p.pid,
                       escape_prometheus_label(p.name));
  };
  family("portclass_ephemeral_process_ports",
         "Ephemeral ports held by a process (the top N per transport only: --top).", [&](const HostView& v) {
           for (const auto& p : v.report.holders.top)
             sample("portclass_ephemeral_process_ports", process_labels(p), double(p.ports));
         });
  family("portclass_ephemeral_process_share_ratio",
         "A process's share of the transport's ephemeral ports in use (the top N per transport only).",
         [&](const HostView& v) {
           for (const auto& p : v.report.holders.top)
             sample("portclass_ephemeral_process_share_ratio", process_labels(p), p.share);
         });
}

}  // namespace portclass::cli
