// SPDX-License-Identifier: GPL-2.0-or-later
// Per-subnet overrides: what the user knows better than inference.
//
// Syntax (the portclass.subnets preference), entries separated by ';' or
// newlines, each a prefix followed by key=value settings:
//   10.1.0.0/16 os=windows                  "these hosts are Windows"
//   10.2.0.0/16 range=20000-29999           "their range is tuned to 20000-29999"
//   fd00::/8 os=linux range=20000-29999     both
// `os` is an OS-profile id or family (checked against the loaded profiles by
// Config, not here); `range` is a port list as PortSet::parse accepts, without
// spaces. Each entry needs at least one of them. Host bits in the prefix, an
// unknown key, a repeated key or a repeated prefix are errors: a typo must not
// silently apply to the wrong hosts.
//
// The most specific (longest) matching prefix wins.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portclass/address.hpp"
#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass::ws {

struct SubnetOverride {
  IpPrefix prefix;
  std::string os;                // empty: keep the inferred OS
  std::optional<PortSet> range;  // empty: the OS's default range
  std::string text;              // the entry as written, for evidence lines
};

class SubnetOverrides {
 public:
  static Result<SubnetOverrides> parse(std::string_view text);

  const SubnetOverride* match(const IpAddress& address) const noexcept;
  const std::vector<SubnetOverride>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }

 private:
  std::vector<SubnetOverride> entries_;
};

}  // namespace portclass::ws
