// SPDX-License-Identifier: GPL-2.0-or-later
// What to protect: the TOML config of portclass-nft, and the command-line
// overrides that cover the common cases with no file.
//
// File format (every key optional; unknown keys are errors, so a typo is
// never silently ignored):
//
//   mode = "host"                # "host": input/output of this machine
//                                # "gateway": forward chain for subnets behind it
//   table = "portclass"          # [a-z][a-z0-9_]*, the one table portclass owns
//   comment = "office gateway"   # added to the table comment
//   ipv4 = true                  # false: all IPv4 is dropped
//   ipv6 = true
//   stateless = false            # no conntrack matches (docs: risks)
//   ping = true                  # answer echo requests
//   profiles = "my-os.toml"      # extra OS profiles (common/data format)
//
//   [ranges]                     # names for ranges, usable wherever a range is
//   build_farm = "20000-29999"
//
//   [host]                       # host mode
//   range = "live"               # default: ip_local_port_range minus
//                                # ip_local_reserved_ports, read from the kernel
//
//   [subnets]                    # gateway mode: prefix = range
//   "10.1.0.0/16" = "windows"    # an OS profile id
//   "10.2.0.0/16" = "20000-29999"
//   "fd00:2::/64" = "build_farm"
//
//   [services]                   # ports offered inbound
//   tcp = [22, "8000-8100"]      # numbers, "a-b" strings, or one "22,80" string
//   udp = []
//
//   [outbound]
//   policy = "accept"            # or "restrict": only these destination ports
//   tcp = [80, 443]
//   udp = [53]
//
//   [protocols]                  # fixed-port protocols that need their own rule
//   ntp = false
//   dhcp = false                 # host mode only (link-local)
//   mdns = false                 # host mode only (link-local)
//   ike = false
//   wireguard = []               # ListenPort(s)
//
// A range is, in this order: "live" (host mode), a name from [ranges], an OS
// profile id, or port ranges ("1025-5000,49152-65535").
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portclass/address.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

enum class Mode : std::uint8_t { host, gateway };
enum class Outbound : std::uint8_t { accept, restrict };

// An ephemeral range and where it comes from.
struct RangeSpec {
  std::string label;  // profile id or range name ("windows"); empty for bare port ranges
  PortSet ports;
  std::string origin;  // for comments: "profile windows", "live ip_local_port_range"
  friend bool operator==(const RangeSpec&, const RangeSpec&) = default;
};

// A protected subnet. Thousands of subnets share a handful of ranges, so
// the range is shared, not copied.
class Subnet {
 public:
  Subnet(IpPrefix where, RangeSpec range)
      : prefix(where), range_(std::make_shared<const RangeSpec>(std::move(range))) {}
  Subnet(IpPrefix where, std::shared_ptr<const RangeSpec> range) : prefix(where), range_(std::move(range)) {}

  IpPrefix prefix;
  const RangeSpec& range() const noexcept { return *range_; }
  const std::shared_ptr<const RangeSpec>& shared_range() const noexcept { return range_; }

 private:
  std::shared_ptr<const RangeSpec> range_;
};

struct Protocols {
  bool ntp = false;
  bool dhcp = false;
  bool mdns = false;
  bool ike = false;
  PortSet wireguard;
};

struct Config {
  Mode mode = Mode::host;
  std::string table = "portclass";
  std::string comment;
  bool ipv4 = true;
  bool ipv6 = true;
  bool stateless = false;
  bool ping = true;
  std::map<std::string, PortSet> named_ranges;
  std::optional<RangeSpec> host_range;  // host mode; unset: read the live range
  std::vector<Subnet> subnets;          // gateway mode
  PortSet tcp_services;
  PortSet udp_services;
  Outbound outbound = Outbound::accept;
  PortSet outbound_tcp;
  PortSet outbound_udp;
  Protocols protocols;
};

// Everything the command line can set; unset fields leave the config alone.
struct Overrides {
  std::optional<std::string> mode;
  std::optional<std::string> table;
  std::optional<std::string> range;  // host mode range
  std::vector<std::string> subnets;  // "PREFIX=RANGE"
  std::optional<std::string> tcp_services;
  std::optional<std::string> udp_services;
  std::optional<std::string> outbound;
  std::optional<std::string> outbound_tcp;
  std::optional<std::string> outbound_udp;
  std::vector<std::string> allow;      // ntp, dhcp, mdns, ike
  std::vector<std::string> wireguard;  // ports
  bool no_ipv4 = false;
  bool no_ipv6 = false;
  bool stateless = false;
  bool no_ping = false;
};

// Parses a config document. `db` resolves profile ids; a `profiles` key
// loads more profiles relative to `base_dir`.
Result<Config> parse_config(std::string_view text, std::string_view origin, const OsProfileDb& db,
                            const std::filesystem::path& base_dir = {});
Result<Config> load_config(const std::filesystem::path& path, const OsProfileDb& db);

// Applies command-line overrides on top of a config.
Result<void> apply_overrides(Config& config, const Overrides& o, const OsProfileDb& db);

// Resolves a range text against named ranges and profiles. "live" is refused
// here (the caller reads the kernel), as is an empty set.
Result<RangeSpec> resolve_range(std::string_view text, const std::map<std::string, PortSet>& named,
                                const OsProfileDb& db);

// Parses "22,80,8000-8100" into ports, with a message naming `what`.
Result<PortSet> parse_ports(std::string_view what, std::string_view text);

}  // namespace portclass::nft
