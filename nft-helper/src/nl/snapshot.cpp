// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl/snapshot.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/common.h>

#include <cstring>
#include <map>

#include "nl/build.hpp"
#include "nl/dump.hpp"

namespace portclass::nft::nl {
namespace {

constexpr std::string_view kMagic = "PORTCLASS-NFT-SNAPSHOT 1\n";

std::string raw(const nlmsghdr* nlh) { return std::string(reinterpret_cast<const char*>(nlh), nlh->nlmsg_len); }

std::uint16_t message_type(const std::string& m) {
  return static_cast<std::uint16_t>(reinterpret_cast<const nlmsghdr*>(m.data())->nlmsg_type & 0xff);
}

// The inet table's own objects, in restore order: table, chains, sets, their
// elements, rules.
Result<void> read_once(Socket& s, Snapshot& out) {
  const std::string& name = out.table;
  std::vector<std::string> tables, chains, sets, elements, rules;
  std::vector<std::string> set_names;
  auto r = dump_tables(s, NFPROTO_INET, [&](const nlmsghdr* nlh, nftnl_table* t) -> Result<void> {
    if (nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY) == NFPROTO_INET && name == nftnl_table_get_str(t, NFTNL_TABLE_NAME))
      tables.push_back(raw(nlh));
    return {};
  });
  if (!r) return r;
  out.exists = !tables.empty();
  if (!out.exists) return {};
  r = dump_chains(s, NFPROTO_INET, [&](const nlmsghdr* nlh, nftnl_chain* c) -> Result<void> {
    if (name == nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE)) chains.push_back(raw(nlh));
    return {};
  });
  if (!r) return r;
  r = dump_sets(s, NFPROTO_INET, [&](const nlmsghdr* nlh, nftnl_set* set) -> Result<void> {
    if (name == nftnl_set_get_str(set, NFTNL_SET_TABLE)) {
      sets.push_back(raw(nlh));
      set_names.emplace_back(nftnl_set_get_str(set, NFTNL_SET_NAME));
    }
    return {};
  });
  if (!r) return r;
  for (const std::string& set_name : set_names) {
    r = dump_set_elements(s, NFPROTO_INET, name, set_name, [&](const nlmsghdr* nlh, nftnl_set*) -> Result<void> {
      elements.push_back(raw(nlh));
      return {};
    });
    if (!r) return r;
  }
  r = dump_rules(s, NFPROTO_INET, [&](const nlmsghdr* nlh, nftnl_rule* rule) -> Result<void> {
    if (name == nftnl_rule_get_str(rule, NFTNL_RULE_TABLE)) rules.push_back(raw(nlh));
    return {};
  });
  if (!r) return r;
  for (auto* group : {&tables, &chains, &sets, &elements, &rules})
    out.messages.insert(out.messages.end(), group->begin(), group->end());
  return {};
}

}  // namespace

Result<Snapshot> take_snapshot(Socket& s, const std::string& table) {
  Snapshot snap;
  auto r = read_consistently(
      s,
      [&]() {
        snap = Snapshot{};
        snap.table = table;
        return read_once(s, snap);
      },
      "the previous table was being saved");
  if (!r) return r.error();
  return snap;
}

std::string encode(const Snapshot& s) {
  std::string out(kMagic);
  out += s.table + "\n" + (s.exists ? "1" : "0") + "\n";
  for (const std::string& m : s.messages) {
    const std::uint32_t n = static_cast<std::uint32_t>(m.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += m;
  }
  return out;
}

Result<Snapshot> decode(std::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic) return make_error("not a portclass-nft snapshot");
  bytes.remove_prefix(kMagic.size());
  Snapshot s;
  const auto nl1 = bytes.find('\n');
  if (nl1 == std::string_view::npos) return make_error("truncated snapshot");
  s.table = std::string(bytes.substr(0, nl1));
  bytes.remove_prefix(nl1 + 1);
  if (bytes.size() < 2 || (bytes[0] != '0' && bytes[0] != '1') || bytes[1] != '\n')
    return make_error("truncated snapshot");
  s.exists = bytes[0] == '1';
  bytes.remove_prefix(2);
  while (!bytes.empty()) {
    std::uint32_t n = 0;
    if (bytes.size() < sizeof n) return make_error("truncated snapshot");
    std::memcpy(&n, bytes.data(), sizeof n);
    bytes.remove_prefix(sizeof n);
    if (bytes.size() < n || n < sizeof(nlmsghdr)) return make_error("truncated snapshot");
    s.messages.emplace_back(bytes.substr(0, n));
    bytes.remove_prefix(n);
  }
  return s;
}

