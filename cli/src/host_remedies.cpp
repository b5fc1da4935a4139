// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_remedies.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "name_escape.hpp"
#include "text.hpp"

namespace portclass::cli {
namespace {

constexpr Port kWidestLast = 65535;
constexpr Port kFirstAboveNodePort = 32768;  // kNodePortRange.last + 1, even
constexpr double kDominates = 0.5;           // "dominates": half or more

PortSet unreserved_listener_ports(const HostHealth& h) {
  PortSet ports;
  for (const auto& l : h.listeners)
    if (!l.reserved) ports.add(l.socket.local_port);
  return ports;
}

// The command that runs a sysctl inside the namespace that was audited.
std::string in_namespace(const RemedyContext& c, const std::string& command) {
  switch (c.source) {
    case NetnsSource::current: return command;
    case NetnsSource::named: return fmt::format("ip netns exec {} {}", c.label, command);
    case NetnsSource::process: break;
  }
  return fmt::format("nsenter --net=/proc/{}/ns/net {}", c.pid, command);
}

std::string sysctl_range(PortRange r) { return fmt::format("net.ipv4.ip_local_port_range=\"{} {}\"", r.first, r.last); }

void listener_remedies(const HostHealth& h, std::vector<Remedy>& out, const RemedyContext& c) {
  const PortSet ports = unreserved_listener_ports(h);
  if (ports.empty()) return;
  const PortSet reserved = h.config.reserved.union_with(ports);
  const std::string why = fmt::format(
      "services listen on {} inside the ephemeral range {}: an outgoing connection "
      "can take the port while the service is down or restarting",
      ports.to_string(), h.config.range.to_string());
  out.push_back({"reserve-listeners",
                 in_namespace(c, "sysctl -w net.ipv4.ip_local_reserved_ports=" + reserved.to_string()) +
                     " (persist it in /etc/sysctl.d/)",
                 why + "; reserved ports are never picked by connect() or bind(0)"});
  out.push_back({"move-listeners",
                 fmt::format("or move the service(s) on {} outside the ephemeral range {}", ports.to_string(),
                             h.config.range.to_string()),
                 why});
}

void range_remedies(const HostHealth& h, std::vector<Remedy>& out, const RemedyContext& c) {
  const auto wider = widened_range(h);
  if (!wider) {
    out.push_back({"widen-range", "the range cannot grow further clear of the NodePort range 30000-32767",
                   fmt::format("{} is already as wide as portclass would make it", h.config.range.to_string())});
    return;
  }
  const double projected = h.usable ? h.utilisation * double(h.usable) / double(wider->usable) : 0.0;
  std::string command = "sysctl -w " + sysctl_range(wider->range);
  std::string reserve_note;
  if (wider->reserved != h.config.reserved) {
    command += " net.ipv4.ip_local_reserved_ports=" + wider->reserved.to_string();
    reserve_note = fmt::format("; {} stay reserved (listeners{} and existing reservations)",
                               wider->reserved.to_string(), wider->range.overlaps(kNodePortRange) ? ", NodePort" : "");
  }
  out.push_back({"widen-range", in_namespace(c, command),
                 fmt::format("{} usable ports instead of {}: today's load would be {} instead of {}; it keeps clear "
                             "of ports below 1024 and of Kubernetes' NodePort range 30000-32767{}",
                             wider->usable, h.usable, percent(projected), percent(h.utilisation), reserve_note)});
  std::string conf = fmt::format("net.ipv4.ip_local_port_range = {} {}", wider->range.first, wider->range.last);
  if (wider->reserved != h.config.reserved)
    conf += "\\nnet.ipv4.ip_local_reserved_ports = " + wider->reserved.to_string();
  if (c.source == NetnsSource::current) {
    out.push_back({"persist-range",
                   fmt::format("printf '{}\\n' > /etc/sysctl.d/90-ephemeral-ports.conf && sysctl --system", conf),
                   "sysctl -w lasts until reboot; /etc/sysctl.d/ is read at boot (systemd-sysctl) for the root "
                   "network namespace"});
  }
  out.push_back({"per-container",
                 fmt::format("docker run --sysctl {} ...; Kubernetes: securityContext.sysctls: [{{name: "
                             "net.ipv4.ip_local_port_range, value: \"{} {}\"}}] in the pod spec",
                             sysctl_range(wider->range), wider->range.first, wider->range.last),
                 c.source == NetnsSource::current
                     ? "the range is per network namespace: containers do not inherit the host's sysctl.d, they "
                       "get the kernel default unless their runtime sets it (it is a safe, namespaced sysctl)"
                     : "the range is per network namespace: this one is set where it is created (its runtime or "
                       "pod spec), /etc/sysctl.d/ never reaches it"});
}

void time_wait_remedy(const HostHealth& h, const PortHolders& holders, std::vector<Remedy>& out,
                      const RemedyContext& c) {
  if (holders.tcp_in_use == 0 || double(h.ports_in_time_wait) < kDominates * double(holders.tcp_in_use)) return;
  const std::string why = fmt::format(
      "{} of the {} TCP ephemeral ports in use are in TIME-WAIT (60 s each on Linux): closed connections, not open "
      "ones, hold the range",
      h.ports_in_time_wait, holders.tcp_in_use);
  if (c.tcp_tw_reuse == 1) {
    out.push_back(
        {"tcp-tw-reuse", "net.ipv4.tcp_tw_reuse is already 1: reuse connections instead (pooling, keep-alive)", why});
    return;
  }
  out.push_back({"tcp-tw-reuse", in_namespace(c, "sysctl -w net.ipv4.tcp_tw_reuse=1"),
                 why + fmt::format("; with it connect() may reuse a TIME-WAIT port when TCP timestamps make it safe "
                                   "(outgoing connections only){}",
                                   c.tcp_tw_reuse ? fmt::format(", today it is {}{}", *c.tcp_tw_reuse,
                                                                *c.tcp_tw_reuse == 2 ? " (loopback only)" : "")
                                                  : "")});
}

void destination_remedy(const HostHealth& h, const PortHolders& holders, std::vector<Remedy>& out) {
  if (h.destinations.empty() || holders.tcp_in_use == 0) return;
  const DestinationLoad& d = h.destinations.front();
  if (double(d.ports) < kDominates * double(holders.tcp_in_use)) return;
  out.push_back({"more-destinations",
                 fmt::format("spread the connections to {} over more destination addresses or ports, or give the "
                             "client more source addresses: bind() each socket to one of them with "
                             "IP_BIND_ADDRESS_NO_PORT (Linux 4.2) set first, so that the port is picked at connect() "
                             "for the whole 4-tuple; IP_LOCAL_PORT_RANGE (Linux 6.3) gives one socket its own "
                             "sub-range",
                             endpoint(d.address, d.port)),
                 fmt::format("{} of the {} TCP ephemeral ports in use go to {}: a local port only has to be unique "
                             "per remote address and port, so one destination exhausts the range alone",
                             d.ports, holders.tcp_in_use, endpoint(d.address, d.port))});
}

void process_remedy(const PortHolders& holders, std::vector<Remedy>& out) {
  for (const PortHolder& p : holders.top) {
    if (p.share < kDominates) continue;
    out.push_back({"connection-pooling",
                   fmt::format("make \"{}\" (pid {}) reuse its connections: a connection pool, HTTP keep-alive, "
                               "fewer short-lived {} sockets",
                               escape_for_text(p.name), p.pid, to_string(p.transport)),
                   fmt::format("it holds {} of the {} {} ephemeral ports in use ({})", p.ports,
                               p.transport == Transport::tcp ? holders.tcp_in_use : holders.udp_in_use,
                               to_string(p.transport), percent(p.share))});
  }
}

}  // namespace

std::optional<Widening> widened_range(const HostHealth& h) {
  const PortRange current = h.config.range;
  Port first = current.first >= kNodePortRange.first ? kFirstAboveNodePort : current.first;
  first = std::max<Port>(first, 1024);
  const Port last = kWidestLast;
  if (first % 2 == last % 2) ++first;
  Widening w{{first, last}, h.config.reserved, 0};
  w.reserved = w.reserved.union_with(h.listening_ports.intersection(PortSet{w.range}));
  if (w.range.overlaps(kNodePortRange))
    w.reserved = w.reserved.union_with(PortSet{kNodePortRange}.intersection(PortSet{w.range}));
  w.usable = w.range.size() - w.reserved.intersection(PortSet{w.range}).size();
  if (w.usable <= h.usable) return std::nullopt;
  return w;
}

std::vector<Remedy> remedies(const HostHealth& h, const PortHolders& holders, const Thresholds& thresholds,
                             const RemedyContext& c) {
  std::vector<Remedy> out;
  listener_remedies(h, out, c);
  const bool crossed = h.level != HealthLevel::ok;
  if (!crossed && h.parity_level == HealthLevel::ok) return out;
  if (!crossed) {
    // Only connect()'s half is past a threshold: nothing fails yet.
    out.push_back(
        {"parity",
         fmt::format("watch the {} ports: connect() still succeeds on the other half, more slowly",
                     h.connect_prefers_even ? "even" : "odd"),
         fmt::format("the {} half that connect() scans first (Linux >= 4.6) is {} taken towards one "
                     "destination, past the {} threshold {}",
                     h.connect_prefers_even ? "even" : "odd", percent(connect_half_utilisation(h)),
                     to_string(h.parity_level),
                     percent(h.parity_level == HealthLevel::critical ? thresholds.critical : thresholds.warning))});
  }
  range_remedies(h, out, c);
  time_wait_remedy(h, holders, out, c);
  destination_remedy(h, holders, out);
  process_remedy(holders, out);
  return out;
}

}  // namespace portclass::cli
