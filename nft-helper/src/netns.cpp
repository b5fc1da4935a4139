// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "portclass/nft/names.hpp"

namespace portclass::nft {

bool is_netns_name(const std::string& name) noexcept {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-'))
      return false;
  return true;
}

Result<bool> enter_netns(const std::string& name) {
  if (!is_netns_name(name)) return make_error("network namespace name " + quoted_for_error(name) + " is not valid");
  const std::string path = "/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("network namespace '" + name + "': cannot open " + path + ": " + std::strerror(errno));
  const int rc = setns(fd, CLONE_NEWNET);
  const int saved = errno;
  ::close(fd);
  if (rc < 0 && saved == EINVAL)  // a plain file or stale mount point: what a deleted namespace can leave
    return make_error("network namespace '" + name + "': " + path + " is not a network namespace (setns: " +
                      std::strerror(saved) + ")");
  if (rc < 0) return make_error("network namespace '" + name + "': setns failed: " + std::strerror(saved));
  return true;
}

bool netns_still_named(const std::string& name) noexcept {
  if (!is_netns_name(name)) return false;
  struct stat named {}, current {};
  const std::string path = "/run/netns/" + name;
  if (::stat(path.c_str(), &named) < 0 || ::stat("/proc/thread-self/ns/net", &current) < 0) return false;
  return named.st_dev == current.st_dev && named.st_ino == current.st_ino;
}

}  // namespace portclass::nft
