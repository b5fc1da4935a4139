// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/netns.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "portclass/nft/names.hpp"

namespace portclass::nft {
namespace {

std::filesystem::path named_path(const std::string& name) { return std::filesystem::path(host::kNetnsRunDir) / name; }

// portclass-nft's wording of a failed visit, as before the visit was shared.
Error worded(const std::string& name, const std::filesystem::path& path, const host::NetnsError& e) {
  const std::string who = "network namespace '" + name + "': ";
  const std::string why = std::strerror(e.error_number);
  std::string message;
  switch (e.step) {
    case host::NetnsStep::open: message = who + "cannot open " + path.string() + ": " + why; break;
    case host::NetnsStep::enter:
      // EINVAL: a plain file or stale mount point, what a deleted namespace can leave.
      message = e.error_number == EINVAL ? who + path.string() + " is not a network namespace (setns: " + why + ")"
                                         : who + "setns failed: " + why;
      break;
    default: message = who + e.message; break;
  }
  // A namespace that is not there is the user's input, as in portclass host (exit 2);
  // one that cannot be entered or read is the system's failure (exit 3).
  const bool users_input = e.kind == host::NetnsErrorKind::missing || e.kind == host::NetnsErrorKind::bad_name;
  return make_error(users_input ? ErrorKind::bad_input : ErrorKind::system, std::move(message), e.error_number);
}

}  // namespace

bool is_netns_name(const std::string& name) noexcept {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-'))
      return false;
  return true;
}

Result<host::NetnsVisit> enter_netns(const std::string& name) {
  if (!is_netns_name(name)) return make_error("network namespace name " + quoted_for_error(name) + " is not valid");
  const std::filesystem::path path = named_path(name);
  auto visit = host::NetnsVisit::enter(path, name);
  if (auto* e = std::get_if<host::NetnsError>(&visit)) return worded(name, path, *e);
  return std::get<host::NetnsVisit>(std::move(visit));
}

bool netns_still_named(const std::string& name) noexcept {
  return is_netns_name(name) && host::is_current_netns(named_path(name));
}

}  // namespace portclass::nft
