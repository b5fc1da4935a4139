// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's whole nf_tables ruleset as plain data, read through netlink
// dumps (every table of every family, not only portclass's), for the audit.
//
// Expressions are kept as the kernel stores them (register loads, compares,
// lookups ...), not as nft would print them: the audit interprets them itself,
// so it works on rulesets written by any tool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portclass/nft/model.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

// Expression data as the kernel holds it (up to 64 bytes for concatenations).
using RawBytes = std::vector<std::uint8_t>;

struct KernelExpr {
  std::string name;  // "meta", "ct", "payload", "cmp", "bitwise", "lookup", "range", "immediate", ...
  std::uint32_t sreg = 0;
  std::uint32_t dreg = 0;
  std::uint32_t key = 0;     // meta / ct key
  std::uint32_t base = 0;    // payload base
  std::uint32_t offset = 0;  // payload offset
  std::uint32_t len = 0;     // payload / bitwise length
  std::uint32_t op = 0;      // cmp / range operator
  RawBytes data;             // cmp data, range from, bitwise mask
  RawBytes data2;            // range to, bitwise xor
  std::string set;           // lookup
  bool inverted = false;     // lookup with NFT_LOOKUP_F_INV
  bool map = false;          // lookup into a map: the result goes to dreg (0: a verdict map)
  bool has_verdict = false;  // immediate into the verdict register
  int verdict = 0;           // NF_ACCEPT, NF_DROP, NFT_JUMP, NFT_GOTO, NFT_RETURN ...
  std::string chain;         // jump / goto target
};

struct KernelRule {
  std::uint32_t family = 0;
  std::string table;
  std::string chain;
  std::uint64_t handle = 0;
  std::vector<KernelExpr> exprs;
  std::string comment;
};

struct KernelChain {
  std::uint32_t family = 0;
  std::string table;
  std::string name;
  bool base = false;
  std::uint32_t hook = 0;  // NF_INET_LOCAL_IN ...
  std::int32_t priority = 0;
  std::uint32_t policy = 1;  // NF_ACCEPT
  std::string type;          // "filter", "nat", "route"
};

struct KernelSet {
  std::uint32_t family = 0;
  std::string table;
  std::string name;
  std::uint32_t key_type = 0;
  std::uint32_t key_len = 0;
  std::uint32_t flags = 0;
  std::vector<Interval> elements;  // ranges rebuilt from interval start/end elements;
                                   // empty for keys wider than 16 bytes (concatenations)
  std::vector<int> verdicts;       // verdict maps (vmap): one verdict per element, else empty
};

struct KernelRuleset {
  std::vector<std::pair<std::uint32_t, std::string>> tables;  // family, name
  std::vector<KernelChain> chains;
  std::vector<KernelSet> sets;
  std::vector<KernelRule> rules;  // per chain in evaluation order
  const KernelSet* find_set(std::uint32_t family, const std::string& table, const std::string& name) const;
};

// Reads everything in one consistent generation (retried when the ruleset
// changes while it is being read).
Result<KernelRuleset> read_kernel_ruleset();

// Rebuilds ranges from the interval encoding: `starts_and_ends` holds each
// element's key and whether it is an interval end (or a key_end when given).
std::vector<Interval> intervals_from_elements(std::vector<std::pair<Bytes, bool>> starts_and_ends, std::size_t width);

}  // namespace portclass::nft
