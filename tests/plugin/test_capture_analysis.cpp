// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureAnalysis on synthetic packet sequences: client-side decisions, the
// first pass and later passes, findings raised once per subject, the cost of
// inference, and preferences.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "capture_analysis.hpp"

using namespace portclass;
using namespace portclass::ws;

namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

std::shared_ptr<const Config> config(const Settings& s = {}) { return build_config(s).value(); }

struct Packet {
  PacketIn in;
  std::optional<TcpSignature> signature;  // storage for facts.signature
};

// A little capture: packets in order, dissected in passes like Wireshark does.
class Capture {
 public:
  void tcp(const char* src, const char* dst, Port sport, Port dport, bool syn, bool ack, std::uint8_t ttl = 64) {
    Packet p;
    p.in.facts = PacketFacts{{ip(src), ip(dst), Transport::tcp, sport, dport},
                             ttl,
                             TcpFlags{syn, ack, false, false},
                             {},
                             Timestamp(packets_.size()) * 1000};
    if (syn && !ack) p.signature = parse_signature_key("4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0", false).value();
    p.in.have_tcp_flags = true;
    add(std::move(p));
  }
  void udp(const char* src, const char* dst, Port sport, Port dport, std::uint8_t ttl = 64) {
    Packet p;
    p.in.facts =
        PacketFacts{{ip(src), ip(dst), Transport::udp, sport, dport}, ttl, {}, {}, Timestamp(packets_.size()) * 1000};
    add(std::move(p));
  }
  // A whole connection: handshake (unless the capture missed it), data, close.
  void connection(const char* client, const char* server, Port cport, Port sport, std::uint8_t ttl = 64,
                  bool handshake = true) {
    if (handshake) {
      tcp(client, server, cport, sport, true, false, ttl);
      tcp(server, client, sport, cport, true, true);
    }
    tcp(client, server, cport, sport, false, true, ttl);
    tcp(server, client, sport, cport, false, true);
  }

  // One pass over the packets in the given order; returns the outputs by frame.
  std::map<std::uint32_t, PacketOut> pass(CaptureAnalysis& a, bool first, bool reverse = false) {
    std::vector<std::size_t> order(packets_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (reverse) std::reverse(order.begin(), order.end());
    std::map<std::uint32_t, PacketOut> outs;
    for (std::size_t i : order) {
      Packet& p = packets_[i];
      p.in.facts.signature = p.signature ? &*p.signature : nullptr;
      p.in.first_pass = first;
      PacketOut out = a.process(p.in);
      // The sender's judgement is only valid until the next packet: keep a copy.
      sender_summary[p.in.frame] = out.sender ? out.sender->summary : "";
      outs.emplace(p.in.frame, std::move(out));
    }
    return outs;
  }

  const std::vector<Packet>& packets() const { return packets_; }
  std::map<std::uint32_t, std::string> sender_summary;  // of the last pass

 private:
  void add(Packet p) {
    p.in.frame = static_cast<std::uint32_t>(packets_.size() + 1);
    packets_.push_back(std::move(p));
  }
  std::vector<Packet> packets_;
};

std::vector<std::pair<std::uint32_t, ExpertKind>> raised(const std::map<std::uint32_t, PacketOut>& outs) {
  std::vector<std::pair<std::uint32_t, ExpertKind>> r;
  for (const auto& [frame, out] : outs)
    for (const auto& f : out.raised) r.emplace_back(frame, f.kind);
  return r;
}

std::size_t count(const std::vector<std::pair<std::uint32_t, ExpertKind>>& r, ExpertKind f) {
  return static_cast<std::size_t>(std::count_if(r.begin(), r.end(), [f](const auto& x) { return x.second == f; }));
}

// A Linux-like client: even ports inside 32768-60999, TTL 64.
void linux_client(Capture& c, const char* client, const char* server, int connections) {
  for (int i = 0; i < connections; ++i)
    c.connection(client, server, static_cast<Port>(33000 + 2 * ((i * 1327) % 13000)), 80);
}

}  // namespace

