// SPDX-License-Identifier: GPL-2.0-or-later
// The capture library's inputs besides whole files: BPF filters, what a
// broken read leaves counted, live interfaces (LiveCapture: typed open
// failures; loopback only, and only as root), and the capped HostDirectory
// (least recently seen evicted, counted; copies independent).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <variant>

#include "portclass/capture/capture_reader.hpp"
#include "portclass/capture/live_capture.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/recency_order.hpp"

using namespace portclass;
namespace fs = std::filesystem;

namespace {

const fs::path kLab = fs::path(PORTCLASS_SOURCE_DIR) / "samples/lab/captures/lab.pcapng";

std::uint64_t count_with(const std::string& filter) {
  auto reader = capture::CaptureReader::open(kLab);
  REQUIRE(reader.ok());
  REQUIRE(reader.value().set_filter(filter).ok());
  std::uint64_t n = 0;
  const auto counters = reader.value().read_all([&](const PacketFacts&) { ++n; });
  REQUIRE(counters.ok());
  CHECK(counters->tcp_udp == n);
  return counters->packets;
}

PacketFacts syn_from(const std::string& client, Port port) {
  PacketFacts p;
  p.src = IpAddress::parse(client).value();
  p.dst = IpAddress::parse("10.0.0.1").value();
  p.src_port = port;
  p.dst_port = 80;
  p.ttl = 64;
  p.tcp.syn = true;
  return p;
}

}  // namespace

TEST_CASE("a BPF filter keeps what it matches, and a bad one is libpcap's message") {
  const auto all = count_with("");
  const auto web = count_with("tcp port 80");
  CHECK(all == 4803);
  CHECK(web > 0);
  CHECK(web < all);
  CHECK(count_with("tcp port 9") == 0);
  auto reader = capture::CaptureReader::open(kLab);
  REQUIRE(reader.ok());
  const auto bad = reader.value().set_filter("tcp prt 80");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("bad filter 'tcp prt 80'") == 0);
  CHECK(bad.error().message.find("syntax error") != std::string::npos);
}

TEST_CASE("a read that breaks keeps what came before counted") {
  const fs::path cut = fs::temp_directory_path() / ("portclass-cut-" + std::to_string(getpid()) + ".pcapng");
  {
    std::ifstream in(kLab, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2 + 7);
  }
  auto reader = capture::CaptureReader::open(cut);
  REQUIRE(reader.ok());
  std::uint64_t seen = 0;
  const auto result = reader.value().read_all([&](const PacketFacts&) { ++seen; });
  fs::remove(cut);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("corrupt capture after record") != std::string::npos);
  CHECK(reader.value().counters().packets > 1000);
  CHECK(reader.value().counters().tcp_udp == seen);
}

TEST_CASE("live capture: typed open failures, loopback read and statistics") {
  using capture::CaptureFailure;
  using capture::LiveCapture;
  auto missing = LiveCapture::open({"nosuch0", "", false, 0, 0});
  REQUIRE(std::holds_alternative<CaptureFailure>(missing));
  const auto& f = std::get<CaptureFailure>(missing);
  CHECK(f.message.find("interface 'nosuch0'") == 0);
  if (geteuid() != 0) {
    // Unprivileged, libpcap may say "permission" before "no such device".
    CHECK((f.kind == CaptureFailure::Kind::system || f.kind == CaptureFailure::Kind::bad_input));
    WARN("SKIP: not root: loopback capture not tried");
    return;
  }
  CHECK(f.kind == CaptureFailure::Kind::bad_input);
  auto bad_filter = LiveCapture::open({"lo", "tcp prt 80", false, 0, 0});
  REQUIRE(std::holds_alternative<CaptureFailure>(bad_filter));
  CHECK(std::get<CaptureFailure>(bad_filter).kind == CaptureFailure::Kind::bad_input);
  CHECK(std::get<CaptureFailure>(bad_filter).message.find("bad filter") == 0);

  // Loopback only (nothing is sent): a filter no packet matches, a non-blocking read.
  auto lo = LiveCapture::open({"lo", "tcp port 9 and host 127.0.0.99", false, 0, 0});
  REQUIRE(std::holds_alternative<LiveCapture>(lo));
  auto& capture = std::get<LiveCapture>(lo);
  CHECK(capture.selectable_fd() >= 0);
  std::uint64_t packets = 0;
  const auto n = capture.dispatch([&](const PacketFacts&) { ++packets; });
  REQUIRE(n.ok());
  CHECK(*n == 0);
  CHECK(packets == 0);
  const auto stats = capture.stats();
  REQUIRE(stats.ok());
  CHECK(stats->kernel_dropped == 0);
}

