// SPDX-License-Identifier: GPL-2.0-or-later
// Notable, often unofficial, uses of ports and ranges (Kubernetes NodePort,
// mosh, WebRTC media, ...) that explain a port better than the IANA registry.
// Built-in data: common/data/notable-ports.toml, compiled in.
//
// File format (one [[use]] table each):
//   ports       = "30000-32767"      # a port list as PortSet::parse accepts
//   transports  = ["tcp", "udp"]     # optional, default both
//   name        = "Kubernetes NodePort"
//   kind        = "server-range"     # server-range | client-range | service
//   description = "..."
//   source      = "..."             # required: documentation page, RFC, README, vendor KB
//   confidence  = "weak"             # optional: a single, third-party or community source
//
// kind: server-range / service mark ports a server listens on; client-range
// marks ports drawn one at a time from a range (ephemeral-like: client ports,
// RTP media, Windows RPC, Xsan), which say nothing about the server side.
// A bad file is refused with one line naming the file, the entry and the key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass {

struct NotablePortUse {
  PortSet ports;
  bool tcp = true;
  bool udp = true;
  std::string name;
  std::string kind;
  std::string description;
  std::string source;
  bool weak = false;  // confidence = "weak": single or third-party source
};

class NotablePortDb {
 public:
  static const NotablePortDb& builtin();
  static Result<NotablePortDb> parse_toml(std::string_view text, std::string_view origin);

  const std::vector<NotablePortUse>& uses() const noexcept { return uses_; }
  std::vector<const NotablePortUse*> matching(Port port) const;
  std::vector<const NotablePortUse*> overlapping(const PortSet& ports) const;

 private:
  std::vector<NotablePortUse> uses_;
};

}  // namespace portclass
