// SPDX-License-Identifier: GPL-2.0-or-later
// The PORT[/tcp|/udp] argument of `portclass explain`.
#pragma once

#include <optional>
#include <string_view>

#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass::cli {

struct PortArgument {
  Port port = 0;
  std::optional<Transport> transport;  // none: both transports
};

// "60248", "53/udp", "443/TCP". Anything else (70000, "abc/tcp", "80/sctp",
// "80/") is an Error naming the input.
Result<PortArgument> parse_port_argument(std::string_view text);

}  // namespace portclass::cli
