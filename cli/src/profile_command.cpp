// SPDX-License-Identifier: GPL-2.0-or-later
#include "profile_command.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "exit_code.hpp"
#include "knowledge_option.hpp"
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

void read_capture(const std::string& path, HostDirectory& directory, InputSummary& summary, ProgressBar& progress) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) throw UsageError(reader.error().message);
  std::uint64_t packets = 0;
  auto counters = reader.value().read_all(
      [&](const PacketFacts& packet) {
        directory.observe(packet);
        ++packets;
      },
      [&](std::uint64_t done, std::uint64_t total) { progress.update(path, done, total, packets); });
  progress.clear();
  if (!counters) throw UsageError(counters.error().message);
  add_counters(summary.counters, *counters);
}

void read_profiles(const std::string& path, HostDirectory& directory) {
  std::ifstream in(path);
  if (!in) throw UsageError(path + ": cannot read profile document");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw UsageError(path + ": not JSON (" + std::string(e.what()) + ")");
  }
  if (auto merged = merge_from_json(doc, directory); !merged) throw UsageError(path + ": " + merged.error().message);
}

}  // namespace

CLI::App* add_profile_command(CLI::App& app, ProfileOptions& options) {
  CLI::App* cmd =
      app.add_subcommand("profile", "Infer each host's OS and ephemeral range from pcap/pcapng captures");
  cmd->add_option("captures", options.inputs, "Capture files (pcap, pcapng), or with --merge profile JSON files")
      ->required();
  cmd->add_flag("--json", options.json, "Print the mergeable per-host profiles (with their analysis) as JSON");
  cmd->add_flag("--merge", options.merge, "The inputs are JSON documents from `profile --json`: combine them");
  cmd->add_flag("--fail-on-findings", options.fail_on_findings, "Exit 1 when any host has a finding");
  cmd->add_option("--os-profiles", options.os_profiles,
                  "TOML file of OS profiles that add to or override the built-in ones");
  add_signature_options(*cmd, options.signatures);
  cmd->footer(
      "Link types: Ethernet (VLAN, QinQ, MPLS, PPPoE), Linux cooked v1/v2, raw IP, null/loopback, PPP,\n"
      "Cisco HDLC, ARCNET, NFLOG, 802.11 (radiotap, PPI, Prism, AVS). Tunnels: GRE (incl. ERSPAN),\n"
      "VXLAN, GENEVE, GTP-U, Teredo, AYIYA, IP-in-IP, 6in4, 4in6: the innermost IP/TCP/UDP counts.\n"
      "Truncated packets are counted and never used. A progress bar shows on a terminal.\n"
      "Exit codes: 0 done, 1 findings present with --fail-on-findings,\n"
      "2 bad usage or input (unreadable, corrupt or truncated capture, bad JSON).");
  return cmd;
}

int run_profile(const ProfileOptions& options, std::ostream& out) {
  const auto knowledge = load_knowledge(options.os_profiles);
  // Loaded before any capture is read, so that a bad file fails fast.
  const LoadedSignatures signatures = load_signature_option(options.signatures);
  InferenceOptions inference;
  inference.signatures = &signatures.db;
  HostDirectory directory(*knowledge);
  InputSummary summary;
  summary.files = options.inputs;
  summary.profiles = options.merge;
  if (options.merge) {
    for (const auto& path : options.inputs) read_profiles(path, directory);
  } else {
    ProgressBar progress;
    for (const auto& path : options.inputs) read_capture(path, directory, summary, progress);
  }

  const auto hosts = analyse(directory, *knowledge, inference);
  if (options.json)
    out << to_json(directory, hosts, summary).dump(2) << "\n";
  else
    render_text(hosts, summary, out);

  const bool any = std::any_of(hosts.begin(), hosts.end(), [](const HostAnalysis& h) { return !h.findings.empty(); });
  return options.fail_on_findings && any ? kExitAlert : kExitOk;
}

}  // namespace portclass::cli
