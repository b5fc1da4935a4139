// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_render.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

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
  for (const auto& o : l.owners) s += fmt::format("{}{} (pid {})", s.empty() ? "" : ", ", o.name, o.pid);
  return s;
}

PortSet unreserved_listener_ports(const HostHealth& h) {
  PortSet ports;
  for (const auto& l : h.listeners)
    if (!l.reserved) ports.add(l.socket.local_port);
  return ports;
}

}  // namespace

std::vector<std::string> remedies(const HostHealth& h) {
  const PortSet ports = unreserved_listener_ports(h);
  if (ports.empty()) return {};
  const PortSet reserved = h.config.reserved.union_with(ports);
  return {
      fmt::format("reserve the port(s) so that connect() never picks them: sysctl -w "
                  "net.ipv4.ip_local_reserved_ports={} (persist it in /etc/sysctl.d/)",
                  reserved.to_string()),
      fmt::format("or move the service(s) on {} outside the ephemeral range {}", ports.to_string(),
                  h.config.range.to_string()),
  };
}

void render_text(const HostView& v, std::ostream& out) {
  const HostHealth& h = v.health;
  out << (v.netns ? fmt::format("Ephemeral ports of network namespace \"{}\"\n", *v.netns)
                  : std::string("Ephemeral ports of this host\n"));
  out << fmt::format("  range          {} ({})\n", h.config.range.to_string(), plural(h.range_size, "port", "ports"));
  if (h.config.reserved.empty())
    out << fmt::format("  reserved       none: {} usable\n", h.usable);
  else
    out << fmt::format("  reserved       {} ({} inside the range): {} usable\n", h.config.reserved.to_string(),
                       h.reserved_in_range.size(), h.usable);
  out << fmt::format("  tcp sockets    {}\n", states_text(h.tcp_sockets, h.tcp_states));
  out << fmt::format("  udp sockets    {}\n", states_text(h.udp_sockets, h.udp_states));
  out << fmt::format("  in use         {}, {} in TIME-WAIT\n", plural(h.ports_in_use, "ephemeral port", "ephemeral ports"),
                     h.ports_in_time_wait);
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
  out << fmt::format("  thresholds     warning {}, critical {}\n", percent(v.thresholds.warning),
                     percent(v.thresholds.critical));
  out << fmt::format("  status         {}\n", upper(to_string(h.level)));

  if (h.destinations.size() > 1) {
    out << "\nBusiest destinations (tcp):\n";
    for (std::size_t i = 0; i < std::min(kTextDestinations, h.destinations.size()); ++i) {
      const auto& d = h.destinations[i];
      out << fmt::format("  {:<30} {:>6} ports ({} TIME-WAIT)  {}\n", endpoint(d.address, d.port), d.ports, d.time_wait,
                         percent(d.utilisation));
    }
  }

  out << "\nListening inside the ephemeral range:\n";
  if (h.listeners.empty()) out << "  none\n";
  for (const auto& l : h.listeners)
    out << fmt::format("  {:<4} {:<30} {}{}\n", to_string(l.socket.transport), endpoint(l.socket.local, l.socket.local_port),
                       owners_text(l), l.reserved ? "  (reserved: no collision)" : "");
  const auto fixes = remedies(h);
  if (!fixes.empty()) {
    out << "  Outgoing connections can take these ports before the service binds them. Remedies:\n";
    for (const auto& f : fixes) out << "  - " << f << "\n";
  }
}

nlohmann::json to_json(const HostView& v) {
  using nlohmann::json;
  const HostHealth& h = v.health;
  json j;
  j["netns"] = v.netns ? json(*v.netns) : json(nullptr);
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
  j["thresholds"] = {{"warning", v.thresholds.warning}, {"critical", v.thresholds.critical}};
  j["status"] = to_string(h.level);
  j["destinations"] = json::array();
  for (std::size_t i = 0; i < std::min(kJsonDestinations, h.destinations.size()); ++i) {
    const auto& d = h.destinations[i];
    j["destinations"].push_back({{"address", d.address.to_string()},
                                 {"port", d.port},
                                 {"ports", d.ports},
                                 {"time_wait", d.time_wait},
                                 {"utilisation", d.utilisation}});
  }
  j["listeners_in_range"] = json::array();
  for (const auto& l : h.listeners) {
    json processes = json::array();
    for (const auto& o : l.owners) processes.push_back({{"pid", o.pid}, {"name", o.name}});
    j["listeners_in_range"].push_back({{"transport", to_string(l.socket.transport)},
                                       {"address", l.socket.local.to_string()},
                                       {"port", l.socket.local_port},
                                       {"reserved", l.reserved},
                                       {"processes", processes}});
  }
  j["remedies"] = remedies(h);
  return j;
}

