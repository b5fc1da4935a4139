// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace portclass::host {
namespace {

// thread-self, not self: setns() moves this thread only.
constexpr const char* kCurrentNetns = "/proc/thread-self/ns/net";

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

NetnsError failed(NetnsErrorKind kind, NetnsStep step, int err, std::string message) {
  return NetnsError{kind, std::move(message), step, err};
}

}  // namespace

std::variant<std::filesystem::path, NetnsError> named_netns_path(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos)
    return failed(NetnsErrorKind::bad_name, NetnsStep::name, 0,
                  "invalid network namespace name " + quoted(name) + " (a name as `ip netns list` shows it)");
  return std::filesystem::path(kNetnsRunDir) / std::string(name);
}

bool is_current_netns(const std::filesystem::path& path) noexcept {
  struct stat named {
  }, current{};
  if (::stat(path.c_str(), &named) < 0 || ::stat(kCurrentNetns, &current) < 0) return false;
  return named.st_dev == current.st_dev && named.st_ino == current.st_ino;
}

std::variant<NetnsVisit, NetnsError> NetnsVisit::enter(const std::filesystem::path& path, std::string_view label,
                                                       std::optional<std::uint64_t> expected_inode) {
  const std::string who = "network namespace " + quoted(label);
  UniqueFd saved(::open(kCurrentNetns, O_RDONLY | O_CLOEXEC));
  if (!saved) {
    const int err = errno;
    return failed(NetnsErrorKind::system, NetnsStep::save, err,
                  std::string("cannot open the current network namespace: ") + std::strerror(err));
  }
  UniqueFd target(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!target) {
    const int err = errno;
    if (err == ENOENT || err == ESRCH) {
      if (expected_inode)
        return failed(NetnsErrorKind::vanished, NetnsStep::open, err,
                      who + " disappeared during the audit (no " + path.string() + " any more): skipped");
      return failed(NetnsErrorKind::missing, NetnsStep::open, err, who + " does not exist (no " + path.string() + ")");
    }
    return failed(NetnsErrorKind::system, NetnsStep::open, err, "cannot open " + who + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(target.get(), &st) != 0) {
    const int err = errno;
    return failed(NetnsErrorKind::system, NetnsStep::stat, err,
                  "cannot stat " + path.string() + ": " + std::strerror(err));
  }
  if (expected_inode && st.st_ino != *expected_inode)
    return failed(NetnsErrorKind::vanished, NetnsStep::changed, 0,
                  who + " disappeared during the audit (" + path.string() + " is another namespace now): skipped");
  if (::setns(target.get(), CLONE_NEWNET) != 0) {
    const int err = errno;
    // EINVAL: a plain file or a stale mount point, what a deleted namespace can leave.
    if (err == EINVAL) {
      if (expected_inode)
        return failed(NetnsErrorKind::vanished, NetnsStep::enter, err,
                      who + " disappeared during the audit (" + path.string() + " is no namespace now): skipped");
      return failed(NetnsErrorKind::missing, NetnsStep::enter, err, path.string() + " is not a network namespace");
    }
    return failed(
        NetnsErrorKind::system, NetnsStep::enter, err,
        "cannot enter " + who + ": " + std::strerror(err) + (err == EPERM ? " (needs CAP_SYS_ADMIN, e.g. root)" : ""));
  }
  return NetnsVisit(std::move(saved));
}

std::optional<NetnsError> NetnsVisit::leave() {
  if (!saved_) return std::nullopt;
  if (::setns(saved_.get(), CLONE_NEWNET) != 0) {
    const int err = errno;
    return failed(NetnsErrorKind::system, NetnsStep::leave, err,
                  std::string("cannot return to the original network namespace: ") + std::strerror(err));
  }
  saved_ = UniqueFd();
  return std::nullopt;
}

NetnsVisit::~NetnsVisit() {
  if (auto failure = leave()) {
    // Staying in the wrong namespace would make every later reading lie.
    std::fprintf(stderr, "portclass: %s\n", failure->message.c_str());
    std::abort();
  }
}

}  // namespace portclass::host
