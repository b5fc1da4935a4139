// SPDX-License-Identifier: GPL-2.0-or-later
#include "profile_command.hpp"

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "duration_argument.hpp"
#include "eve_reader.hpp"
#include "exit_code.hpp"
#include "knowledge_option.hpp"
#include "live_profile.hpp"
#include "live_table.hpp"
#include "merge_order.hpp"
#include "portclass/capture/capture_reader.hpp"
#include "portclass/profile_json.hpp"
#include "profile_report.hpp"
#include "progress_bar.hpp"
#include "signature_option.hpp"

namespace portclass::cli {
namespace {

void add_counters(capture::CaptureCounters& total, const capture::CaptureCounters& c) {
  total.packets += c.packets;
  total.tcp_udp += c.tcp_udp;
  total.truncated += c.truncated;
  total.malformed += c.malformed;
  total.other += c.other;
}

// Returns false when a stream on standard input broke: what came before
// counts and summary.broken says where. A file that breaks is bad input.
bool read_capture(const std::string& path, const std::string& filter, HostDirectory& directory, InputSummary& summary,
                  ProgressBar& progress) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) throw UsageError(reader.error().message);
  if (auto installed = reader.value().set_filter(filter); !installed) throw UsageError(installed.error().message);
  std::uint64_t packets = 0;
  auto counters = reader.value().read_all(
      [&](const PacketFacts& packet) {
        directory.observe(packet);
        ++packets;
      },
      [&](std::uint64_t done, std::uint64_t total) { progress.update(path, done, total, packets); });
  progress.clear();
  add_counters(summary.counters, reader.value().counters());
  if (counters) return true;
  if (path != "-") throw UsageError(counters.error().message);
  summary.broken = counters.error().message;
  return false;
}

// A file (or "-") of one or more profile documents, one after the other:
// parsed one at a time, so memory holds one document and the hosts.
void read_profiles(const std::string& path, HostDirectory& directory, InputSummary& summary) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) throw UsageError(path + ": cannot read profile document");
  }
  std::istream& in = path == "-" ? std::cin : file;
  const std::string name = path == "-" ? "standard input" : path;
  std::uint64_t here = 0;
  while (true) {
    in >> std::ws;
    if (in.peek() == std::char_traits<char>::eof()) break;
    nlohmann::json doc;
    try {
      in >> doc;
    } catch (const nlohmann::json::parse_error& e) {
      throw UsageError(name + ": document " + std::to_string(here + 1) + " is not JSON (" + e.what() + ")");
    }
    ++here;
    if (auto merged = merge_from_json(doc, directory); !merged)
      throw UsageError(name + (here > 1 ? " document " + std::to_string(here) : "") + ": " + merged.error().message);
  }
  if (here == 0) throw UsageError(name + ": no profile document");
  summary.documents += here;
}

std::optional<std::chrono::seconds> duration_option(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  auto d = parse_duration(text);
  if (!d) throw UsageError(std::string(option) + ": " + d.error().message);
  return *d;
}

// The combinations that make no sense, refused before anything is opened.
void check_combinations(const ProfileOptions& o) {
  const bool live = !o.interfaces.empty();
  if (!o.eve.empty()) {
    if (live || !o.inputs.empty() || o.merge || !o.filter.empty())
      throw UsageError("--eve reads Suricata EVE logs only: capture files, -i, --merge and --filter do not apply");
    if (std::count(o.eve.begin(), o.eve.end(), "-") > 1) throw UsageError("standard input (-) given twice");
  }
  if (live && !o.inputs.empty()) throw UsageError("-i and capture files cannot be combined (run one of each)");
  if (!live && o.inputs.empty() && o.eve.empty())
    throw UsageError(o.merge ? "--merge needs profile documents (files, or - for standard input)"
                             : "no input: capture files, - for standard input, or -i IFACE");
  if (o.merge && (live || !o.filter.empty()))
    throw UsageError("--merge reads profile documents: -i and --filter do not apply");
  if (std::count(o.inputs.begin(), o.inputs.end(), "-") > 1) throw UsageError("standard input (-) given twice");
  if (!live) {
    for (const auto& [set, name] : {std::pair{!o.netns.empty(), "--netns"},
                                    {o.promiscuous, "--promisc"},
                                    {!o.duration.empty(), "--duration"},
                                    {o.count != 0, "--count"},
                                    {!o.every.empty(), "--every"}})
      if (set) throw UsageError(std::string(name) + " applies to live capture only (-i IFACE)");
  }
  if (!o.every.empty() && o.output.empty()) throw UsageError("--every needs -o FILE (the file it rewrites)");
  if (o.max_hosts == 1) throw UsageError("--max-hosts must be at least 2 (a packet touches two hosts)");
}

}  // namespace

