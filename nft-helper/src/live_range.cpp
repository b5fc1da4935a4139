// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/live_range.hpp"

#include <fstream>
#include <sstream>

namespace portclass::nft {
namespace {

Result<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(path.string() + ": cannot read");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

PortSet LiveRange::ephemeral() const { return PortSet{{local_port_range}}.difference(reserved); }

Result<LiveRange> read_live_range(const std::filesystem::path& proc_root) {
  const auto dir = proc_root / "sys/net/ipv4";
  auto range_text = read_text(dir / "ip_local_port_range");
  if (!range_text) return range_text.error();
  std::istringstream in(*range_text);
  long first = -1, last = -1;
  in >> first >> last;
  if (!in || first < 1 || last > 65535 || first > last)
    return make_error((dir / "ip_local_port_range").string() + ": unexpected content '" + *range_text + "'");
  LiveRange live;
  live.local_port_range = PortRange{static_cast<Port>(first), static_cast<Port>(last)};

  // Missing on very old kernels: no reserved ports then.
  if (auto reserved_text = read_text(dir / "ip_local_reserved_ports")) {
    std::string text = *reserved_text;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (!text.empty()) {
      auto reserved = PortSet::parse(text);
      if (!reserved)
        return make_error((dir / "ip_local_reserved_ports").string() + ": " + reserved.error().message);
      live.reserved = *reserved;
    }
  }
  return live;
}

RangeSpec live_range_spec(const LiveRange& live) {
  std::string origin = "live ip_local_port_range " + live.local_port_range.to_string();
  const PortSet reserved = live.reserved.intersection(PortSet{{live.local_port_range}});
  if (!reserved.empty()) origin += " minus reserved " + reserved.to_string();
  return RangeSpec{"live", live.ephemeral(), origin};
}

}  // namespace portclass::nft
