// SPDX-License-Identifier: GPL-2.0-or-later
// Which portclass OS profile (common/data/os-profiles.toml) a p0f label
// names: "s:unix:Linux:2.6.x" -> linux-2.6.23, "g:win:Windows:NT kernel" ->
// windows without a known era, "s:!:NMap:SYN scan" -> none. Private to
// common/src (signature_db.cpp fills SignatureLabel with it).
#pragma once

#include <string>
#include <string_view>

namespace portclass::detail {

struct LabelProfile {
  std::string profile_id;  // empty: no profile (tools, systems without a profile)
  bool era_known = true;   // false: only the family is known (see SignatureLabel)
};

// Names compare case-insensitively, as p0f's lookup_name_id() does.
LabelProfile profile_for_label(bool generic, std::string_view os_class, std::string_view name, std::string_view flavor);

}  // namespace portclass::detail
