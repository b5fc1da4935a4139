// SPDX-License-Identifier: GPL-2.0-or-later
// host_health: utilisation per remote address and port, on socket tables
// built here so that every count is known.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "host_health.hpp"
#include "host_render.hpp"
#include "portclass/host/local_ports.hpp"

using namespace portclass;
using namespace portclass::cli;
using namespace portclass::host;

namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

SocketEntry tcp(const char* local, Port lport, const char* remote, Port rport, SocketState state) {
  SocketEntry s;
  s.transport = Transport::tcp;
  s.local = ip(local), s.local_port = lport, s.remote = ip(remote), s.remote_port = rport;
  s.state = state;
  s.inode = state == SocketState::time_wait ? 0 : 1000 + lport;
  return s;
}

SocketEntry udp(Port lport) {
  SocketEntry s = tcp("0.0.0.0", lport, "0.0.0.0", 0, SocketState::close);
  s.transport = Transport::udp;
  return s;
}

const LocalPortConfig kConfig{{40000, 40099}, PortSet{{40090, 40099}, {80, 80}}};  // 90 usable

}  // namespace

TEST_CASE("utilisation counts ports towards the busiest remote address and port", "[host]") {
  std::vector<SocketEntry> t{
      tcp("127.0.0.1", 40050, "0.0.0.0", 0, SocketState::listen),
      // Accepted on the listener's port: not an ephemeral port.
      tcp("127.0.0.1", 40050, "127.0.0.1", 40001, SocketState::established),
      tcp("10.0.0.1", 40001, "10.0.0.9", 443, SocketState::established),
      tcp("10.0.0.1", 40002, "10.0.0.9", 443, SocketState::time_wait),
      tcp("10.0.0.1", 40003, "10.0.0.9", 443, SocketState::syn_sent),
      // The same local port towards another destination: the 4-tuple differs.
      tcp("10.0.0.1", 40001, "10.0.0.8", 443, SocketState::established),
      // Outside the range, and on a reserved port: neither counts.
      tcp("10.0.0.1", 50001, "10.0.0.9", 443, SocketState::established),
      tcp("10.0.0.1", 40095, "10.0.0.9", 443, SocketState::established),
  };
  const HostHealth h = assess_host(kConfig, t, {});
  CHECK(h.range_size == 100);
  CHECK(h.reserved_in_range.to_string() == "40090-40099");
  CHECK(h.usable == 90);
  CHECK(h.tcp_bound_ports == 1);
  REQUIRE(h.destinations.size() == 2);
  CHECK(h.destinations[0].address == ip("10.0.0.9"));
  CHECK(h.destinations[0].ports == 3);
  CHECK(h.destinations[0].time_wait == 1);
  CHECK(h.destinations[1].ports == 1);
  CHECK(h.tcp_utilisation == Approx(4.0 / 90));  // listener + 3
  CHECK(h.ports_in_use == 4);                    // 40001-40003 and 40050
  CHECK(h.ports_in_time_wait == 1);
  CHECK(h.tcp_states.at("ESTAB") == 5);
  CHECK(h.tcp_sockets == 8);
  CHECK(h.level == HealthLevel::ok);
  REQUIRE(h.listeners.size() == 1);
  CHECK(h.listeners[0].socket.local_port == 40050);
  CHECK_FALSE(h.listeners[0].reserved);
}

TEST_CASE("thresholds compare with >= and the worse transport decides", "[host]") {
  const Thresholds th{0.5, 0.8};
  CHECK(level_for(0.49, th) == HealthLevel::ok);
  CHECK(level_for(0.5, th) == HealthLevel::warning);
  CHECK(level_for(0.8, th) == HealthLevel::critical);

  std::vector<SocketEntry> t;
  for (Port p = 40000; p < 40045; ++p) t.push_back(udp(p));  // 45 of 90
  const HostHealth h = assess_host(kConfig, t, th);
  CHECK(h.udp_utilisation == Approx(0.5));
  CHECK(h.tcp_utilisation == 0);
  CHECK(h.level == HealthLevel::warning);
  // UDP sockets waiting on in-range ports are listeners too.
  CHECK(h.listeners.size() == 45);
}

TEST_CASE("a range with no usable port is full", "[host]") {
  const LocalPortConfig all_reserved{{40000, 40009}, PortSet{{40000, 40009}}};
  const HostHealth h = assess_host(all_reserved, {}, {});
  CHECK(h.usable == 0);
  CHECK(h.utilisation == 0);
  const HostHealth busy =
      assess_host(all_reserved, {tcp("10.0.0.1", 40001, "10.0.0.2", 80, SocketState::established)}, {});
  CHECK(busy.utilisation == 0);  // the reserved port was bound on purpose, not allocated
}

TEST_CASE("remedies name the unreserved listeners and keep existing reservations", "[host]") {
  std::vector<SocketEntry> t{tcp("0.0.0.0", 40050, "0.0.0.0", 0, SocketState::listen),
                             tcp("0.0.0.0", 40095, "0.0.0.0", 0, SocketState::listen)};
  const HostHealth h = assess_host(kConfig, t, {});
  REQUIRE(h.listeners.size() == 2);
  CHECK(h.listeners[1].reserved);
  const auto fixes = remedies(h, {}, {}, {});
  REQUIRE(fixes.size() == 2);
  CHECK(fixes[0].id == "reserve-listeners");
  CHECK(fixes[0].action.find("ip_local_reserved_ports=80,40050,40090-40099") != std::string::npos);
  CHECK(fixes[1].action.find("40050") != std::string::npos);
  CHECK_FALSE(fixes[1].why.empty());
}

TEST_CASE("prometheus output is valid exposition text", "[host]") {
  std::vector<SocketEntry> t{tcp("10.0.0.1", 40001, "10.0.0.9", 443, SocketState::established)};
  const Thresholds th;
  HostReport r{{"we\"ird", "/run/netns/x", 1, NetnsSource::named, 0}, true, assess_host(kConfig, t, {}), {}, {}};
  r.holders.top.push_back({Transport::tcp, 42, "a\nb\"c\\", 1, 1.0});
  std::ostringstream out;
  const HostView views[] = {{r, th}};
  render_prometheus(views, out);
  const std::regex sample(R"(^[a-z_]+\{netns="we\\"ird"(,[a-z_]+="([^"\\]|\\.)*")*\} -?[0-9.e+-]+$)");
  const std::regex comment(R"(^# (HELP|TYPE) portclass_[a-z_]+ .+$)");
  std::istringstream lines(out.str());
  int samples = 0;
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK((std::regex_match(line, sample) || std::regex_match(line, comment)));
    samples += line[0] != '#';
  }
  CHECK(samples >= 16);
  CHECK(out.str().find(R"(process="a\nb\"c\\")") != std::string::npos);
}

TEST_CASE("sysctl texts parse as the kernel writes them", "[host]") {
  CHECK(parse_local_port_range("32768\t60999\n").value() == PortRange{32768, 60999});
  CHECK(parse_local_port_range("40000 40099").value() == PortRange{40000, 40099});
  CHECK_FALSE(parse_local_port_range("60999\t32768\n").ok());
  CHECK_FALSE(parse_local_port_range("32768\n").ok());
  // The kernel never hands out port 0: a range from 0 is a reading error, in
  // portclass host and portclass-nft alike (one reader).
  CHECK_FALSE(parse_local_port_range("0\t60999\n").ok());
  CHECK(parse_reserved_ports("\n").value().empty());
  CHECK(parse_reserved_ports("8080,9000-9100\n").value().to_string() == "8080,9000-9100");
  CHECK_FALSE(parse_reserved_ports("8080,x").ok());
}
