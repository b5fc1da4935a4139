// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "exit_code.hpp"
#include "host_audit.hpp"
#include "host_render.hpp"
#include "netns.hpp"
#include "netns_list.hpp"
#include "stop_signal.hpp"

namespace portclass::cli {
namespace {

int exit_code_for(HealthLevel level) {
  switch (level) {
    case HealthLevel::ok: return kExitOk;
    case HealthLevel::warning: return kExitFound;
    case HealthLevel::critical: break;
  }
  return kExitCritical;
}

[[noreturn]] void throw_typed(const NetnsError& e) {
  if (e.kind == NetnsErrorKind::system) throw SystemError(e.message);
  throw UsageError(e.message);
}

struct Audit {
  std::vector<HostReport> reports;
  std::vector<std::string> skipped;  // one line each, as printed on stderr
  int code = kExitOk;
};

HostReport audit_inside(const NetnsEntry& entry, const Thresholds& t, std::size_t top, NetnsVisit& visit) {
  HostReport report = audit_current_namespace(entry, t, top);
  if (auto failed = visit.leave()) throw SystemError(failed->message);
  return report;
}

Audit audit_named(const HostOptions& o, const Thresholds& t) {
  auto path = named_netns_path(o.netns);
  if (auto* e = std::get_if<NetnsError>(&path)) throw_typed(*e);
  const auto& p = std::get<std::filesystem::path>(path);
  auto visit = NetnsVisit::enter(p, o.netns);
  if (auto* e = std::get_if<NetnsError>(&visit)) throw_typed(*e);
  NetnsEntry entry{o.netns, p, 0, NetnsSource::named, 0};
  HostReport r = audit_inside(entry, t, o.top, std::get<NetnsVisit>(visit));
  r.label_netns = true;
  const int code = exit_code_for(r.health.level);
  return {{std::move(r)}, {}, code};
}

Audit audit_all(const HostOptions& o, const Thresholds& t, std::ostream& err) {
  Audit audit;
  for (const NetnsEntry& entry : list_network_namespaces()) {
    auto visit = NetnsVisit::enter(entry.path, entry.label, entry.inode);
    if (auto* e = std::get_if<NetnsError>(&visit)) {
      err << "portclass host: " << e->message << "\n";
      audit.skipped.push_back(e->message);
      if (e->kind != NetnsErrorKind::vanished) audit.code = std::max<int>(audit.code, kExitSystem);
      continue;
    }
    HostReport r = audit_inside(entry, t, o.top, std::get<NetnsVisit>(visit));
    r.label_netns = true;
    audit.code = std::max(audit.code, exit_code_for(r.health.level));
    audit.reports.push_back(std::move(r));
  }
  if (audit.reports.empty()) throw SystemError("no network namespace could be audited");
  return audit;
}

Audit audit_once(const HostOptions& o, const Thresholds& t, std::ostream& err) {
  if (o.all_netns) return audit_all(o, t, err);
  if (!o.netns.empty()) return audit_named(o, t);
  NetnsEntry self{"current", "/proc/thread-self/ns/net", 0, NetnsSource::current, 0};
  HostReport r = audit_current_namespace(self, t, o.top);
  const int code = exit_code_for(r.health.level);
  return {{std::move(r)}, {}, code};
}

void render(const HostOptions& o, const Thresholds& t, const Audit& audit, std::ostream& out) {
  std::vector<HostView> views;
  for (const auto& r : audit.reports) views.push_back({r, t});
  if (o.prometheus) return render_prometheus(views, out);
  if (o.json) {
    nlohmann::json doc;
    if (o.all_netns) {
      doc["namespaces"] = nlohmann::json::array();
      for (const auto& v : views) doc["namespaces"].push_back(to_json(v));
      doc["skipped"] = audit.skipped;
      doc["exit_code"] = audit.code;
    } else {
      doc = to_json(views.front());
    }
    // Strings are valid UTF-8 already (name_escape.hpp); replace is the belt.
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (i) out << "\n";
    render_text(views[i], out);
  }
  if (o.all_netns) out << fmt::format("\n{} network namespaces audited\n", views.size());
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

int watch(const HostOptions& o, const Thresholds& t, std::ostream& out, std::ostream& err) {
  StopSignals stop;
  // Clear the screen only for a terminal: a file or pipe gets the views one after another.
  const bool clear = &out == &std::cout && ::isatty(STDOUT_FILENO);
  int code = kExitOk;
  do {
    std::ostringstream view;
    const Audit audit = audit_once(o, t, err);
    code = audit.code;
    render(o, t, audit, view);
    if (clear) out << "\x1b[H\x1b[2J";
    out << fmt::format("portclass host --watch {}: {} (Ctrl-C to stop)\n\n", o.watch_seconds, utc_now()) << view.str()
        << std::flush;
    if (!clear) out << "\n";
  } while (!stop.wait(std::chrono::seconds(o.watch_seconds)));
  return code;
}

}  // namespace

CLI::App* add_host_command(CLI::App& app, HostOptions& options) {
  CLI::App* cmd = app.add_subcommand("host", "Ephemeral-port health of this host or of network namespaces");
  auto* netns =
      cmd->add_option("--netns", options.netns, "Look at the named network namespace (/run/netns/NAME) instead");
  auto* all = cmd->add_flag("--all-netns", options.all_netns,
                            "Every network namespace: named ones and those of running processes (/proc/*/ns/net)");
  netns->excludes(all);
  auto* json = cmd->add_flag("--json", options.json, "Print JSON for scripts");
  auto* prom = cmd->add_flag("--prometheus", options.prometheus,
                             "Print metrics in the Prometheus text format (node_exporter textfile collector)");
  json->excludes(prom);
  cmd->add_option("--warning", options.warning_percent, "Warning threshold, percent of usable ports (default 60)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--critical", options.critical_percent, "Critical threshold, percent of usable ports (default 80)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--top", options.top, "Processes named per transport (default 5; also bounds the Prometheus series)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000}));
  auto* watch_opt = cmd->add_option("--watch", options.watch_seconds,
                                    "Refresh the text view every N seconds until SIGINT/SIGTERM; exit with the last "
                                    "view's status")
                        ->check(CLI::Range(1u, 86400u));
  watch_opt->excludes(json);
  watch_opt->excludes(prom);
  cmd->footer(
      "Utilisation is counted per remote address and port (a TCP 4-tuple only has to be unique),\n"
      "TIME-WAIT included, against the range minus ip_local_reserved_ports; also per half (even/odd),\n"
      "since connect() takes the ports of the range's first port's parity first (Linux >= 4.6).\n"
      "Remedies are printed when a threshold is crossed, each with the reason.\n"
      "Exit codes: 0 below the warning threshold, 1 warning crossed, 4 critical crossed (the worst\n"
      "namespace with --all-netns), 2 bad usage or input (e.g. a namespace that does not exist),\n"
      "3 the system failed (netlink, permission).");
  return cmd;
}

int run_host(const HostOptions& options, std::ostream& out, std::ostream& err) {
  if (options.warning_percent > options.critical_percent)
    throw UsageError(
        fmt::format("--warning {} is above --critical {}", options.warning_percent, options.critical_percent));
  const Thresholds thresholds{options.warning_percent / 100, options.critical_percent / 100};
  if (options.watch_seconds) return watch(options, thresholds, out, err);
  const Audit audit = audit_once(options, thresholds, err);
  render(options, thresholds, audit, out);
  return audit.code;
}

}  // namespace portclass::cli