TEST_CASE("client side: SYN, SYN+ACK, the connection's handshake, the heuristic", "[analysis]") {
  Capture c;
  c.connection("10.0.0.2", "10.0.0.1", 40000, 80);
  c.udp("10.0.0.2", "10.0.0.1", 51515, 53);
  CaptureAnalysis a(config());
  const auto outs = c.pass(a, true);
  CHECK(outs.at(1).method == Method::syn);
  CHECK(outs.at(1).decision.client == Endpoint::source);
  CHECK(outs.at(2).method == Method::syn_ack);
  CHECK(outs.at(2).decision.client == Endpoint::destination);
  for (std::uint32_t frame : {3u, 4u}) {
    CHECK(outs.at(frame).method == Method::flow);
    CHECK(outs.at(frame).handshake_frame == 1);
    CHECK(outs.at(frame).decision.confidence == 1.0);
  }
  CHECK(outs.at(4).decision.client == Endpoint::destination);
  CHECK(outs.at(5).method == Method::heuristic);
  CHECK(outs.at(5).decision.client == Endpoint::source);
  CHECK(outs.at(5).decision.confidence < 1.0);

  SECTION("without the handshake the port heuristic decides, with less than certainty") {
    Capture mid;
    mid.connection("10.0.0.2", "10.0.0.1", 40000, 80, 64, false);
    CaptureAnalysis b(config());
    const auto outs_mid = mid.pass(b, true);
    CHECK(outs_mid.at(1).method == Method::heuristic);
    CHECK(outs_mid.at(1).decision.client == Endpoint::source);
    CHECK(outs_mid.at(1).decision.confidence < 1.0);
  }
}

TEST_CASE("a reused port pair follows the latest handshake, in any pass order", "[analysis]") {
  Capture c;
  c.connection("10.0.0.2", "10.0.0.1", 40000, 5000);  // frames 1-4: 10.0.0.2 is the client
  c.connection("10.0.0.1", "10.0.0.2", 5000, 40000);  // frames 5-8: the same pair, the other way round
  CaptureAnalysis a(config());
  c.pass(a, true);
  for (bool reverse : {false, true}) {
    const auto outs = c.pass(a, false, reverse);
    CHECK(outs.at(3).method == Method::flow);
    CHECK(outs.at(3).handshake_frame == 1);
    CHECK(outs.at(3).decision.client == Endpoint::source);
    CHECK(outs.at(7).method == Method::flow);
    CHECK(outs.at(7).handshake_frame == 5);
    CHECK(outs.at(7).decision.client == Endpoint::source);
    CHECK(outs.at(8).decision.client == Endpoint::destination);
  }
}

TEST_CASE("a service on 50000 seen with its handshakes is never taken for a client", "[analysis]") {
  Capture c;
  for (int i = 0; i < 12; ++i) c.connection("10.0.6.2", "10.0.6.1", static_cast<Port>(20000 + 700 * i), 50000);
  CaptureAnalysis a(config());
  c.pass(a, true);
  const HostProfile* server = a.directory().find(ip("10.0.6.1"));
  const HostProfile* client = a.directory().find(ip("10.0.6.2"));
  REQUIRE((server && client));
  CHECK(server->stats(Transport::tcp).client_ports.empty());
  CHECK(server->stats(Transport::tcp).server_ports.contains(50000));
  CHECK(client->stats(Transport::tcp).server_ports.empty());
  CHECK(client->stats(Transport::tcp).client_ports.count() == 12);
}

TEST_CASE("first pass: the verdict so far; later passes: the whole capture's, in any order", "[analysis]") {
  Capture c;
  for (int i = 0; i < 30; ++i) c.connection("10.0.1.2", "10.0.1.1", static_cast<Port>(33000 + 862 * i), 80);
  CaptureAnalysis a(config());
  const auto first = c.pass(a, true);
  std::vector<std::string> so_far;
  for (const auto& [frame, out] : first)
    if (c.packets()[frame - 1].in.facts.src == ip("10.0.1.2")) so_far.push_back(c.sender_summary[frame]);
  REQUIRE(so_far.size() == 60);
  CHECK_THAT(so_far.front(), Catch::Contains("1 of 1 client ports"));

  const std::string final_label = a.judgement(ip("10.0.1.2"), true)->label;
  const std::string final_summary = a.judgement(ip("10.0.1.2"), true)->summary;
  CHECK(final_label == "linux");
  CHECK_THAT(final_summary, Catch::Contains("30 of 30 client ports"));
  for (bool reverse : {false, true}) {
    for (const auto& [frame, out] : c.pass(a, false, reverse))
      if (c.packets()[frame - 1].in.facts.src == ip("10.0.1.2")) {
        CHECK(out.sender->label == final_label);
        CHECK(c.sender_summary[frame] == final_summary);
        CHECK(out.sender->range_text == "32768-60999");
      }
  }
}

