// SPDX-License-Identifier: GPL-2.0-or-later
// apply --confirm through the real command: the revert fires on timeout and
// after the applying process is SIGKILLed; confirm keeps the new ruleset.
#include <catch2/catch.hpp>

#include <signal.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "netns_fixture.hpp"

using nfttest::TestNetns;
using namespace std::chrono_literals;

namespace {

const std::string kBinary = PORTCLASS_NFT_BIN;

// The state directory of these tests, away from /run/portclass.
void private_state_dir() {
  static const std::string dir = [] {
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(std::getenv("PORTCLASS_STATE_DIR"), ec);
    });
    return (std::filesystem::temp_directory_path() / ("pcnft-state-" + std::to_string(getpid()))).string();
  }();
  setenv("PORTCLASS_STATE_DIR", dir.c_str(), 1);
}

std::string cli(const std::string& args, int* rc) { return nfttest::shell(kBinary + " " + args + " 2>&1", rc); }

pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kBinary.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execv(kBinary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Polls until pred() or the timeout; returns pred().
template <class P>
bool eventually(P pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

}  // namespace

TEST_CASE("safe apply: the previous ruleset comes back, byte-identical, when not confirmed", "[kernel][confirm]") {
  NEEDS_NETNS();
  private_state_dir();
  TestNetns ns("revert");
  int rc = -1;
  cli("apply --netns " + ns.name() + " --range windows --tcp 22", &rc);
  REQUIRE(rc == 0);
  const std::string before = ns.ruleset();

  const std::string out = cli("apply --netns " + ns.name() + " --range linux --confirm 2", &rc);
  INFO(out);
  REQUIRE(rc == 0);
  const std::string during = ns.ruleset();
  CHECK(during != before);
  CHECK(during.find("32768-60999") != std::string::npos);
  // A plain apply now would be reverted later: refused.
  cli("apply --netns " + ns.name() + " --range macos", &rc);
  CHECK(rc == 1);

  CHECK(eventually([&] { return ns.ruleset() == before; }, 6000ms));
  const std::string late = cli("confirm --netns " + ns.name(), &rc);
  CHECK(rc == 1);
  CHECK(late.find("too late") != std::string::npos);
}

TEST_CASE("safe apply: confirm keeps the new ruleset", "[kernel][confirm]") {
  NEEDS_NETNS();
  private_state_dir();
  TestNetns ns("confirm");
  int rc = -1;
  cli("apply --netns " + ns.name() + " --range windows", &rc);
  REQUIRE(rc == 0);
  cli("apply --netns " + ns.name() + " --range freebsd --confirm 2", &rc);
  REQUIRE(rc == 0);
  const std::string applied = ns.ruleset();
  const std::string out = cli("confirm --netns " + ns.name(), &rc);
  INFO(out);
  CHECK(rc == 0);
  std::this_thread::sleep_for(3000ms);  // past the deadline
  CHECK(ns.ruleset() == applied);
  cli("confirm --netns " + ns.name(), &rc);
  CHECK(rc == 1);  // nothing pending any more
}

TEST_CASE("safe apply: the revert still fires after the applying process is SIGKILLed", "[kernel][confirm]") {
  NEEDS_NETNS();
  private_state_dir();
  TestNetns ns("sigkill");
  int rc = -1;
  cli("apply --netns " + ns.name() + " --range windows-xp --udp 53", &rc);
  REQUIRE(rc == 0);
  const std::string before = ns.ruleset();

  // --wait keeps the applying process alive until the outcome; kill it mid-way.
  const pid_t applier = spawn({"apply", "--netns", ns.name(), "--range", "linux", "--confirm", "2", "--wait"});
  REQUIRE(applier > 0);
  REQUIRE(eventually([&] { return ns.ruleset().find("32768-60999") != std::string::npos; }, 5000ms));
  REQUIRE(kill(applier, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(applier, &status, 0) == applier);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  CHECK(ns.ruleset() != before);
  CHECK(eventually([&] { return ns.ruleset() == before; }, 6000ms));
}

TEST_CASE("safe apply with no previous table removes the new one on timeout", "[kernel][confirm]") {
  NEEDS_NETNS();
  private_state_dir();
  TestNetns ns("fresh");
  int rc = -1;
  const std::string out = cli("apply --netns " + ns.name() + " --range linux --confirm 1 --wait", &rc);
  INFO(out);
  CHECK(rc == 1);  // reverted
  CHECK(out.find("restored") != std::string::npos);
  CHECK(ns.ruleset().empty());
}
