// SPDX-License-Identifier: GPL-2.0-or-later
// Where the time of `portclass-nft apply` goes for a gateway of N subnets,
// stage by stage, without the kernel.
#include <benchmark/benchmark.h>

#include <string>

#include "portclass/nft/config.hpp"
#include "portclass/nft/kernel.hpp"
#include "portclass/nft/policy.hpp"
#include "portclass/nft/render.hpp"

using namespace portclass;
using namespace portclass::nft;

namespace {

std::string gateway_toml(int subnets) {
  const char* ranges[] = {"windows", "linux", "windows-xp", "freebsd", "20000-29999"};
  std::string text = "mode = \"gateway\"\n[services]\ntcp = [22, 443]\n[subnets]\n";
  for (int i = 0; i < subnets; ++i)
    text += "\"10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24\" = \"" + ranges[i % 5] + "\"\n";
  return text;
}

void BM_parse_config(benchmark::State& state) {
  const std::string text = gateway_toml(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(parse_config(text, "bench.toml", OsProfileDb::builtin()));
}

void BM_build_ruleset(benchmark::State& state) {
  const Config c = parse_config(gateway_toml(static_cast<int>(state.range(0))), "b", OsProfileDb::builtin()).value();
  for (auto _ : state) benchmark::DoNotOptimize(build_ruleset(c));
}

void BM_render_script(benchmark::State& state) {
  const Config c = parse_config(gateway_toml(static_cast<int>(state.range(0))), "b", OsProfileDb::builtin()).value();
  const Ruleset r = build_ruleset(c).value();
  for (auto _ : state) benchmark::DoNotOptimize(render_script(r));
}

void BM_render_json(benchmark::State& state) {
  const Config c = parse_config(gateway_toml(static_cast<int>(state.range(0))), "b", OsProfileDb::builtin()).value();
  const Ruleset r = build_ruleset(c).value();
  for (auto _ : state) benchmark::DoNotOptimize(render_json(r).dump());
}

void BM_netlink_batch(benchmark::State& state) {
  const Config c = parse_config(gateway_toml(static_cast<int>(state.range(0))), "b", OsProfileDb::builtin()).value();
  const Ruleset r = build_ruleset(c).value();
  std::size_t bytes = 0;
  for (auto _ : state) benchmark::DoNotOptimize(bytes = batch_bytes(r));
  state.counters["batch_bytes"] = static_cast<double>(bytes);
}

}  // namespace

BENCHMARK(BM_parse_config)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_build_ruleset)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_render_script)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_render_json)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_netlink_batch)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