TEST_CASE("findings: once per subject, and at the same packet on every later pass", "[analysis]") {
  Capture c;
  linux_client(c, "10.0.7.2", "10.0.7.1", 6);
  for (int i = 0; i < 10; ++i) {
    c.udp("10.0.7.2", "10.0.7.1", 33333, 53);
    c.udp("10.0.7.1", "10.0.7.2", 53, 33333);
  }
  for (int i = 0; i < 12; ++i) c.connection("10.0.3.2", "10.0.3.1", static_cast<Port>(1400 + i), 80, 128);
  for (int i = 0; i < 8; ++i)
    c.connection("10.0.8.2", "10.0.8.1", static_cast<Port>(40000 + 300 * i), 80, i % 2 ? 128 : 64);
  for (int i = 0; i < 6; ++i) c.connection("10.0.4.2", "10.0.4.1", static_cast<Port>(34000 + 1000 * i), 50000);

  CaptureAnalysis a(config());
  const auto first = raised(c.pass(a, true));
  CHECK(count(first, ExpertKind::dns_fixed_port) == 1);
  CHECK(count(first, ExpertKind::sequential_ports) == 1);
  CHECK(count(first, ExpertKind::several_stacks) == 1);
  CHECK(count(first, ExpertKind::server_in_ephemeral) == 1);

  const auto forward = raised(c.pass(a, false));
  const auto backward = raised(c.pass(a, false, true));
  auto sorted_forward = forward, sorted_backward = backward;
  std::sort(sorted_forward.begin(), sorted_forward.end());
  std::sort(sorted_backward.begin(), sorted_backward.end());
  CHECK(sorted_forward == sorted_backward);
  CHECK(count(forward, ExpertKind::dns_fixed_port) == 1);
  CHECK(count(forward, ExpertKind::sequential_ports) == 1);
  CHECK(count(forward, ExpertKind::several_stacks) == 1);
  CHECK(count(forward, ExpertKind::server_in_ephemeral) == 1);
  // Anchored at the subject's first packet in the role the finding is about.
  const auto first_dns = std::find_if(c.packets().begin(), c.packets().end(),
                                      [](const Packet& p) { return p.in.facts.transport == Transport::udp; });
  for (const auto& [frame, finding] : forward)
    if (finding == ExpertKind::dns_fixed_port) CHECK(frame == first_dns->in.frame);
  // Nothing about hosts that do nothing wrong.
  for (const auto& [frame, out] : c.pass(a, false))
    for (const auto& f : out.raised) CHECK(f.text.rfind("10.0.7.1:", 0) != 0);
}

TEST_CASE("inference runs O(log n) times per host on the first pass, once on a later one", "[analysis]") {
  Capture c;
  for (int i = 0; i < 3000; ++i) c.connection("10.0.9.2", "10.0.9.1", static_cast<Port>(32768 + 2 * i), 443);
  CaptureAnalysis a(config());
  c.pass(a, true);
  const auto after_first = a.generation(ip("10.0.9.2"));
  CHECK(after_first > 5);
  CHECK(after_first < 130);  // 3000 ports, 12000 packets: about 8 per doubling
  c.pass(a, false);
  CHECK(a.generation(ip("10.0.9.2")) == after_first + 1);
  c.pass(a, false, true);
  CHECK(a.generation(ip("10.0.9.2")) == after_first + 1);
}

TEST_CASE("preferences: inference off, an OS override, a range override", "[analysis]") {
  Capture c;
  for (int i = 0; i < 20; ++i) c.connection("10.0.1.2", "10.0.1.1", static_cast<Port>(33000 + 1000 * i), 80);
  for (int i = 0; i < 20; ++i) c.connection("10.0.2.2", "10.0.2.1", static_cast<Port>(33000 + 1000 * i), 80);

  CaptureAnalysis off(config(Settings{false, "", "", "", ""}));
  c.pass(off, true);
  CHECK_FALSE(off.judgement(ip("10.0.1.2"), true)->has_os);

  CaptureAnalysis over(config(Settings{true, "", "10.0.1.0/24 os=windows; 10.0.2.0/24 range=30000-55000", "", ""}));
  c.pass(over, true);
  const HostJudgement* w = over.judgement(ip("10.0.1.2"), true);
  CHECK(w->label == "windows");
  CHECK(w->by_preference);
  CHECK(w->confidence == 1.0);
  CHECK(w->range_text == "49152-65535");
  CHECK(w->has(ExpertKind::outside_range));  // its ports are Linux's, not the declared Windows range
  const HostJudgement* r = over.judgement(ip("10.0.2.2"), true);
  CHECK(r->label == "linux");
  CHECK(r->range_text == "30000-55000");
  CHECK(r->tuned);
  CHECK(r->by_preference);
  CHECK_FALSE(r->has(ExpertKind::outside_range));

  CaptureAnalysis both_off(config(Settings{false, "", "10.0.1.0/24 os=macos", "", ""}));
  c.pass(both_off, true);
  CHECK(both_off.judgement(ip("10.0.1.2"), true)->label == "macos");
  CHECK_FALSE(both_off.judgement(ip("10.0.2.2"), true)->has_os);
}
