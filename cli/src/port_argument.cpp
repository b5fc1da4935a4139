// SPDX-License-Identifier: GPL-2.0-or-later
#include "port_argument.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace portclass::cli {

Result<PortArgument> parse_port_argument(std::string_view text) {
  const auto slash = text.find('/');
  auto port = parse_port(text.substr(0, slash));
  if (!port) return port.error();
  PortArgument out{*port, std::nullopt};
  if (slash == std::string_view::npos) return out;

  std::string name(text.substr(slash + 1));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto transport = parse_transport(name);
  if (!transport)
    return make_error("unknown transport '" + std::string(text.substr(slash + 1)) + "' in '" + std::string(text) +
                      "': expected PORT, PORT/tcp or PORT/udp");
  out.transport = *transport;
  return out;
}

}  // namespace portclass::cli