CLI::App* add_profile_command(CLI::App& app, ProfileOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "profile", "Infer each host's OS and ephemeral range from pcap/pcapng captures, a pipe or a live interface");
  cmd->add_option("captures", options.inputs,
                  "Capture files (pcap, pcapng; - reads standard input), or with --merge profile JSON files (- too)");
  cmd->add_flag("--json", options.json, "Print the mergeable per-host profiles (with their analysis) as JSON");
  cmd->add_flag("--merge", options.merge, "The inputs are JSON documents from `profile --json`: combine them");
  cmd->add_flag("--fail-on-findings", options.fail_on_findings, "Exit 1 when any host has a finding");
  cmd->add_option("--os-profiles", options.os_profiles,
                  "TOML file of OS profiles that add to or override the built-in ones");
  cmd->add_option("--eve", options.eve,
                  "Read a Suricata EVE JSON log (flow and netflow events; - reads standard input; repeatable)")
      ->type_name("LOG");
  cmd->add_option("--filter", options.filter, "BPF expression (tcpdump's syntax): only matching packets count")
      ->type_name("EXPR");
  cmd->add_option("-i,--interface", options.interfaces, "Capture live on IFACE (repeatable)")->type_name("IFACE");
  cmd->add_option("--netns", options.netns, "Capture inside the named network namespace (ip netns)")->type_name("NAME");
  cmd->add_flag("--promisc", options.promiscuous, "Put the interfaces in promiscuous mode (off by default)");
  cmd->add_option("--duration", options.duration, "Stop live capture after this long (30s, 10m, 1h)")
      ->type_name("TIME");
  cmd->add_option("--count", options.count, "Stop live capture after N packets")->type_name("N");
  cmd->add_option("-o,--output", options.output, "Write the report to FILE (replaced atomically)")->type_name("FILE");
  cmd->add_option("--every", options.every, "With -o: rewrite the report so far at this interval (30s, 10m, 1h)")
      ->type_name("TIME");
  cmd->add_option("--max-hosts", options.max_hosts,
                  "Keep at most N hosts; the least recently seen are evicted and counted")
      ->type_name("N");
  add_signature_options(*cmd, options.signatures);
  cmd->footer(
      "Link types: Ethernet (VLAN, QinQ, MPLS, PPPoE), Linux cooked v1/v2, raw IP, null/loopback, PPP,\n"
      "Cisco HDLC, ARCNET, NFLOG, 802.11 (radiotap, PPI, Prism, AVS). Tunnels: GRE (incl. ERSPAN),\n"
      "VXLAN, GENEVE, GTP-U, Teredo, AYIYA, IP-in-IP, 6in4, 4in6: the innermost IP/TCP/UDP counts.\n"
      "--eve: Suricata's flow/netflow records give ports and times, not TTLs or SYN options: the\n"
      "verdict says that evidence is missing. Malformed lines are counted, skipped and reported.\n"
      "Truncated packets are counted and never used. A progress bar shows on a terminal.\n"
      "Live (-i): snap length 512 bytes, promiscuous off unless --promisc; SIGINT/SIGTERM, --duration\n"
      "or --count stop it with the final report; kernel drops are in the summary. On a terminal a\n"
      "table of the busiest hosts is redrawn every second.\n"
      "Exit codes: 0 done, 1 findings present with --fail-on-findings,\n"
      "2 bad usage or input (unreadable, corrupt or truncated capture, bad JSON, bad filter,\n"
      "no such interface), 3 the system failed (no permission to capture, a write failed).");
  return cmd;
}

