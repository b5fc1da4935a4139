// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/live_range.hpp"

namespace portclass::nft {

Result<LiveRange> read_live_range(const std::filesystem::path& proc_root) {
  return host::read_local_port_config(proc_root / "sys/net/ipv4");
}

RangeSpec live_range_spec(const LiveRange& live) {
  std::string origin = "live ip_local_port_range " + live.range.to_string();
  const PortSet reserved = live.reserved.intersection(PortSet{{live.range}});
  if (!reserved.empty()) origin += " minus reserved " + reserved.to_string();
  return RangeSpec{"live", live.ephemeral(), origin};
}

}  // namespace portclass::nft