TEST_CASE("a capped directory evicts the least recently seen host and counts it") {
  HostDirectory dir(PortKnowledge::builtin());
  dir.set_max_hosts(4);
  for (int i = 1; i <= 10; ++i) dir.observe(syn_from("10.0.1." + std::to_string(i), Port(40000 + i)));
  // A SYN makes an observation of its sender only: the last four clients stay.
  CHECK(dir.size() == 4);
  CHECK(dir.evicted() == 6);
  for (int i = 7; i <= 10; ++i) CHECK(dir.find(IpAddress::parse("10.0.1." + std::to_string(i)).value()) != nullptr);
  CHECK(dir.find(IpAddress::parse("10.0.1.6").value()) == nullptr);

  // Seeing a host again makes it the most recent: 10.0.1.7 survives the next newcomer.
  dir.observe(syn_from("10.0.1.7", 41007));
  dir.observe(syn_from("10.0.2.1", 42001));
  CHECK(dir.find(IpAddress::parse("10.0.1.7").value()) != nullptr);
  CHECK(dir.find(IpAddress::parse("10.0.1.8").value()) == nullptr);
  CHECK(dir.evicted() == 7);

  // A SYN+ACK touches both hosts; neither is ever the one evicted for it.
  PacketFacts reply = syn_from("10.0.0.1", 80);
  reply.src_port = 80;
  reply.dst = IpAddress::parse("10.0.3.1").value();
  reply.dst_port = 43001;
  reply.tcp.ack = true;
  dir.observe(reply);
  CHECK(dir.size() == 4);
  CHECK(dir.find(IpAddress::parse("10.0.0.1").value()) != nullptr);
  CHECK(dir.find(IpAddress::parse("10.0.3.1").value()) != nullptr);

  // A copy has its own order: changing it leaves the original as it was.
  HostDirectory copy = dir;
  copy.observe(syn_from("10.0.4.1", 44001));
  copy.observe(syn_from("10.0.4.2", 44002));
  CHECK(copy.size() == 4);
  CHECK(copy.evicted() == dir.evicted() + 2);
  CHECK(dir.size() == 4);
  CHECK(dir.find(IpAddress::parse("10.0.4.1").value()) == nullptr);

  // Uncapped: nothing is evicted.
  HostDirectory open(PortKnowledge::builtin());
  for (int i = 1; i <= 50; ++i) open.observe(syn_from("10.0.5." + std::to_string(i), Port(45000 + i)));
  CHECK(open.size() == 50);
  CHECK(open.evicted() == 0);
  // A cap below 2 is raised to 2: one packet touches two hosts.
  open.set_max_hosts(1);
  CHECK(open.max_hosts() == 2);
  CHECK(open.size() == 2);
}

TEST_CASE("recency order: touch, oldest, remove, copies") {
  RecencyOrder order;
  const auto a = IpAddress::parse("192.0.2.1").value(), b = IpAddress::parse("192.0.2.2").value(),
             c = IpAddress::parse("2001:db8::1").value();
  CHECK_FALSE(order.oldest().has_value());
  order.touch(a);
  order.touch(b);
  order.touch(c);
  CHECK(*order.oldest() == a);
  order.touch(a);
  CHECK(*order.oldest() == b);
  RecencyOrder copy = order;
  copy.remove(b);
  CHECK(*copy.oldest() == c);
  CHECK(*order.oldest() == b);
  CHECK(order.size() == 3);
  CHECK(copy.size() == 2);
}
