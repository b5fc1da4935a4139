// SPDX-License-Identifier: GPL-2.0-or-later
#include "netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace portclass::cli {
namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

std::variant<std::filesystem::path, NetnsError> named_netns_path(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos)
    return NetnsError{NetnsErrorKind::bad_name,
                      "invalid network namespace name " + quoted(name) + " (a name as `ip netns list` shows it)"};
  return std::filesystem::path(kNetnsRunDir) / std::string(name);
}

std::variant<NetnsVisit, NetnsError> NetnsVisit::enter(const std::filesystem::path& path, std::string_view label,
                                                       std::optional<std::uint64_t> expected_inode) {
  const std::string who = "network namespace " + quoted(label);
  // thread-self, not self: setns() moves this thread only.
  UniqueFd saved(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!saved) return NetnsError{NetnsErrorKind::system, std::string("cannot open the current network namespace: ") +
                                                            std::strerror(errno)};
  UniqueFd target(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!target) {
    const int err = errno;
    if (err == ENOENT || err == ESRCH) {
      if (expected_inode) return NetnsError{NetnsErrorKind::vanished, who + " disappeared during the audit (no " +
                                                                          path.string() + " any more): skipped"};
      return NetnsError{NetnsErrorKind::missing, who + " does not exist (no " + path.string() + ")"};
    }
    return NetnsError{NetnsErrorKind::system, "cannot open " + who + ": " + std::strerror(err)};
  }
  struct stat st {};
  if (::fstat(target.get(), &st) != 0)
    return NetnsError{NetnsErrorKind::system, "cannot stat " + path.string() + ": " + std::strerror(errno)};
  if (expected_inode && st.st_ino != *expected_inode)
    return NetnsError{NetnsErrorKind::vanished,
                      who + " disappeared during the audit (" + path.string() + " is another namespace now): skipped"};
  if (::setns(target.get(), CLONE_NEWNET) != 0) {
    const int err = errno;
    if (err == EINVAL) {
      if (expected_inode) return NetnsError{NetnsErrorKind::vanished, who + " disappeared during the audit (" +
                                                                          path.string() + " is no namespace now): skipped"};
      return NetnsError{NetnsErrorKind::missing, path.string() + " is not a network namespace"};
    }
    return NetnsError{NetnsErrorKind::system, "cannot enter " + who + ": " + std::strerror(err) +
                                                  (err == EPERM ? " (needs CAP_SYS_ADMIN, e.g. root)" : "")};
  }
  return NetnsVisit(std::move(saved));
}

std::optional<NetnsError> NetnsVisit::leave() {
  if (!saved_) return std::nullopt;
  if (::setns(saved_.get(), CLONE_NEWNET) != 0)
    return NetnsError{NetnsErrorKind::system,
                      std::string("cannot return to the original network namespace: ") + std::strerror(errno)};
  saved_ = UniqueFd();
  return std::nullopt;
}

NetnsVisit::~NetnsVisit() {
  if (auto failed = leave()) {
    // Staying in the wrong namespace would make every later reading lie.
    std::fprintf(stderr, "portclass: %s\n", failed->message.c_str());
    std::abort();
  }
}

}  // namespace portclass::cli
