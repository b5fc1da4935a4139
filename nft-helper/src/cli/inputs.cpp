// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/inputs.hpp"

#include "portclass/nft/live_range.hpp"
#include "portclass/nft/policy.hpp"
#include "portclass/nft/profile_import.hpp"

namespace portclass::nft::cli {

void add_netns_option(CLI::App& app, std::string& netns) {
  app.add_option("--netns", netns, "Act inside the network namespace /run/netns/NAME")->type_name("NAME");
}

void add_input_options(CLI::App& app, Inputs& in) {
  Overrides& o = in.overrides;
  app.add_option("-c,--config", in.config, "TOML file describing what to protect")->type_name("FILE");
  app.add_option("--mode", o.mode, "host (input/output of this machine) or gateway (forward chain)")
      ->type_name("host|gateway");
  app.add_option("--table", o.table, "Name of the inet table portclass owns (default portclass)")->type_name("NAME");
  app.add_option("--range", o.range,
                 "Host mode: this host's ephemeral range: live (default), an OS profile id or ports like 49152-65535")
      ->type_name("RANGE");
  app.add_option("--subnet", o.subnets, "Gateway mode: protected subnet and its range, e.g. 10.1.0.0/16=windows")
      ->type_name("PREFIX=RANGE");
  app.add_option("--from-profile", in.from_profile,
                 "Gateway subnets from a `portclass profile --json` document, one range per inferred OS")
      ->type_name("FILE");
  app.add_option("--profile-subnet", in.profile_subnets,
                 "With --from-profile: group the hosts inside PREFIX into one subnet")
      ->type_name("PREFIX");
  app.add_option("--p0f-db", in.signatures.p0f_db,
                 "With --from-profile, for hosts without a stored verdict: p0f's signature database "
                 "(default /etc/p0f/p0f.fp when installed), or 'none'")
      ->type_name("FILE|none");
  app.add_option("--signatures", in.signatures.user_files,
                 "With --from-profile: TCP signature file in p0f's syntax (as `portclass profile`); repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false);
  // --os-profiles as in `portclass`; --profiles, the old name, still works.
  app.add_option("--os-profiles,--profiles", in.profiles,
                 "Extra OS profiles (TOML, the format of common/data/os-profiles.toml)")
      ->type_name("FILE");
  app.add_option("--tcp", o.tcp_services, "TCP services offered inbound, e.g. 22,8000-8100")->type_name("PORTS");
  app.add_option("--udp", o.udp_services, "UDP services offered inbound")->type_name("PORTS");
  app.add_option("--outbound", o.outbound, "accept (default) or restrict to --outbound-tcp/--outbound-udp")
      ->type_name("accept|restrict");
  app.add_option("--outbound-tcp", o.outbound_tcp, "TCP ports that may be contacted (restrict)")->type_name("PORTS");
  app.add_option("--outbound-udp", o.outbound_udp, "UDP ports that may be contacted (restrict)")->type_name("PORTS");
  app.add_option("--allow", o.allow, "Fixed-port protocols that need their own rule: ntp, dhcp, mdns, ike")
      ->delimiter(',')
      ->type_name("PROTO");
  app.add_option("--wireguard", o.wireguard, "WireGuard ListenPort to accept")->type_name("PORT");
  app.add_flag("--no-ipv4", o.no_ipv4, "Drop all IPv4");
  app.add_flag("--no-ipv6", o.no_ipv6, "Drop all IPv6");
  app.add_flag("--stateless", o.stateless, "Rules that need no conntrack (spoofable: see the docs)");
  app.add_flag("--no-ping", o.no_ping, "Do not answer echo requests");
  add_netns_option(app, in.netns);
}

namespace {

std::variant<OsProfileDb, Failure> os_profiles(const Inputs& in) {
  OsProfileDb db = OsProfileDb::builtin();
  if (!in.profiles.empty()) {
    auto user = OsProfileDb::load_file(in.profiles);
    if (!user) return Failure{kExitUsage, user.error().message};
    db = db.overridden_by(*user);
  }
  return db;
}

std::variant<ProfileImport, Failure> import_with(const Inputs& in, const OsProfileDb& db) {
  std::vector<IpPrefix> groups;
  for (const std::string& text : in.profile_subnets) {
    auto p = IpPrefix::parse(text);
    if (!p) return Failure{kExitUsage, "--profile-subnet: " + p.error().message};
    groups.push_back(*p);
  }
  // The signatures only decide hosts the document holds no verdict for; a bad file is still an error.
  auto signatures = load_signatures(in.signatures);
  if (!signatures) return Failure{kExitUsage, signatures.error().message};
  auto imported = import_profiles_file(in.from_profile, db, groups, &signatures->db);
  if (!imported) return Failure{kExitUsage, imported.error().message};
  return std::move(*imported);
}

}  // namespace

std::variant<ProfileImport, Failure> import_from_profile(const Inputs& in) {
  if (in.from_profile.empty()) return Failure{kExitUsage, "--explain-ranges needs --from-profile"};
  auto db = os_profiles(in);
  if (auto* f = std::get_if<Failure>(&db)) return *f;
  return import_with(in, std::get<OsProfileDb>(db));
}

std::variant<Ruleset, Failure> make_ruleset(const Inputs& in, std::vector<std::string>& notes) {
  auto loaded_db = os_profiles(in);
  if (auto* f = std::get_if<Failure>(&loaded_db)) return *f;
  const OsProfileDb& db = std::get<OsProfileDb>(loaded_db);
  Config config;
  if (!in.config.empty()) {
    auto loaded = load_config(in.config, db);
    if (!loaded) return Failure{kExitUsage, loaded.error().message};
    config = std::move(*loaded);
  }
  if (auto o = apply_overrides(config, in.overrides, db); !o) return Failure{kExitUsage, o.error().message};

  if (!in.from_profile.empty()) {
    if (in.overrides.mode && *in.overrides.mode == "host")
      return Failure{kExitUsage, "--from-profile makes a gateway ruleset; it cannot be combined with --mode host"};
    config.mode = Mode::gateway;
    auto imported = import_with(in, db);
    if (auto* f = std::get_if<Failure>(&imported)) return *f;
    const ProfileImport& got = std::get<ProfileImport>(imported);
    config.subnets.insert(config.subnets.end(), got.subnets.begin(), got.subnets.end());
    notes.insert(notes.end(), got.notes.begin(), got.notes.end());
  } else if (!in.profile_subnets.empty()) {
    return Failure{kExitUsage, "--profile-subnet needs --from-profile"};
  }

  if (config.mode == Mode::host && !config.host_range) {
    auto live = read_live_range();
    if (!live) return Failure{kExitSystem, "cannot read this host's ephemeral range: " + live.error().message};
    config.host_range = live_range_spec(*live);
  }
  auto ruleset = build_ruleset(config);
  if (!ruleset) return Failure{kExitUsage, ruleset.error().message};
  return std::move(*ruleset);
}

}  // namespace portclass::nft::cli
