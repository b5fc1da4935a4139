// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's settings as the user writes them (Settings), and the validated,
// ready-to-use form the analysis reads (Config).
//
// Contract:
//  - build_config() either returns a complete Config or an Error naming the
//    offending preference and value; it never half-applies (a bad subnet entry
//    rejects the whole set, a bad profile file keeps nothing from it).
//  - A Config is immutable and shared: the analysis of one capture keeps the
//    Config it started with even if the preferences change meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "portclass/knowledge.hpp"
#include "portclass/inference.hpp"
#include "portclass/result.hpp"
#include "portclass/signature_options.hpp"
#include "subnet_overrides.hpp"

namespace portclass::ws {

struct Settings {
  bool infer = true;           // OS and range inference per host
  std::string profile_file;    // user OS-profile TOML, empty for none
  std::string subnets;         // SubnetOverrides syntax
  std::string p0f_db;          // p0f's database: empty for the default path, "none" to leave it out
  std::string signature_file;  // user TCP signatures (p0f syntax with sources), empty for none
};

// Which OS profiles' default ranges contain a port, as a per-port table.
class RangeTable {
 public:
  explicit RangeTable(const OsProfileDb& db);
  // Profile ids whose default ephemeral range contains the port, database order.
  const std::vector<std::string>& ids_containing(Port port) const noexcept { return combos_[combo_of_[port]]; }
  // The same ids joined with ',' ("linux,linux-2.6.23,..."), "" for none.
  const std::string& joined(Port port) const noexcept { return joined_[combo_of_[port]]; }

 private:
  std::vector<std::uint16_t> combo_of_;           // port -> index into combos_
  std::vector<std::vector<std::string>> combos_;  // distinct id lists
  std::vector<std::string> joined_;               // combos_, joined
};

struct Config {
  Settings settings;
  std::unique_ptr<const PortKnowledge> knowledge;
  SubnetOverrides overrides;
  // For each override entry (same order), the profile its os= names, or null.
  std::vector<const OsProfile*> override_profiles;
  RangeTable ranges;
  // p0f's database, the built-in signatures and the user's, loaded once.
  std::unique_ptr<const LoadedSignatures> signatures;

  const OsProfileDb& profiles() const noexcept { return knowledge->profiles(); }
  InferenceOptions inference_options() const noexcept {
    InferenceOptions o;
    o.signatures = &signatures->db;
    return o;
  }
};

Result<std::shared_ptr<const Config>> build_config(const Settings& settings);

// An on/off switch as a user types it: on/off, true/false, yes/no, 1/0 (any
// case). Wireshark's own boolean preferences read every value but "TRUE" as
// FALSE, so "-o portclass.infer:on" would silently switch inference off;
// portclass validates the text itself instead.
Result<bool> parse_switch(std::string_view text);

// An OS profile by id, or else the first profile of that family.
const OsProfile* find_profile_or_family(const OsProfileDb& db, std::string_view name) noexcept;

}  // namespace portclass::ws
