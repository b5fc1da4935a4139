// SPDX-License-Identifier: GPL-2.0-or-later
// Per-packet cost of the plugin's core, without Wireshark: locating the IP/TCP
// headers in a frame, and CaptureAnalysis::process on the first pass and on a
// later pass, for a traffic mix of many clients and a few servers.
#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "capture_analysis.hpp"
#include "frame_headers.hpp"

using namespace portclass;
using namespace portclass::ws;

namespace {

std::vector<std::uint8_t> syn_frame() {
  std::vector<std::uint8_t> f(14, 0x02);
  f[12] = 0x08;
  f[13] = 0x00;
  const std::array<std::uint8_t, 20> ip = {0x45, 0, 0, 60, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1};
  f.insert(f.end(), ip.begin(), ip.end());
  const std::array<std::uint8_t, 40> tcp = {0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0,    0, 0, 0xa0, 0x02,
                                            0xfa, 0xf0, 0, 0,  0, 0, 2, 4, 5, 0xb4, 4, 2, 8,    10,
                                            0,    0,    0, 1,  0, 0, 0, 0, 1, 3,    3, 7};
  f.insert(f.end(), tcp.begin(), tcp.end());
  return f;
}

void BM_FindWireFacts(benchmark::State& state) {
  const auto frame = syn_frame();
  const WireQuery q{IpAddress::parse("10.0.0.2").value(), IpAddress::parse("10.0.0.1").value(), Transport::tcp, 40000,
                    80};
  for (auto _ : state) benchmark::DoNotOptimize(find_wire_facts(std::span(frame), q));
}
BENCHMARK(BM_FindWireFacts);

// 200 clients, 4 servers, connections of 6 packets (SYN, SYN+ACK, 4 data/ACK).
std::vector<PacketIn> traffic(std::size_t connections) {
  std::mt19937 rng(7);
  std::vector<PacketIn> out;
  std::uint32_t frame = 0;
  for (std::size_t c = 0; c < connections; ++c) {
    const auto client = IpAddress::parse("10.1.0." + std::to_string(1 + rng() % 200)).value();
    const auto server = IpAddress::parse("10.9.0." + std::to_string(1 + rng() % 4)).value();
    const Port cport = static_cast<Port>(32768 + rng() % 28000);
    const Port sport = (rng() & 1) ? 443 : 80;
    for (int k = 0; k < 6; ++k) {
      const bool from_client = k % 2 == 0;
      PacketIn p;
      p.facts = PacketFacts{{from_client ? client : server, from_client ? server : client, Transport::tcp,
                             from_client ? cport : sport, from_client ? sport : cport},
                            64,
                            TcpFlags{k<2, k> 0, false, false},
                            {},
                            Timestamp(frame) * 100};
      p.frame = ++frame;
      p.have_tcp_flags = true;
      out.push_back(p);
    }
  }
  return out;
}

void BM_ProcessFirstPass(benchmark::State& state) {
  const auto packets = traffic(20000);
  const auto config = build_config(Settings{}).value();
  std::size_t done = 0;
  for (auto _ : state) {
    CaptureAnalysis a(config);
    for (const auto& p : packets) benchmark::DoNotOptimize(a.process(p));
    done += packets.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
}
BENCHMARK(BM_ProcessFirstPass)->Unit(benchmark::kMillisecond);

void BM_ProcessLaterPass(benchmark::State& state) {
  auto packets = traffic(20000);
  const auto config = build_config(Settings{}).value();
  CaptureAnalysis a(config);
  for (const auto& p : packets) a.process(p);
  for (auto& p : packets) p.first_pass = false;
  std::size_t done = 0;
  for (auto _ : state) {
    for (const auto& p : packets) benchmark::DoNotOptimize(a.process(p));
    done += packets.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
}
BENCHMARK(BM_ProcessLaterPass)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