int run_profile(const ProfileOptions& options, std::ostream& out) {
  check_combinations(options);
  const auto duration = duration_option(options.duration, "--duration");
  const auto every = duration_option(options.every, "--every");
  const auto knowledge = load_knowledge(options.os_profiles);
  // Loaded before any capture is read, so that a bad file fails fast.
  const LoadedSignatures signatures = load_signature_option(options.signatures);
  InferenceOptions inference;
  inference.signatures = &signatures.db;
  HostDirectory directory(*knowledge);
  directory.set_max_hosts(options.max_hosts);
  InputSummary summary;
  summary.files = !options.eve.empty() ? options.eve : options.interfaces.empty() ? options.inputs : options.interfaces;
  summary.eve = !options.eve.empty();
  summary.profiles = options.merge;
  summary.live = !options.interfaces.empty();
  summary.filter = options.filter;
  summary.netns = options.netns;
  summary.max_hosts = directory.max_hosts();

  const auto report = [&](const InputSummary& s) {
    auto hosts = analyse(directory, *knowledge, inference);
    if (s.eve) note_flows_only(hosts);
    std::ostringstream text;
    if (options.json)
      text << to_json(directory, hosts, s).dump(2) << "\n";
    else
      render_text(hosts, s, text);
    return std::pair{
        text.str(), std::any_of(hosts.begin(), hosts.end(), [](const HostAnalysis& h) { return !h.findings.empty(); })};
  };

  if (summary.eve) {
    for (const auto& path : options.eve) {
      const std::uint64_t before = summary.eve_counters.malformed;
      if (auto read = read_eve_file(path, directory, summary.eve_counters); !read)
        throw UsageError(read.error().message);
      // Skipped, not fatal: one line on stderr per log, so a broken exporter is noticed.
      if (const auto bad = summary.eve_counters.malformed - before)
        std::cerr << "portclass profile: " << (path == "-" ? "standard input" : path) << ": " << bad
                  << (bad == 1 ? " malformed line" : " malformed lines") << " skipped (counted in the report)\n";
    }
  } else if (options.merge) {
    for (const auto& path : in_time_order(options.inputs)) read_profiles(path, directory, summary);
  } else if (!summary.live) {
    ProgressBar progress;
    for (const auto& path : options.inputs)
      if (!read_capture(path, options.filter, directory, summary, progress)) break;
  } else {
    LiveTable table;
    LiveCallbacks callbacks;
    if (every)
      callbacks.snapshot = [&](const InputSummary& s) { replace_file_atomically(options.output, report(s).first); };
    if (table.enabled())
      callbacks.tick = [&](const InputSummary& s, std::chrono::steady_clock::duration elapsed) {
        table.draw(directory, *knowledge, inference, s, elapsed);
      };
    capture_live(
        {options.interfaces, options.netns, options.filter, options.promiscuous, duration, options.count, every},
        directory, summary, callbacks);
    table.clear();
  }
  summary.evicted = directory.evicted();

  const auto [text, any] = report(summary);
  if (options.output.empty())
    out << text << std::flush;
  else
    replace_file_atomically(options.output, text);
  // After the report: the one line that says where the stream broke.
  if (!summary.broken.empty()) throw UsageError(summary.broken);
  return options.fail_on_findings && any ? kExitAlert : kExitOk;
}

}  // namespace portclass::cli
