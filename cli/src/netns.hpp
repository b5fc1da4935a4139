// SPDX-License-Identifier: GPL-2.0-or-later
// Visiting a network namespace and coming back: `NetnsVisit` is a scope in
// which the calling thread (portclass is single-threaded) is in another
// network namespace.
//
// Contract: enter() saves a descriptor of the current namespace
// (/proc/thread-self/ns/net), then setns(CLONE_NEWNET) into the target;
// leave() (or the destructor) setns() back into the saved one. Netlink sockets
// opened and /proc/sys/net files read inside the scope are the namespace's
// (the sysctl tree resolves per opener; tests/cli checks it); descriptors
// opened inside stay bound to it, so close them before leaving. A failure to
// enter changes nothing. Several namespaces can be visited one after another
// in one run.
//
// Errors are typed so that callers pick the exit code without reading text:
// a bad name or a missing named namespace is the user's input, a namespace
// that went away since it was listed (its process exited, `ip netns del`) is
// `vanished`, anything else (permission, setns refused) is the system's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace portclass::cli {

inline constexpr const char* kNetnsRunDir = "/run/netns";

enum class NetnsErrorKind : std::uint8_t { bad_name, missing, vanished, system };

struct NetnsError {
  NetnsErrorKind kind = NetnsErrorKind::system;
  std::string message;  // one line
};

// An owned file descriptor (closed once, movable).
class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// /run/netns/NAME for a name as `ip netns list` shows it; bad_name otherwise.
std::variant<std::filesystem::path, NetnsError> named_netns_path(std::string_view name);

class NetnsVisit {
 public:
  // `expected_inode`: the namespace's inode when it was listed; a different
  // namespace found at the path now (a pid reused) is `vanished`.
  static std::variant<NetnsVisit, NetnsError> enter(const std::filesystem::path& path, std::string_view label,
                                                    std::optional<std::uint64_t> expected_inode = std::nullopt);
  NetnsVisit(NetnsVisit&& other) noexcept = default;
  NetnsVisit& operator=(NetnsVisit&&) = delete;
  NetnsVisit(const NetnsVisit&) = delete;
  NetnsVisit& operator=(const NetnsVisit&) = delete;
  // Returns to the saved namespace; an error if the kernel refuses (then the
  // thread is still inside and nothing it reads can be trusted).
  std::optional<NetnsError> leave();
  ~NetnsVisit();  // leave(), if not done; a failure then aborts the program

 private:
  explicit NetnsVisit(UniqueFd saved) noexcept : saved_(std::move(saved)) {}
  UniqueFd saved_;
};

}  // namespace portclass::cli
