// SPDX-License-Identifier: GPL-2.0-or-later
// What `host` says beyond the utilisation: parity per destination, who holds
// the ports, the remedies and their triggers, the widened range, escaping of
// process names, and entering/leaving namespaces (root only).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "host_health.hpp"
#include "host_holders.hpp"
#include "host_remedies.hpp"
#include "name_escape.hpp"
#include "netns.hpp"
#include "netns_list.hpp"

using namespace portclass;
using namespace portclass::cli;
using namespace portclass::host;

namespace {

SocketEntry client(Port lport, std::uint64_t inode, SocketState state = SocketState::established) {
  SocketEntry s;
  s.transport = Transport::tcp;
  s.local = IpAddress::parse("10.0.0.1").value(), s.local_port = lport;
  s.remote = IpAddress::parse("10.0.0.9").value(), s.remote_port = 443;
  s.state = state;
  s.inode = state == SocketState::time_wait ? 0 : inode;
  return s;
}

const LocalPortConfig kRange{{40000, 40099}, {}};  // 50 even, 50 odd

bool has(const std::vector<Remedy>& r, const std::string& id) {
  return std::any_of(r.begin(), r.end(), [&](const Remedy& m) { return m.id == id; });
}

}  // namespace

TEST_CASE("parity: the even half fills first and is judged on its own", "[host]") {
  std::vector<SocketEntry> t;
  for (Port p = 40000; p < 40090; p += 2) t.push_back(client(p, 1));  // 45 even ports
  const HostHealth h = assess_host(kRange, t, {});
  CHECK(h.connect_prefers_even);
  CHECK(h.even_usable == 50);
  CHECK(h.odd_usable == 50);
  CHECK(h.utilisation == Approx(0.45));
  CHECK(h.level == HealthLevel::ok);
  CHECK(h.even_utilisation == Approx(0.90));
  CHECK(h.odd_utilisation == 0);
  CHECK(h.parity_level == HealthLevel::critical);
  REQUIRE(h.destinations.size() == 1);
  CHECK(h.destinations[0].even_ports == 45);
  // Only parity crossed: a parity note and the widening, nothing about TIME-WAIT or pooling.
  const auto r = remedies(h, rank_port_holders(h.held, {}, 5), {}, {});
  CHECK(has(r, "parity"));
  CHECK(has(r, "widen-range"));
  CHECK_FALSE(has(r, "tcp-tw-reuse"));

  // An odd first port: connect() takes the odd half first.
  const HostHealth odd = assess_host({{40001, 40100}, {}}, t, {});
  CHECK_FALSE(odd.connect_prefers_even);
  CHECK(odd.parity_level == HealthLevel::ok);
}

TEST_CASE("holders: ranked per transport, shared sockets count for each process, TIME-WAIT unowned", "[host]") {
  std::vector<SocketEntry> t;
  for (Port p = 40000; p < 40030; ++p) t.push_back(client(p, 100 + p));  // 30 by pid 7
  for (Port p = 40030; p < 40040; ++p) t.push_back(client(p, 100 + p));  // 10 by pid 9 (and 7 shares one)
  for (Port p = 40040; p < 40050; ++p) t.push_back(client(p, 0, SocketState::time_wait));
  SocketOwners owners;
  for (Port p = 40000; p < 40030; ++p) owners[100 + p] = {{7, "app"}};
  for (Port p = 40030; p < 40040; ++p) owners[100 + p] = {{9, "worker"}};
  owners[100 + 40030].push_back({7, "app"});
  const HostHealth h = assess_host(kRange, t, {});
  const PortHolders ranked = rank_port_holders(h.held, owners, 5);
  CHECK(ranked.tcp_in_use == 50);
  CHECK(ranked.tcp_unowned == 10);
  REQUIRE(ranked.top.size() == 2);
  CHECK(ranked.top[0].pid == 7);
  CHECK(ranked.top[0].ports == 31);
  CHECK(ranked.top[0].share == Approx(31.0 / 50));
  CHECK(ranked.top[1].pid == 9);
  CHECK(rank_port_holders(h.held, owners, 1).top.size() == 1);
  CHECK(rank_port_holders(h.held, owners, 0).top.empty());
}

TEST_CASE("remedies follow what was found", "[host]") {
  std::vector<SocketEntry> t;
  for (Port p = 40000; p < 40070; ++p) t.push_back(client(p, 0, SocketState::time_wait));
  const HostHealth h = assess_host(kRange, t, {});
  REQUIRE(h.level == HealthLevel::warning);
  const auto r = remedies(h, rank_port_holders(h.held, {}, 5), {}, {NetnsSource::current, "current", 0, 2});
  CHECK(has(r, "tcp-tw-reuse"));
  CHECK(has(r, "more-destinations"));
  CHECK(has(r, "persist-range"));
  CHECK_FALSE(has(r, "connection-pooling"));  // TIME-WAIT belongs to no process
  for (const auto& m : r) {
    INFO(m.id);
    CHECK_FALSE(m.why.empty());
  }
  const auto tw = std::find_if(r.begin(), r.end(), [](const Remedy& m) { return m.id == "tcp-tw-reuse"; });
  CHECK(tw->action == "sysctl -w net.ipv4.tcp_tw_reuse=1");
  CHECK(tw->why.find("today it is 2 (loopback only)") != std::string::npos);
  // In a process's namespace the lines run through nsenter.
  const auto in_proc = remedies(h, {}, {}, {NetnsSource::process, "pid:42", 42, std::nullopt});
  CHECK(in_proc[0].action.rfind("nsenter --net=/proc/42/ns/net sysctl -w", 0) == 0);
  CHECK_FALSE(has(in_proc, "persist-range"));
}

