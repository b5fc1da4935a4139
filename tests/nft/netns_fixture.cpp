// SPDX-License-Identifier: GPL-2.0-or-later
#include "netns_fixture.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace nfttest {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("pcnft-test-" + std::to_string(getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(fs::temp_directory_path() / ("pcnft-test-" + std::to_string(getpid())), ec);
    });
    return d;
  }();
  return dir;
}

}  // namespace

bool can_use_netns() {
  static const bool ok = [] {
    if (geteuid() != 0) return false;
    const std::string probe = "pcnft" + std::to_string(getpid()) + "-probe";
    int rc = 0;
    shell("ip netns add " + probe + " 2>/dev/null", &rc);
    if (rc != 0) return false;
    shell("ip netns del " + probe);
    return true;
  }();
  return ok;
}

std::string shell(const std::string& command, int* rc) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) {
    if (rc) *rc = -1;
    return out;
  }
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  if (rc) *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TestNetns::TestNetns(const std::string& tag) {
  static std::atomic<int> counter{0};
  name_ = "pcnft" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++);
  int rc = 0;
  shell("ip netns add " + name_, &rc);
  if (rc != 0) throw std::runtime_error("cannot create network namespace " + name_);
  shell("ip -n " + name_ + " link set lo up");
}

TestNetns::~TestNetns() {
  shell("ip netns del " + name_ + " 2>/dev/null");
  std::error_code ec;
  const char* base = std::getenv("PORTCLASS_STATE_DIR");
  if (base) fs::remove_all(fs::path(base) / ("netns-" + name_), ec);
}

std::string TestNetns::sh(const std::string& command, int* rc) const {
  return shell("ip netns exec " + name_ + " sh -c '" + command + "' 2>&1", rc);
}

std::string temp_file(const std::string& name, const std::string& content) {
  const fs::path path = temp_dir() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path.string();
}

}  // namespace nfttest
