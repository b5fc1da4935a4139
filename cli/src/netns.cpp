// SPDX-License-Identifier: GPL-2.0-or-later
#include "netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace portclass::cli {
namespace {

// Owns a file descriptor for the duration of the switch.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::filesystem::path> enter_network_namespace(std::string_view name) {
  const std::string quoted = "'" + std::string(name) + "'";
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos)
    return make_error("invalid network namespace name " + quoted + " (a name as `ip netns list` shows it)");
  const std::filesystem::path path = std::filesystem::path(kNetnsRunDir) / std::string(name);
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT)
      return make_error("network namespace " + quoted + " does not exist (no " + path.string() + ")");
    return make_error("cannot open network namespace " + quoted + ": " + std::strerror(errno));
  }
  if (::setns(fd.get(), CLONE_NEWNET) != 0) {
    const int err = errno;
    if (err == EINVAL) return make_error(path.string() + " is not a network namespace");
    return make_error("cannot enter network namespace " + quoted + ": " + std::strerror(err) +
                      (err == EPERM ? " (needs CAP_SYS_ADMIN, e.g. root)" : ""));
  }
  return path;
}

}  // namespace portclass::cli
