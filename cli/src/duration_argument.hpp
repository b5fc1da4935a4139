// SPDX-License-Identifier: GPL-2.0-or-later
// Durations on the command line (`--duration 10m`, `--every 30s`): a
// positive whole number with one unit, s, m or h. A bare number is refused
// (seconds or minutes? the reader of a cron line should not have to guess).
#pragma once

#include <chrono>
#include <string_view>

#include "portclass/result.hpp"

namespace portclass::cli {

Result<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace portclass::cli