void render_prometheus(const HostView& v, std::ostream& out) {
  const HostHealth& h = v.health;
  // Label values are escaped as the exposition format requires.
  std::string ns;
  if (v.netns) {
    std::string escaped;
    for (char c : *v.netns) escaped += (c == '\\' || c == '"') ? std::string{'\\', c} : std::string{c};
    ns = "netns=\"" + escaped + "\"";
  }
  const auto labels = [&](const std::string& extra) {
    if (ns.empty() && extra.empty()) return std::string();
    return "{" + ns + (ns.empty() || extra.empty() ? "" : ",") + extra + "}";
  };
  const auto family = [&](const char* name, const char* help) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
  };
  const auto sample = [&](const char* name, const std::string& extra, double value) {
    out << name << labels(extra) << " " << fmt::format("{}", value) << "\n";
  };

  family("portclass_ephemeral_range_first_port", "First port of net.ipv4.ip_local_port_range.");
  sample("portclass_ephemeral_range_first_port", "", h.config.range.first);
  family("portclass_ephemeral_range_last_port", "Last port of net.ipv4.ip_local_port_range.");
  sample("portclass_ephemeral_range_last_port", "", h.config.range.last);
  family("portclass_ephemeral_reserved_ports", "Ports of ip_local_reserved_ports inside the range.");
  sample("portclass_ephemeral_reserved_ports", "", h.reserved_in_range.size());
  family("portclass_ephemeral_usable_ports", "Ports of the range that connect() and bind(0) may pick.");
  sample("portclass_ephemeral_usable_ports", "", h.usable);
  family("portclass_sockets", "Sockets by transport and state (IPv4 and IPv6).");
  for (const auto& [state, n] : h.tcp_states) sample("portclass_sockets", "transport=\"tcp\",state=\"" + state + "\"", double(n));
  for (const auto& [state, n] : h.udp_states) sample("portclass_sockets", "transport=\"udp\",state=\"" + state + "\"", double(n));
  family("portclass_ephemeral_ports_in_use", "Distinct usable ephemeral ports held by sockets, TIME-WAIT included.");
  sample("portclass_ephemeral_ports_in_use", "", h.ports_in_use);
  family("portclass_ephemeral_ports_time_wait", "Distinct ephemeral ports held by TIME-WAIT sockets.");
  sample("portclass_ephemeral_ports_time_wait", "", h.ports_in_time_wait);
  family("portclass_ephemeral_utilisation_ratio",
         "Share of usable ports taken: tcp towards the busiest remote address and port, udp overall.");
  sample("portclass_ephemeral_utilisation_ratio", "transport=\"tcp\"", h.tcp_utilisation);
  sample("portclass_ephemeral_utilisation_ratio", "transport=\"udp\"", h.udp_utilisation);
  family("portclass_ephemeral_threshold_ratio", "Utilisation thresholds of this check.");
  sample("portclass_ephemeral_threshold_ratio", "level=\"warning\"", v.thresholds.warning);
  sample("portclass_ephemeral_threshold_ratio", "level=\"critical\"", v.thresholds.critical);
  family("portclass_ephemeral_status", "0 ok, 1 warning threshold crossed, 2 critical threshold crossed.");
  sample("portclass_ephemeral_status", "", double(static_cast<int>(h.level)));
  family("portclass_ephemeral_listeners_in_range", "Listening sockets whose port lies inside the ephemeral range.");
  std::size_t reserved = 0;
  for (const auto& l : h.listeners) reserved += l.reserved;
  sample("portclass_ephemeral_listeners_in_range", "reserved=\"false\"", double(h.listeners.size() - reserved));
  sample("portclass_ephemeral_listeners_in_range", "reserved=\"true\"", double(reserved));
}

}  // namespace portclass::cli
