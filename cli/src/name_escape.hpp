// SPDX-License-Identifier: GPL-2.0-or-later
// Process names come from other users' programs (/proc/PID/comm is whatever a
// program set with prctl(PR_SET_NAME): control characters, quotes, newlines,
// bytes that are no UTF-8). Each output form gets them escaped its own way:
//   text        printable ASCII as is; `\` and `"` as \\ and \"; every other
//               byte (controls, DEL, non-ASCII) as \xNN: one terminal-safe line
//   JSON        valid UTF-8 (invalid bytes become U+FFFD); the JSON writer
//               escapes controls and quotes
//   Prometheus  valid UTF-8 as JSON, then `\`, `"` and newline escaped as the
//               text exposition format requires for label values
#pragma once

#include <string>
#include <string_view>

namespace portclass::cli {

std::string escape_for_text(std::string_view name);
std::string valid_utf8(std::string_view name);
std::string escape_prometheus_label(std::string_view value);

}  // namespace portclass::cli
