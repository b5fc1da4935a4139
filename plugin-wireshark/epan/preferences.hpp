// SPDX-License-Identifier: GPL-2.0-or-later
// Preferences of protocol portclass (Edit > Preferences > Protocols > portclass,
// or `-o portclass.NAME:VALUE`):
//   portclass.infer         TRUE/FALSE  OS and range inference per host
//   portclass.profile_file  path        user OS profiles (TOML, os_profile.hpp format)
//   portclass.subnets       text        per-subnet overrides (subnet_overrides.hpp syntax)
//
// Wireshark accepts any text for string preferences, so validation happens when
// the preferences are applied: an invalid set is reported with one line
// (report_failure: stderr in tshark, a dialog in Wireshark) and rejected as a
// whole; the previous valid configuration stays in force.
#pragma once

namespace portclass::ws::plugin {

void register_preferences(int proto);

}  // namespace portclass::ws::plugin
