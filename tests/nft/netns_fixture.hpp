// SPDX-License-Identifier: GPL-2.0-or-later
// Throw-away network namespaces for root tests: uniquely named with the pid,
// always deleted (also when a test fails), never the machine's own.
#pragma once

#include <future>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "portclass/nft/netns.hpp"

namespace nfttest {

// Root, and `ip netns add` works here. Checked once.
bool can_use_netns();

#define NEEDS_NETNS()                                                                      \
  do {                                                                                     \
    if (!nfttest::can_use_netns()) {                                                       \
      WARN("skipped: needs root and network namespaces (ip netns add), e.g. run as root"); \
      return;                                                                              \
    }                                                                                      \
  } while (0)

// Runs a shell command; returns its standard output, *rc its exit status.
std::string shell(const std::string& command, int* rc = nullptr);

class TestNetns {
 public:
  explicit TestNetns(const std::string& tag);
  ~TestNetns();
  TestNetns(const TestNetns&) = delete;
  TestNetns& operator=(const TestNetns&) = delete;

  const std::string& name() const { return name_; }
  // A command inside the namespace.
  std::string sh(const std::string& command, int* rc = nullptr) const;
  // `nft list ruleset` inside the namespace.
  std::string ruleset() const { return sh("nft list ruleset"); }

  // Runs f on a thread that has entered the namespace; returns its result.
  // (Catch assertions stay on the test's own thread.)
  template <class F>
  auto run(F f) const -> decltype(f()) {
    std::packaged_task<decltype(f())()> task([this, &f] {
      const auto visit = portclass::nft::enter_netns(name_).value();
      return f();
    });
    auto result = task.get_future();
    std::thread(std::move(task)).join();
    return result.get();
  }

 private:
  std::string name_;
};

// A file in a per-process temporary directory, removed at exit.
std::string temp_file(const std::string& name, const std::string& content);

}  // namespace nfttest
