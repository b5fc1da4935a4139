// SPDX-License-Identifier: GPL-2.0-or-later
// Validation of every name and text that reaches a ruleset.
//
// Contract: a value that passes these checks can be written into nft syntax
// (unquoted identifiers, or inside "double quotes" for comments) and into
// netlink attributes without any escaping, so nothing in a config file can
// inject nftables syntax. Each check returns an Error that names the field
// and says which characters are allowed; the offending value is shown with
// its non-printable bytes escaped so the message itself stays one line.
#pragma once

#include <string>
#include <string_view>

#include "portclass/result.hpp"

namespace portclass::nft {

inline constexpr std::size_t kMaxIdentifier = 32;  // table/chain/set names (old kernels' limit)
inline constexpr std::size_t kMaxComment = 127;    // libnftnl's comment limit is 128 with the NUL

// [a-z][a-z0-9_]{0,31}
bool is_identifier(std::string_view text) noexcept;
// Printable ASCII letters, digits, space and , . : ; ( ) / _ + = @ % # -
// (no quotes, backslash, braces or control characters), at most kMaxComment.
bool is_comment_text(std::string_view text) noexcept;

// Checked forms: `what` names the field ("table", "range name ...").
Result<std::string> check_identifier(std::string_view what, std::string_view text);
Result<std::string> check_comment(std::string_view what, std::string_view text);

// A printable, single-line rendering of untrusted text for error messages.
std::string quoted_for_error(std::string_view text);

// Maps a profile id ("windows-xp", "linux-2.6.23") to identifier characters
// ("windows_xp", "linux_2_6_23"); empty when nothing usable remains.
std::string identifier_from(std::string_view text);

}  // namespace portclass::nft
