// SPDX-License-Identifier: GPL-2.0-or-later
// Preferences of protocol portclass (Edit > Preferences > Protocols > portclass,
// or `-o portclass.NAME:VALUE`):
//   portclass.infer         TRUE/FALSE  OS and range inference per host
//   portclass.profile_file  path        user OS profiles (TOML, os_profile.hpp format)
//   portclass.subnets       text        per-subnet overrides (subnet_overrides.hpp syntax)
//   portclass.p0f_db        path|none   p0f's signature database (empty: /etc/p0f/p0f.fp when installed)
//   portclass.signature_file path       user TCP signatures (p0f syntax, signature_db.hpp)
//
// Wireshark accepts any text for string preferences, so validation happens when
// the preferences are applied: an invalid set is reported with one line
// (report_failure: stderr in tshark, a dialog in Wireshark) and rejected as a
// whole; the previous valid configuration stays in force.
#pragma once

namespace portclass::ws::plugin {

void register_preferences(int proto);

}  // namespace portclass::ws::plugin
