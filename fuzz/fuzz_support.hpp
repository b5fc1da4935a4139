// SPDX-License-Identifier: GPL-2.0-or-later
// Shared by the libFuzzer targets: invariant checks that turn a wrong answer
// into a crash libFuzzer reports (and saves the input for), and the checks
// every consumer of an Inference may rely on.
//
// A target never aborts on a documented error return (a Result holding an
// Error is a correct answer to bad input); FUZZ_CHECK is only for properties
// the headers promise.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "portclass/findings.hpp"
#include "portclass/inference.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/result.hpp"

namespace portclass::fuzz {

[[noreturn]] inline void invariant_failed(const char* condition, const char* why, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s\n  (%s)\n", file, line, why, condition);
  std::abort();
}

#define FUZZ_CHECK(condition, why)                                                              \
  do {                                                                                          \
    if (!(condition)) ::portclass::fuzz::invariant_failed(#condition, why, __FILE__, __LINE__); \
  } while (0)

// "Bad input gets one clear line": an error message is non-empty and holds
// no control character (no line break, no terminal escape from the input).
inline void check_error(const Error& error) {
  FUZZ_CHECK(!error.message.empty(), "an error says why");
  for (unsigned char c : error.message) FUZZ_CHECK(c >= 0x20 && c != 0x7f, "an error message is one printable line");
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// What inference.hpp promises whatever the host: probabilities that are
// numbers in [0, 1] summing to one, best first, and a verdict that agrees
// with them. Then findings, which read the inference, on the same host.
inline void check_inference(const HostProfile& host, const PortKnowledge& knowledge) {
  const Inference inf = infer(host, knowledge.profiles());
  const std::size_t profiles = knowledge.profiles().profiles().size();
  FUZZ_CHECK(inf.candidates.size() == profiles, "one candidate per profile");
  double sum = 0;
  for (std::size_t i = 0; i < inf.candidates.size(); ++i) {
    const double p = inf.candidates[i].probability;
    FUZZ_CHECK(std::isfinite(p) && p >= 0.0 && p <= 1.0 + 1e-9, "candidate probability in [0,1]");
    FUZZ_CHECK(i == 0 || inf.candidates[i - 1].probability >= p, "candidates sorted best first");
    FUZZ_CHECK(!inf.candidates[i].range.empty(), "a candidate range is never empty");
    sum += p;
  }
  if (profiles > 0) FUZZ_CHECK(std::fabs(sum - 1.0) < 1e-6, "candidate probabilities sum to 1");
  double family_sum = 0;
  for (std::size_t i = 0; i < inf.families.size(); ++i) {
    FUZZ_CHECK(i == 0 || inf.families[i - 1].probability >= inf.families[i].probability, "families sorted");
    family_sum += inf.families[i].probability;
  }
  if (profiles > 0) FUZZ_CHECK(std::fabs(family_sum - 1.0) < 1e-6, "family probabilities sum to 1");
  const double confidence = inf.confidence();
  FUZZ_CHECK(std::isfinite(confidence) && confidence >= 0.0 && confidence <= 1.0 + 1e-9, "confidence in [0,1]");
  if (inf.verdict == Verdict::identified) {
    FUZZ_CHECK(inf.best() != nullptr, "identified means a best candidate");
    FUZZ_CHECK(inf.label() == inf.families.front().family, "identified label is the best family");
  } else {
    FUZZ_CHECK(inf.label() == to_string(inf.verdict), "label of an unidentified host is its verdict");
  }
  FUZZ_CHECK(!inf.evidence.empty(), "an inference always says why");
  FUZZ_CHECK(!inf.summary().empty(), "summary is one non-empty line");
  FUZZ_CHECK(inf.summary().find('\n') == std::string::npos, "summary is one line");
  for (const Finding& f : find_issues(host, inf, knowledge)) {
    FUZZ_CHECK(!f.message.empty(), "a finding has a message");
    FUZZ_CHECK(f.message.find('\n') == std::string::npos, "a finding is one line");
  }
}

}  // namespace portclass::fuzz
