// SPDX-License-Identifier: GPL-2.0-or-later
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/common.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <new>

#include "nl/dump.hpp"
#include "nl/objects.hpp"
#include "nl/socket.hpp"
#include "portclass/nft/live_ruleset.hpp"

namespace portclass::nft {
namespace {

using nl::Socket;

RawBytes bytes_of(const nftnl_expr* e, std::uint16_t attr) {
  if (!nftnl_expr_is_set(e, attr)) return {};
  std::uint32_t len = 0;
  const auto* p = static_cast<const std::uint8_t*>(nftnl_expr_get(e, attr, &len));
  return p ? RawBytes(p, p + len) : RawBytes{};
}

std::uint32_t u32_of(const nftnl_expr* e, std::uint16_t attr) {
  return nftnl_expr_is_set(e, attr) ? nftnl_expr_get_u32(e, attr) : 0;
}

KernelExpr expr_of(const nftnl_expr* e) {
  KernelExpr k;
  k.name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
  if (k.name == "meta") {
    k.key = u32_of(e, NFTNL_EXPR_META_KEY);
    k.dreg = u32_of(e, NFTNL_EXPR_META_DREG);
    k.sreg = u32_of(e, NFTNL_EXPR_META_SREG);
  } else if (k.name == "ct") {
    k.key = u32_of(e, NFTNL_EXPR_CT_KEY);
    k.dreg = u32_of(e, NFTNL_EXPR_CT_DREG);
    k.sreg = u32_of(e, NFTNL_EXPR_CT_SREG);
  } else if (k.name == "payload") {
    k.base = u32_of(e, NFTNL_EXPR_PAYLOAD_BASE);
    k.offset = u32_of(e, NFTNL_EXPR_PAYLOAD_OFFSET);
    k.len = u32_of(e, NFTNL_EXPR_PAYLOAD_LEN);
    k.dreg = u32_of(e, NFTNL_EXPR_PAYLOAD_DREG);
    k.sreg = u32_of(e, NFTNL_EXPR_PAYLOAD_SREG);
  } else if (k.name == "cmp") {
    k.sreg = u32_of(e, NFTNL_EXPR_CMP_SREG);
    k.op = u32_of(e, NFTNL_EXPR_CMP_OP);
    k.data = bytes_of(e, NFTNL_EXPR_CMP_DATA);
  } else if (k.name == "bitwise") {
    k.sreg = u32_of(e, NFTNL_EXPR_BITWISE_SREG);
    k.dreg = u32_of(e, NFTNL_EXPR_BITWISE_DREG);
    k.len = u32_of(e, NFTNL_EXPR_BITWISE_LEN);
    k.op = u32_of(e, NFTNL_EXPR_BITWISE_OP);
    k.data = bytes_of(e, NFTNL_EXPR_BITWISE_MASK);
    k.data2 = bytes_of(e, NFTNL_EXPR_BITWISE_XOR);
  } else if (k.name == "range") {
    k.sreg = u32_of(e, NFTNL_EXPR_RANGE_SREG);
    k.op = u32_of(e, NFTNL_EXPR_RANGE_OP);
    k.data = bytes_of(e, NFTNL_EXPR_RANGE_FROM_DATA);
    k.data2 = bytes_of(e, NFTNL_EXPR_RANGE_TO_DATA);
  } else if (k.name == "lookup") {
    k.sreg = u32_of(e, NFTNL_EXPR_LOOKUP_SREG);
    k.map = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG);
    k.dreg = u32_of(e, NFTNL_EXPR_LOOKUP_DREG);
    if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_SET)) k.set = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
    k.inverted = (u32_of(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV) != 0;
  } else if (k.name == "immediate") {
    k.dreg = u32_of(e, NFTNL_EXPR_IMM_DREG);
    if (k.dreg == NFT_REG_VERDICT && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) {
      k.has_verdict = true;
      k.verdict = static_cast<int>(nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT));
      if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN)) k.chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
    } else {
      k.data = bytes_of(e, NFTNL_EXPR_IMM_DATA);
    }
  }
  return k;
}