Result<void> add_restore(Batch& batch, const Snapshot& snap) {
  add_remove(batch, snap.table);
  if (!snap.exists) return {};
  std::map<std::string, std::uint32_t> set_ids;
  for (const std::string& m : snap.messages) {
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(m.data());
    switch (message_type(m)) {
      case NFT_MSG_NEWTABLE: {
        TablePtr t(nftnl_table_alloc());
        if (!t || nftnl_table_nlmsg_parse(nlh, t.get()) < 0) return make_error("snapshot: bad table");
        nftnl_table_unset(t.get(), NFTNL_TABLE_HANDLE);
        nftnl_table_unset(t.get(), NFTNL_TABLE_USE);
        nlmsghdr* out = batch.start(NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE, "restored table " + snap.table);
        nftnl_table_nlmsg_build_payload(out, t.get());
        batch.done();
        break;
      }
      case NFT_MSG_NEWCHAIN: {
        ChainPtr c(nftnl_chain_alloc());
        if (!c || nftnl_chain_nlmsg_parse(nlh, c.get()) < 0) return make_error("snapshot: bad chain");
        nftnl_chain_unset(c.get(), NFTNL_CHAIN_HANDLE);
        nftnl_chain_unset(c.get(), NFTNL_CHAIN_USE);
        nftnl_chain_unset(c.get(), NFTNL_CHAIN_FLAGS);
        const std::string what = std::string("restored chain ") + nftnl_chain_get_str(c.get(), NFTNL_CHAIN_NAME);
        nlmsghdr* out = batch.start(NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE, what);
        nftnl_chain_nlmsg_build_payload(out, c.get());
        batch.done();
        break;
      }
      case NFT_MSG_NEWSET: {
        SetPtr set(nftnl_set_alloc());
        if (!set || nftnl_set_nlmsg_parse(nlh, set.get()) < 0) return make_error("snapshot: bad set");
        nftnl_set_unset(set.get(), NFTNL_SET_HANDLE);
        const std::string name = nftnl_set_get_str(set.get(), NFTNL_SET_NAME);
        const std::uint32_t id = static_cast<std::uint32_t>(set_ids.size() + 1);
        set_ids[name] = id;
        nftnl_set_set_u32(set.get(), NFTNL_SET_ID, id);
        nlmsghdr* out = batch.start(NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE, "restored set " + name);
        nftnl_set_nlmsg_build_payload(out, set.get());
        batch.done();
        break;
      }
      case NFT_MSG_NEWSETELEM: {
        SetPtr set(nftnl_set_alloc());
        if (!set || nftnl_set_elems_nlmsg_parse(nlh, set.get()) < 0) return make_error("snapshot: bad elements");
        int count = 0;
        nftnl_set_elem_foreach(
            set.get(), [](nftnl_set_elem*, void* n) { return ++*static_cast<int*>(n), 0; }, &count);
        if (count == 0) break;  // dumps may end with an empty message; the kernel refuses empty lists
        const std::string name = nftnl_set_get_str(set.get(), NFTNL_SET_NAME);
        if (auto it = set_ids.find(name); it != set_ids.end()) nftnl_set_set_u32(set.get(), NFTNL_SET_ID, it->second);
        nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
        nlmsghdr* out = batch.start(NFT_MSG_NEWSETELEM, NFPROTO_INET, NLM_F_CREATE, "restored elements of set " + name);
        nftnl_set_elems_nlmsg_build_payload(out, set.get());
        batch.done();
        break;
      }
      case NFT_MSG_NEWRULE: {
        RulePtr rule(nftnl_rule_alloc());
        if (!rule || nftnl_rule_nlmsg_parse(nlh, rule.get()) < 0) return make_error("snapshot: bad rule");
        const std::string what = std::string("restored rule handle ") +
                                 std::to_string(nftnl_rule_get_u64(rule.get(), NFTNL_RULE_HANDLE)) + " of chain " +
                                 nftnl_rule_get_str(rule.get(), NFTNL_RULE_CHAIN);
        nftnl_rule_unset(rule.get(), NFTNL_RULE_HANDLE);
        nftnl_rule_unset(rule.get(), NFTNL_RULE_POSITION);
        nlmsghdr* out = batch.start(NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_CREATE | NLM_F_APPEND, what);
        nftnl_rule_nlmsg_build_payload(out, rule.get());
        batch.done();
        break;
      }
      default: return make_error("snapshot: unexpected message type " + std::to_string(message_type(m)));
    }
  }
  return {};
}

}  // namespace portclass::nft::nl
