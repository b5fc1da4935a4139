// SPDX-License-Identifier: GPL-2.0-or-later
// Operating-system profiles: default ephemeral port ranges, initial TTL and
// port-selection behaviour, each with the public source it comes from.
//
// The built-in database is common/data/os-profiles.toml, compiled into the
// library at build time (no file needs to be installed). A user TOML file in
// the same format adds profiles or overrides built-in ones by id.
//
// File format (one [[profile]] table per profile):
//   id          = "linux"            # [a-z0-9][a-z0-9._+-]*, unique
//   family      = "linux"            # same charset; the unit inference reports
//   name        = "Linux 4.2 and later"
//   versions    = ">= 4.2"           # optional, free text
//   ranges      = ["32768-60999"]    # default ephemeral range(s)
//   initial_ttl = 64                 # 1-255
//   selection   = "even-connect"     # random | even-connect | global-counter | count-down
//   syn_options = ["M,S,T,N,W"]      # optional: typical SYN option layouts
//   prior       = 1.0                # optional (default 0.1): relative commonness
//   gateway     = false              # optional: a NAT/cloud gateway, not an end host
//   history     = ["..."]            # optional: earlier defaults, in words
//   sources     = ["..."]            # where each fact comes from (required)
//   notes       = "..."              # optional
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass {

enum class PortSelection : std::uint8_t { random, even_connect, global_counter, count_down };

std::string_view to_string(PortSelection s) noexcept;
std::optional<PortSelection> parse_port_selection(std::string_view text) noexcept;

struct OsProfile {
  std::string id;
  std::string family;
  std::string name;
  std::string versions;
  PortSet ephemeral;
  std::uint8_t initial_ttl = 64;
  PortSelection selection = PortSelection::random;
  std::vector<std::string> syn_options;
  double prior = 0.1;
  bool gateway = false;
  std::vector<std::string> history;
  std::vector<std::string> sources;
  std::string notes;
};

// True when the text is a safe identifier for ids and families.
bool is_valid_profile_id(std::string_view text) noexcept;

class OsProfileDb {
 public:
  static const OsProfileDb& builtin();
  static Result<OsProfileDb> parse_toml(std::string_view text, std::string_view origin);
  static Result<OsProfileDb> load_file(const std::filesystem::path& path);

  // This database with every profile of `user` added, replacing same-id ones.
  OsProfileDb overridden_by(const OsProfileDb& user) const;

  const std::vector<OsProfile>& profiles() const noexcept { return profiles_; }
  const OsProfile* find(std::string_view id) const noexcept;
  // Profiles whose default range contains the port, database order.
  std::vector<const OsProfile*> containing(Port port) const;
  // Distinct families, database order.
  std::vector<std::string> families() const;

 private:
  std::vector<OsProfile> profiles_;
};

}  // namespace portclass
