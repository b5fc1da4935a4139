// SPDX-License-Identifier: GPL-2.0-or-later
// Visiting a network namespace and coming back, the one implementation for
// every portclass program: `NetnsVisit` is a scope in which the calling
// thread (portclass programs are single-threaded) is in another network
// namespace.
//
// Contract: enter() saves a descriptor of the current namespace
// (/proc/thread-self/ns/net), then setns(CLONE_NEWNET) into the target;
// leave() (or the destructor) setns() back into the saved one. Netlink sockets
// opened and /proc/sys/net files read inside the scope are the namespace's
// (the sysctl tree resolves per opener; tests/cli checks it); descriptors
// opened inside stay bound to it, so close them before leaving. Processes
// forked inside start in it. A failure to enter changes nothing. Several
// namespaces can be visited one after another in one run.
//
// Errors are typed so that callers pick the exit code without reading text:
// a bad name or a missing named namespace is the user's input, a namespace
// that went away since it was listed (its process exited, `ip netns del`) is
// `vanished`, anything else (permission, setns refused) is the system's. The
// step and errno are kept too, for a program that words its own messages
// (portclass-nft keeps the wording its users and docs/bad-input.md know).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "portclass/host/unique_fd.hpp"

namespace portclass::host {

inline constexpr const char* kNetnsRunDir = "/run/netns";

enum class NetnsErrorKind : std::uint8_t { bad_name, missing, vanished, system };

// Where it failed: the name, saving the current namespace, opening the
// target, fstat() of it, finding another namespace than listed, setns() into
// it, setns() back.
enum class NetnsStep : std::uint8_t { name, save, open, stat, changed, enter, leave };

struct NetnsError {
  NetnsErrorKind kind = NetnsErrorKind::system;
  std::string message;  // one line
  NetnsStep step = NetnsStep::enter;
  int error_number = 0;  // the errno behind it, 0 when none
};

// /run/netns/NAME for a name as `ip netns list` shows it; bad_name otherwise.
std::variant<std::filesystem::path, NetnsError> named_netns_path(std::string_view name);

// True while PATH (e.g. /run/netns/NAME) is the namespace the calling thread
// is in. A namespace deleted after it was entered lives on only as long as
// something is inside it: the path then names nothing, or another one.
bool is_current_netns(const std::filesystem::path& path) noexcept;

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

}  // namespace portclass::host
