// SPDX-License-Identifier: GPL-2.0-or-later
// Service names from the IANA service-name and port-number registry.
//
// ServiceRegistry::system() is the registry built into the library: the copy
// Debian 12's libwireshark-data ships as /usr/share/wireshark/services (~6000
// entries, "name port/tcp/udp # comment"), recorded in
// common/data/iana-services.txt with its package version. It never reads a
// file of the machine, so the CLI and the plugin name the same services on
// every platform (Wireshark 4.2 and later no longer install that file, and
// /etc/services is a small subset). It is parsed once, on first use
// (thread-safe), and is immutable afterwards. parse() and load_file() also
// accept the classic /etc/services format ("name port/proto aliases").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "portclass/port.hpp"
#include "portclass/result.hpp"

namespace portclass {

struct ServiceName {
  std::string name;         // e.g. "domain"
  std::string description;  // the registry's comment, may be empty
};

class ServiceRegistry {
 public:
  // origin() of system().
  static constexpr std::string_view kBuiltinOrigin = "built-in IANA registry (common/data/iana-services.txt)";

  static const ServiceRegistry& system();
  static Result<ServiceRegistry> load_file(const std::filesystem::path& path);
  static Result<ServiceRegistry> parse(std::string_view text, std::string origin);

  // All registered names for the port on that transport, registry order.
  const std::vector<ServiceName>& lookup(Port port, Transport transport) const;
  // The first registered name, if any.
  std::optional<std::string_view> name(Port port, Transport transport) const;
  bool is_named(Port port, Transport transport) const { return !lookup(port, transport).empty(); }

  std::size_t size() const noexcept { return entries_; }
  const std::string& origin() const noexcept { return origin_; }  // the file, kBuiltinOrigin, or "none"

 private:
  static std::uint32_t key(Port port, Transport transport) noexcept {
    return (std::uint32_t{static_cast<std::uint8_t>(transport)} << 16) | port;
  }
  std::unordered_map<std::uint32_t, std::vector<ServiceName>> names_;
  std::size_t entries_ = 0;
  std::string origin_ = "none";
};

}  // namespace portclass