TEST_CASE("widened range keeps clear of NodePort, listeners and system ports", "[host]") {
  HostHealth h = assess_host({{32768, 60999}, PortSet{{61000, 61000}}}, {}, {});
  h.listening_ports = PortSet{{8080, 8080}, {62000, 62000}};
  auto w = widened_range(h);
  REQUIRE(w);
  CHECK(w->range == PortRange{32768, 65535});
  CHECK(w->reserved.to_string() == "61000,62000");
  CHECK(w->usable == 32768 - 2);
  // Inside NodePort today: moved above it.
  h = assess_host({{30000, 40000}, {}}, {}, {});
  CHECK(widened_range(h)->range == PortRange{32768, 65535});
  // Already below NodePort: kept, NodePort reserved, parity of the ends made different.
  h = assess_host({{10000, 20000}, {}}, {}, {});
  w = widened_range(h);
  REQUIRE(w);
  CHECK(w->range == PortRange{10000, 65535});
  CHECK(w->reserved.to_string() == "30000-32767");
  h = assess_host({{10001, 20000}, {}}, {}, {});
  CHECK(widened_range(h)->range.first == 10002);
  // Nothing to gain: no widening.
  h = assess_host({{32768, 65535}, {}}, {}, {});
  CHECK_FALSE(widened_range(h));
}

TEST_CASE("process names are escaped per output form", "[host]") {
  const std::string hostile = std::string("a\"b\\c\nd\x01\x7f") + "\xff" + "\xc3\xa9";
  CHECK(escape_for_text(hostile) == R"(a\"b\\c\x0ad\x01\x7f\xff\xc3\xa9)");
  CHECK(valid_utf8(hostile) == "a\"b\\c\nd\x01\x7f\xef\xbf\xbd\xc3\xa9");
  CHECK(escape_prometheus_label(hostile) == "a\\\"b\\\\c\\nd\x01\x7f\xef\xbf\xbd\xc3\xa9");
  CHECK(valid_utf8("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate is no UTF-8
  CHECK(valid_utf8("\xe0\x80\xaf").find("\xef\xbf\xbd") == 0);                  // overlong
}

TEST_CASE("a namespace gone since it was listed is `vanished`; bad names are input errors", "[host][netns]") {
  auto gone = NetnsVisit::enter("/run/netns/portclass-no-such-namespace", "x", 1234);
  REQUIRE(std::holds_alternative<NetnsError>(gone));
  CHECK(std::get<NetnsError>(gone).kind == NetnsErrorKind::vanished);
  CHECK(std::get<NetnsError>(gone).message.find("disappeared during the audit") != std::string::npos);
  auto missing = NetnsVisit::enter("/run/netns/portclass-no-such-namespace", "x");
  REQUIRE(std::holds_alternative<NetnsError>(missing));
  CHECK(std::get<NetnsError>(missing).kind == NetnsErrorKind::missing);
  for (const char* bad : {"", ".", "..", "../etc", "a/b"}) {
    auto p = named_netns_path(bad);
    REQUIRE(std::holds_alternative<NetnsError>(p));
    CHECK(std::get<NetnsError>(p).kind == NetnsErrorKind::bad_name);
  }
}

TEST_CASE("a visit enters the namespace and leaves it, several times in one run", "[host][netns][root]") {
  if (::geteuid() != 0) {
    WARN("skipped: needs root to create a network namespace");
    return;
  }
  const std::string name = "pcunit" + std::to_string(::getpid());
  if (std::system(("ip netns add " + name + " 2>/dev/null").c_str()) != 0) {
    WARN("skipped: ip netns add failed");
    return;
  }
  const auto inode = [](const char* path) {
    struct stat st {};
    return ::stat(path, &st) == 0 ? st.st_ino : 0;
  };
  const auto home = inode("/proc/thread-self/ns/net");
  const auto target = inode(("/run/netns/" + name).c_str());
  CHECK(home != target);
  for (int round = 0; round < 3; ++round) {
    {
      auto visit = NetnsVisit::enter("/run/netns/" + name, name, target);
      REQUIRE(std::holds_alternative<NetnsVisit>(visit));
      CHECK(inode("/proc/thread-self/ns/net") == target);
    }  // the destructor leaves
    CHECK(inode("/proc/thread-self/ns/net") == home);
  }
  // Listing finds it, under its name, once.
  const auto all = list_network_namespaces();
  CHECK(std::count_if(all.begin(), all.end(), [&](const NetnsEntry& e) { return e.inode == target; }) == 1);
  CHECK(std::any_of(all.begin(), all.end(),
                    [&](const NetnsEntry& e) { return e.label == name && e.source == NetnsSource::named; }));
  CHECK(std::system(("ip netns del " + name).c_str()) == 0);
}
