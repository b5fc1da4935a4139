// SPDX-License-Identifier: GPL-2.0-or-later
// The PORT[/tcp|/udp] argument and socket owners from a /proc tree built here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "port_argument.hpp"
#include "portclass/host/socket_owners.hpp"

using namespace portclass;
using namespace portclass::cli;
namespace fs = std::filesystem;

TEST_CASE("port arguments", "[arguments]") {
  CHECK(parse_port_argument("60248").value().port == 60248);
  CHECK_FALSE(parse_port_argument("60248").value().transport.has_value());
  CHECK(parse_port_argument("53/udp").value().transport == Transport::udp);
  CHECK(parse_port_argument("443/TCP").value().transport == Transport::tcp);
  CHECK(parse_port_argument("0").value().port == 0);
  CHECK(parse_port_argument("65535/tcp").value().port == 65535);
  for (const char* bad : {"70000", "abc/tcp", "80/sctp", "80/", "/tcp", "", "-1", "80/tcp/udp", "1e3"}) {
    INFO(bad);
    const auto r = parse_port_argument(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("socket owners come from /proc/<pid>/fd links", "[owners]") {
  const fs::path proc = fs::temp_directory_path() / ("portclass-proc-" + std::to_string(::getpid()));
  fs::remove_all(proc);
  const auto process = [&](const char* pid, const char* comm,
                           const std::vector<std::pair<const char*, const char*>>& fds) {
    fs::create_directories(proc / pid / "fd");
    std::ofstream(proc / pid / "comm") << comm << "\n";
    for (const auto& [fd, target] : fds) fs::create_symlink(target, proc / pid / "fd" / fd);
  };
  process("100", "nginx", {{"3", "socket:[5001]"}, {"4", "socket:[5002]"}, {"5", "/dev/null"}});
  process("7", "systemd", {{"9", "socket:[5001]"}, {"10", "socket:[5001]"}});  // shared, listed once
  process("200", "other", {{"3", "socket:[6000]"}});
  process("self", "ignored", {{"3", "socket:[5002]"}});  // not a pid
  fs::create_directories(proc / "300");                  // no fd directory: skipped

  const host::SocketOwners owners = host::find_socket_owners({5001, 5002, 7777}, proc);
  fs::remove_all(proc);
  REQUIRE(owners.count(5001) == 1);
  CHECK(owners.at(5001) == std::vector<host::SocketOwner>{{7, "systemd"}, {100, "nginx"}});
  CHECK(owners.at(5002) == std::vector<host::SocketOwner>{{100, "nginx"}});
  CHECK(owners.count(6000) == 0);  // not asked for
  CHECK(owners.count(7777) == 0);  // nobody holds it
}