std::string comment_of(const void* data, std::uint32_t len) {
  std::string comment;
  if (!data || len == 0) return comment;
  nftnl_udata_parse(
      data, len,
      [](const nftnl_udata* attr, void* out) -> int {
        if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && nftnl_udata_len(attr) > 0) {
          const char* s = static_cast<const char*>(nftnl_udata_get(attr));
          static_cast<std::string*>(out)->assign(s, strnlen(s, nftnl_udata_len(attr)));
        }
        return 0;
      },
      &comment);
  return comment;
}

KernelChain chain_of(const nftnl_chain* c) {
  KernelChain k;
  k.family = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
  k.table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
  k.name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
  k.base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
  if (k.base) {
    k.hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
    k.priority = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
    if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY)) k.policy = nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY);
    if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE)) k.type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
  }
  return k;
}

KernelSet set_of(const nftnl_set* set) {
  KernelSet k;
  k.family = nftnl_set_get_u32(set, NFTNL_SET_FAMILY);
  k.table = nftnl_set_get_str(set, NFTNL_SET_TABLE);
  k.name = nftnl_set_get_str(set, NFTNL_SET_NAME);
  k.key_type = nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE);
  k.key_len = nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN);
  k.flags = nftnl_set_get_u32(set, NFTNL_SET_FLAGS);
  return k;
}

KernelRule rule_of(nftnl_rule* r) {
  KernelRule k;
  k.family = nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
  k.table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
  k.chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
  k.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
  std::uint32_t len = 0;
  const void* udata = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
  k.comment = comment_of(udata, len);
  nl::ExprIterPtr it(nftnl_expr_iter_create(r));
  if (!it) throw std::bad_alloc();
  for (nftnl_expr* e = nftnl_expr_iter_next(it.get()); e; e = nftnl_expr_iter_next(it.get()))
    k.exprs.push_back(expr_of(e));
  return k;
}

// The keys of one dump message of set elements, each with whether it is an
// interval's end marker; a range given as one element with an inclusive
// key_end becomes the exclusive end marker the rest expects.
void collect_keys(nftnl_set* set, std::vector<std::pair<Bytes, bool>>& keys) {
  nftnl_set_elem_foreach(
      set,
      [](nftnl_set_elem* e, void* data) -> int {
        auto* out_keys = static_cast<std::vector<std::pair<Bytes, bool>>*>(data);
        std::uint32_t len = 0;
        const auto* key = static_cast<const std::uint8_t*>(nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len));
        if (!key || len > Bytes::kCapacity) return 0;  // concatenations are not modelled
        const bool end = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
                         (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END);
        out_keys->emplace_back(Bytes(key, key + len), end);
        if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_KEY_END)) {
          std::uint32_t end_len = 0;
          const auto* k_end = static_cast<const std::uint8_t*>(nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY_END, &end_len));
          Bytes after(k_end, k_end + end_len);
          bool carried = true;
          for (std::size_t i = after.size(); carried && i-- > 0;) carried = ++after[i] == 0;
          if (!carried) out_keys->emplace_back(after, true);
        }
        return 0;
      },
      &keys);
}

// Verdict maps: key -> verdict.
void collect_verdicts(nftnl_set* set, std::vector<std::pair<Bytes, int>>& verdicts) {
  nftnl_set_elem_foreach(
      set,
      [](nftnl_set_elem* e, void* data) -> int {
        std::uint32_t len = 0;
        const auto* key = static_cast<const std::uint8_t*>(nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len));
        if (key && len <= Bytes::kCapacity && nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT))
          static_cast<std::vector<std::pair<Bytes, int>>*>(data)->emplace_back(
              Bytes(key, key + len), static_cast<int>(nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT)));
        return 0;
      },
      &verdicts);
}

