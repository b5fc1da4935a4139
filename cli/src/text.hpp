// SPDX-License-Identifier: GPL-2.0-or-later
// Small formatting helpers shared by the commands' text output.
#pragma once

#include <string>

#include "portclass/address.hpp"
#include "portclass/port.hpp"

namespace portclass::cli {

// "10.0.0.1:80", "[::1]:80", "*:80" for an unspecified address.
std::string endpoint(const IpAddress& address, Port port);
// 0.873 -> "87%"; values below 1% but above 0 keep one decimal ("0.4%").
std::string percent(double share);
// "1 port" / "2 ports".
std::string plural(std::uint64_t n, const std::string& one, const std::string& many);

}  // namespace portclass::cli
