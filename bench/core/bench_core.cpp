// SPDX-License-Identifier: GPL-2.0-or-later
// Micro-benchmarks of the library's hot paths: per-port classification (what
// the plugin does per packet) and per-host inference.
#include <benchmark/benchmark.h>

#include <random>

#include "portclass/category.hpp"
#include "portclass/client_side.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/inference.hpp"

using namespace portclass;

namespace {

std::vector<Port> random_ports(std::size_t n) {
  std::mt19937 rng(42);
  std::vector<Port> out(n);
  for (auto& p : out) p = static_cast<Port>(rng());
  return out;
}

void BM_Category(benchmark::State& state) {
  const auto ports = random_ports(4096);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(category_of(ports[i++ & 4095]));
}
BENCHMARK(BM_Category);

void BM_ServiceName(benchmark::State& state) {
  const auto& services = ServiceRegistry::system();
  const auto ports = random_ports(4096);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(services.name(ports[i++ & 4095], Transport::tcp));
}
BENCHMARK(BM_ServiceName);

void BM_ProfilesContaining(benchmark::State& state) {
  const auto& db = OsProfileDb::builtin();
  const auto ports = random_ports(4096);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(db.containing(ports[i++ & 4095]));
}
BENCHMARK(BM_ProfilesContaining);

void BM_DecideClient(benchmark::State& state) {
  const auto& k = PortKnowledge::builtin();
  const auto ports = random_ports(4096);
  const TcpFlags ack{false, true, false, false};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(decide_client(ports[i & 4095], ports[(i + 1) & 4095], Transport::tcp, &ack, k));
    ++i;
  }
}
BENCHMARK(BM_DecideClient);

void BM_DirectoryObserve(benchmark::State& state) {
  HostDirectory dir(PortKnowledge::builtin());
  const auto ports = random_ports(4096);
  PacketFacts f;
  f.transport = Transport::tcp;
  f.ttl = 64;
  f.tcp = {false, true, false, false};
  std::uint8_t addr[4] = {10, 0, 0, 0};
  std::size_t i = 0;
  for (auto _ : state) {
    addr[3] = static_cast<std::uint8_t>(i & 63);  // 64 hosts
    f.src = IpAddress::v4(addr);
    f.dst = IpAddress::v4(addr);
    f.src_port = ports[i & 4095];
    f.dst_port = 443;
    f.when = static_cast<Timestamp>(i);
    benchmark::DoNotOptimize(dir.observe(f));
    ++i;
  }
}
BENCHMARK(BM_DirectoryObserve);

void BM_InferHost(benchmark::State& state) {
  // A host with state.range(0) distinct client ports (Linux-like).
  std::mt19937 rng(1);
  HostProfile host;
  for (int i = 0; i < state.range(0); ++i) {
    host.add_client_port(Transport::tcp, static_cast<Port>((32768 + rng() % 28232) & ~1u), i, true);
    host.add_packet(Transport::tcp, 64);
  }
  const auto& db = OsProfileDb::builtin();
  for (auto _ : state) benchmark::DoNotOptimize(infer(host, db));
}
BENCHMARK(BM_InferHost)->Arg(24)->Arg(1000)->Arg(20000);

}  // namespace

BENCHMARK_MAIN();