Result<void> read_elements(Socket& s, KernelSet& k) {
  std::vector<std::pair<Bytes, bool>> keys;
  std::vector<std::pair<Bytes, int>> map_verdicts;
  auto elems = nl::dump_set_elements(s, static_cast<std::uint16_t>(k.family), k.table, k.name,
                                     [&](const nlmsghdr*, nftnl_set* set) -> Result<void> {
                                       if (k.flags & NFT_SET_MAP) collect_verdicts(set, map_verdicts);
                                       collect_keys(set, keys);
                                       return {};
                                     });
  if (!elems) return elems;
  if ((k.flags & NFT_SET_MAP) && !(k.flags & NFT_SET_INTERVAL)) {
    std::sort(map_verdicts.begin(), map_verdicts.end());
    for (auto& [key, verdict] : map_verdicts) {
      k.elements.push_back(Interval{key, key});
      k.verdicts.push_back(verdict);
    }
  } else if (k.flags & NFT_SET_INTERVAL) {
    k.elements = intervals_from_elements(std::move(keys), k.key_len);
  } else {
    for (auto& [key, end] : keys)
      if (!end) k.elements.push_back(Interval{key, key});
    std::sort(k.elements.begin(), k.elements.end(), [](const Interval& a, const Interval& b) { return a.low < b.low; });
  }
  return {};
}

Result<void> read_once(Socket& s, KernelRuleset& out) {
  auto tables = nl::dump_tables(s, NFPROTO_UNSPEC, [&](const nlmsghdr*, nftnl_table* t) -> Result<void> {
    out.tables.emplace_back(nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY), nftnl_table_get_str(t, NFTNL_TABLE_NAME));
    return {};
  });
  if (!tables) return tables;
  auto chains = nl::dump_chains(s, NFPROTO_UNSPEC, [&](const nlmsghdr*, nftnl_chain* c) -> Result<void> {
    out.chains.push_back(chain_of(c));
    return {};
  });
  if (!chains) return chains;
  auto sets = nl::dump_sets(s, NFPROTO_UNSPEC, [&](const nlmsghdr*, nftnl_set* set) -> Result<void> {
    out.sets.push_back(set_of(set));
    return {};
  });
  if (!sets) return sets;
  for (KernelSet& k : out.sets)
    if (auto elems = read_elements(s, k); !elems) return elems;
  return nl::dump_rules(s, NFPROTO_UNSPEC, [&](const nlmsghdr*, nftnl_rule* r) -> Result<void> {
    out.rules.push_back(rule_of(r));
    return {};
  });
}

}  // namespace

const KernelSet* KernelRuleset::find_set(std::uint32_t family, const std::string& table,
                                         const std::string& name) const {
  for (const KernelSet& s : sets)
    if (s.family == family && s.table == table && s.name == name) return &s;
  return nullptr;
}

std::vector<Interval> intervals_from_elements(std::vector<std::pair<Bytes, bool>> keys, std::size_t width) {
  // An end marker sorts before a start at the same key (adjacent ranges).
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second && !b.second;
  });
  std::vector<Interval> out;
  std::optional<Bytes> start;
  for (auto& [key, end] : keys) {
    if (key.size() != width) continue;
    if (end) {
      if (start) {
        Bytes high = key;
        for (std::size_t i = high.size(); i-- > 0;)
          if (high[i]-- != 0) break;  // key - 1 (the end marker is exclusive)
        out.push_back({*start, high});
        start.reset();
      }
    } else {
      if (start) out.push_back({*start, *start});  // a start with no end: a single value
      start = key;
    }
  }
  if (start) out.push_back({*start, Bytes(width, 0xff)});  // open range up to the maximum
  return out;
}

Result<KernelRuleset> read_kernel_ruleset() {
  auto opened = Socket::open();
  if (!opened) return opened.error();
  Socket& s = opened.value();
  KernelRuleset out;
  auto r = nl::read_consistently(
      s,
      [&]() {
        out = KernelRuleset{};
        return read_once(s, out);
      },
      "it was being read");
  if (!r) return r.error();
  return out;
}

}  // namespace portclass::nft
