// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/services.hpp"

#include "builtin_data.hpp"
#include "portclass/text_file.hpp"

namespace portclass {
namespace {

std::string_view next_token(std::string_view& line) {
  const auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  const auto end = line.find_first_of(" \t");
  const auto token = line.substr(0, end);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  return token;
}

std::string_view trim(std::string_view s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return {};
  const auto b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

const std::vector<ServiceName>& no_names() {
  static const std::vector<ServiceName> empty;
  return empty;
}

}  // namespace

const ServiceRegistry& ServiceRegistry::system() {
  // The built-in copy, never a file of the machine: the same names wherever
  // the library runs (data/iana-services.txt says which registry it is).
  static const ServiceRegistry registry = parse(data::iana_services_txt(), std::string(kBuiltinOrigin)).value();
  return registry;
}

Result<ServiceRegistry> ServiceRegistry::load_file(const std::filesystem::path& path) {
  auto text = read_text_file(path, "services file");
  if (!text) return text.error();
  return parse(*text, path.string());
}

// Lines: "name<ws>port/proto[/proto...][<ws>aliases...][<ws># comment]".
// Lines that do not fit are skipped: the registry files carry free-form
// comments, and one odd line must not make every name unavailable.
Result<ServiceRegistry> ServiceRegistry::parse(std::string_view text, std::string origin) {
  ServiceRegistry reg;
  reg.origin_ = std::move(origin);
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);

    std::string_view comment;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) {
      comment = trim(line.substr(hash + 1));
      line = line.substr(0, hash);
    }
    const auto name = next_token(line);
    auto spec = next_token(line);
    if (name.empty() || spec.empty()) continue;
    const auto slash = spec.find('/');
    if (slash == std::string_view::npos) continue;
    auto port = parse_port(spec.substr(0, slash));
    if (!port) continue;
    spec.remove_prefix(slash + 1);
    while (!spec.empty()) {
      const auto next = spec.find('/');
      if (auto t = parse_transport(spec.substr(0, next))) {
        reg.names_[key(*port, *t)].push_back({std::string(name), std::string(comment)});
        ++reg.entries_;
      }
      spec.remove_prefix(next == std::string_view::npos ? spec.size() : next + 1);
    }
  }
  return reg;
}

const std::vector<ServiceName>& ServiceRegistry::lookup(Port port, Transport transport) const {
  const auto it = names_.find(key(port, transport));
  return it == names_.end() ? no_names() : it->second;
}

std::optional<std::string_view> ServiceRegistry::name(Port port, Transport transport) const {
  const auto& names = lookup(port, transport);
  if (names.empty()) return std::nullopt;
  return names.front().name;
}

}  // namespace portclass
