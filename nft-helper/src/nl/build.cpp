// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl/build.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>
#include <new>

#include "nl/exprs.hpp"
#include "portclass/nft/fields.hpp"
#include "portclass/nft/render.hpp"

namespace portclass::nft::nl {
namespace {

constexpr std::uint32_t kReg = NFT_REG_1;
// nft's byte orders as stored in set user data (include/expression.h).
constexpr std::uint32_t kHostEndian = 1;
constexpr std::uint32_t kBigEndian = 2;
// Sets this large are split over several NEWSETELEM messages (64 KiB each at most).
constexpr std::size_t kElementsPerMessage = 1000;

TablePtr table_object(const std::string& name) {
  TablePtr t(nftnl_table_alloc());
  if (!t) throw std::bad_alloc();
  nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, name.c_str());
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_INET);
  return t;
}

UdataPtr udata() {
  UdataPtr u(nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN));
  if (!u) throw std::bad_alloc();
  return u;
}

// Increments a big-endian number; false when it wrapped (it was the maximum).
bool increment(Bytes& b) {
  for (std::size_t i = b.size(); i-- > 0;)
    if (++b[i] != 0) return true;
  return false;
}

struct ElementSpec {
  Bytes key;
  bool end = false;   // NFT_SET_ELEM_INTERVAL_END
  bool open = false;  // a range up to the maximum: no end element follows
};

// nft's interval encoding: an end marker at 0 when the first range starts
// above 0, then start/end pairs where the end is exclusive (high + 1); a range
// reaching the maximum value has no end element and is flagged open.
std::vector<ElementSpec> interval_elements(const std::vector<Interval>& intervals, std::size_t width) {
  std::vector<ElementSpec> out;
  if (intervals.empty()) return out;
  if (intervals.front().low != Bytes(width, 0)) out.push_back({Bytes(width, 0), true, false});
  for (const Interval& i : intervals) {
    Bytes after = i.high;
    const bool bounded = increment(after);
    out.push_back({i.low, false, !bounded});
    if (bounded) out.push_back({after, true, false});
  }
  return out;
}

class Writer {
 public:
  Writer(Batch& batch, const Ruleset& r, const BuildContext& ctx) : b_(batch), r_(r), ctx_(ctx) {}

  void table();
  void set(const Set& s, std::uint32_t id, bool anonymous, const std::string& description);
  void chain(const Chain& c);
  void rule(const Rule& rule, std::size_t index_in_chain);
  std::uint32_t named_set_id(const std::string& name) const {
    for (std::size_t i = 0; i < r_.sets.size(); ++i)
      if (r_.sets[i].name == name) return static_cast<std::uint32_t>(i + 1);
    return 0;
  }

 private:
  void match(nftnl_rule* rule, const Match& m, const std::string& description);
  void dependencies(nftnl_rule* rule, const FieldInfo& f);
  void load(nftnl_rule* rule, const FieldInfo& f);

  Batch& b_;
  const Ruleset& r_;
  const BuildContext& ctx_;
  std::uint32_t next_anonymous_id_ = 0x10000;
  std::uint8_t nfproto_ = 0;  // per rule: dependencies already in place
  std::uint8_t l4proto_ = 0;
};

void Writer::table() {
  TablePtr t = table_object(r_.table);
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FLAGS, 0);
  if (!r_.comment.empty()) {
    UdataPtr u = udata();
    nftnl_udata_put_strz(u.get(), NFTNL_UDATA_TABLE_COMMENT, r_.comment.c_str());
    nftnl_table_set_data(t.get(), NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(u.get()), nftnl_udata_buf_len(u.get()));
  }
  nlmsghdr* nlh = b_.start(NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE, "table inet " + r_.table);
  nftnl_table_nlmsg_build_payload(nlh, t.get());
  b_.done();
}

void Writer::set(const Set& s, std::uint32_t id, bool anonymous, const std::string& description) {
  SetPtr set(nftnl_set_alloc());
  if (!set) throw std::bad_alloc();
  const std::string name = anonymous ? "__set%d" : s.name;
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, r_.table.c_str());
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, name.c_str());
  nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
  nftnl_set_set_u32(set.get(), NFTNL_SET_ID, id);
  nftnl_set_set_u32(set.get(), NFTNL_SET_KEY_TYPE, key_type_id(s.key));
  nftnl_set_set_u32(set.get(), NFTNL_SET_KEY_LEN, key_length(s.key));
  std::uint32_t flags = s.interval ? NFT_SET_INTERVAL : 0;
  if (anonymous) {
    flags |= NFT_SET_ANONYMOUS | NFT_SET_CONSTANT;
    nftnl_set_set_u32(set.get(), NFTNL_SET_DESC_SIZE, static_cast<std::uint32_t>(s.elements.size()));
  }
  nftnl_set_set_u32(set.get(), NFTNL_SET_FLAGS, flags);
  UdataPtr u = udata();
  nftnl_udata_put_u32(u.get(), NFTNL_UDATA_SET_KEYBYTEORDER, s.key == KeyType::inet_proto ? kHostEndian : kBigEndian);
  if (!s.comment.empty()) nftnl_udata_put_strz(u.get(), NFTNL_UDATA_SET_COMMENT, s.comment.c_str());
  nftnl_set_set_data(set.get(), NFTNL_SET_USERDATA, nftnl_udata_buf_data(u.get()), nftnl_udata_buf_len(u.get()));
  nlmsghdr* nlh = b_.start(NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE, description);
  nftnl_set_nlmsg_build_payload(nlh, set.get());
  b_.done();

  std::vector<ElementSpec> elements;
  if (s.interval) {
    elements = interval_elements(s.elements, key_length(s.key));
  } else {
    for (const Interval& i : s.elements) elements.push_back({i.low, false, false});
  }
  for (std::size_t first = 0; first < elements.size(); first += kElementsPerMessage) {
    SetPtr chunk(nftnl_set_alloc());
    if (!chunk) throw std::bad_alloc();
    nftnl_set_set_str(chunk.get(), NFTNL_SET_TABLE, r_.table.c_str());
    nftnl_set_set_str(chunk.get(), NFTNL_SET_NAME, name.c_str());
    nftnl_set_set_u32(chunk.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
    nftnl_set_set_u32(chunk.get(), NFTNL_SET_ID, id);
    const std::size_t last = std::min(elements.size(), first + kElementsPerMessage);
    for (std::size_t i = first; i < last; ++i) {
      ElemPtr e(nftnl_set_elem_alloc());
      if (!e) throw std::bad_alloc();
      nftnl_set_elem_set(e.get(), NFTNL_SET_ELEM_KEY, elements[i].key.data(),
                         static_cast<std::uint32_t>(elements[i].key.size()));
      if (elements[i].end) nftnl_set_elem_set_u32(e.get(), NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
      if (elements[i].open) {
        UdataPtr eu = udata();
        nftnl_udata_put_u32(eu.get(), NFTNL_UDATA_SET_ELEM_FLAGS, NFTNL_SET_ELEM_F_INTERVAL_OPEN);
        nftnl_set_elem_set(e.get(), NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(eu.get()),
                           nftnl_udata_buf_len(eu.get()));
      }
      nftnl_set_elem_add(chunk.get(), e.release());
    }
    nlmsghdr* enlh = b_.start(NFT_MSG_NEWSETELEM, NFPROTO_INET, NLM_F_CREATE, "elements of " + description);
    nftnl_set_elems_nlmsg_build_payload(enlh, chunk.get());
    b_.done();
  }
}

void Writer::chain(const Chain& c) {
  ChainPtr ch(nftnl_chain_alloc());
  if (!ch) throw std::bad_alloc();
  nftnl_chain_set_str(ch.get(), NFTNL_CHAIN_TABLE, r_.table.c_str());
  nftnl_chain_set_str(ch.get(), NFTNL_CHAIN_NAME, c.name.c_str());
  nftnl_chain_set_u32(ch.get(), NFTNL_CHAIN_FAMILY, NFPROTO_INET);
  const std::uint32_t hook = c.hook == Hook::input     ? NF_INET_LOCAL_IN
                             : c.hook == Hook::forward ? NF_INET_FORWARD
                                                       : NF_INET_LOCAL_OUT;
  nftnl_chain_set_u32(ch.get(), NFTNL_CHAIN_HOOKNUM, hook);
  nftnl_chain_set_s32(ch.get(), NFTNL_CHAIN_PRIO, c.priority);
  nftnl_chain_set_str(ch.get(), NFTNL_CHAIN_TYPE, "filter");
  nftnl_chain_set_u32(ch.get(), NFTNL_CHAIN_POLICY, c.policy == Verdict::accept ? NF_ACCEPT : NF_DROP);
  if (!c.comment.empty()) {
    UdataPtr u = udata();
    nftnl_udata_put_strz(u.get(), NFTNL_UDATA_CHAIN_COMMENT, c.comment.c_str());
    nftnl_chain_set_data(ch.get(), NFTNL_CHAIN_USERDATA, nftnl_udata_buf_data(u.get()), nftnl_udata_buf_len(u.get()));
  }
  nlmsghdr* nlh = b_.start(NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE, "chain " + c.name);
  nftnl_chain_nlmsg_build_payload(nlh, ch.get());
  b_.done();
}

// nft's implicit protocol dependencies in an inet table: a network-header
// field needs `meta nfproto`, a transport field of a named protocol needs
// `meta l4proto` (and ICMP/ICMPv6 also the family), each once per rule.
void Writer::dependencies(nftnl_rule* rule, const FieldInfo& f) {
  if (f.nfproto && nfproto_ != f.nfproto) {
    add_meta(rule, NFT_META_NFPROTO, kReg);
    add_cmp(rule, kReg, NFT_CMP_EQ, &f.nfproto, 1);
    nfproto_ = f.nfproto;
  }
  if (f.l4proto && l4proto_ != f.l4proto) {
    add_meta(rule, NFT_META_L4PROTO, kReg);
    add_cmp(rule, kReg, NFT_CMP_EQ, &f.l4proto, 1);
    l4proto_ = f.l4proto;
  }
}

void Writer::load(nftnl_rule* rule, const FieldInfo& f) {
  switch (f.source) {
    case LoadSource::meta: add_meta(rule, f.key, kReg); break;
    case LoadSource::ct: add_ct(rule, f.key, kReg); break;
    case LoadSource::payload:
      add_payload(rule, f.base == PayloadBase::network ? NFT_PAYLOAD_NETWORK_HEADER : NFT_PAYLOAD_TRANSPORT_HEADER,
                  f.offset, f.width, kReg);
      break;
  }
}

void Writer::match(nftnl_rule* rule, const Match& m, const std::string& description) {
  const FieldInfo& f = info(m.field);
  dependencies(rule, f);
  load(rule, f);
  switch (m.op) {
    case Op::eq:
    case Op::neq: {
      const std::uint32_t op = m.op == Op::eq ? NFT_CMP_EQ : NFT_CMP_NEQ;
      if (!m.ifname.empty()) {
        add_cmp(rule, kReg, op, &ctx_.loopback_ifindex, sizeof ctx_.loopback_ifindex);
        break;
      }
      const Interval& v = m.values.front();
      if (v.single()) {
        add_cmp(rule, kReg, op, v.low.data(), static_cast<std::uint32_t>(v.low.size()));
        if (m.field == Field::meta_nfproto) nfproto_ = v.low.front();
        if (m.field == Field::meta_l4proto) l4proto_ = v.low.front();
      } else if ((f.kind == ValueKind::ipv4 || f.kind == ValueKind::ipv6) && prefix_length_of(v) >= 0) {
        Bytes mask(v.low.size(), 0);
        const int len = prefix_length_of(v);
        for (int bit = 0; bit < len; ++bit) mask[bit / 8] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
        const Bytes zero(v.low.size(), 0);
        add_bitwise(rule, kReg, mask.data(), zero.data(), static_cast<std::uint32_t>(mask.size()));
        add_cmp(rule, kReg, op, v.low.data(), static_cast<std::uint32_t>(v.low.size()));
      } else {
        add_range(rule, kReg, m.op == Op::eq ? NFT_RANGE_EQ : NFT_RANGE_NEQ, v.low.data(), v.high.data(),
                  static_cast<std::uint32_t>(v.low.size()));
      }
      break;
    }
    case Op::in_set:
      if (!m.set.empty()) {
        add_lookup(rule, kReg, m.set, named_set_id(m.set));
      } else {
        Set anonymous;
        anonymous.key = *f.set_key;
        anonymous.elements = m.values;
        anonymous.interval = false;
        for (const Interval& i : m.values) anonymous.interval = anonymous.interval || !i.single();
        const std::uint32_t id = next_anonymous_id_++;
        set(anonymous, id, true, "anonymous set of " + description);
        add_lookup(rule, kReg, "__set%d", id);
      }
      break;
    case Op::any_bits: {
      const std::uint32_t mask = m.bits, zero = 0;
      add_bitwise(rule, kReg, &mask, &zero, sizeof mask);
      add_cmp(rule, kReg, NFT_CMP_NEQ, &zero, sizeof zero);
      break;
    }
    case Op::masked_neq: {
      const Bytes mask = be_bytes(m.bits, f.width);
      const Bytes zero(f.width, 0);
      add_bitwise(rule, kReg, mask.data(), zero.data(), f.width);
      add_cmp(rule, kReg, NFT_CMP_NEQ, m.values.front().low.data(), f.width);
      break;
    }
  }
}

void Writer::rule(const Rule& rule, std::size_t index_in_chain) {
  const std::string description =
      "rule " + std::to_string(index_in_chain) + " of chain " + rule.chain + ": " + render_rule(rule);
  RulePtr r(nftnl_rule_alloc());
  if (!r) throw std::bad_alloc();
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, r_.table.c_str());
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, rule.chain.c_str());
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, NFPROTO_INET);
  nfproto_ = 0;
  l4proto_ = 0;
  // Anonymous sets are sent before the rule that uses them.
  for (const Match& m : rule.matches) match(r.get(), m, description);
  add_verdict(r.get(), rule.verdict == Verdict::accept ? NF_ACCEPT : NF_DROP);
  if (!rule.comment.empty()) {
    UdataPtr u = udata();
    nftnl_udata_put_strz(u.get(), NFTNL_UDATA_RULE_COMMENT, rule.comment.c_str());
    nftnl_rule_set_data(r.get(), NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u.get()), nftnl_udata_buf_len(u.get()));
  }
  nlmsghdr* nlh = b_.start(NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_CREATE | NLM_F_APPEND, description);
  nftnl_rule_nlmsg_build_payload(nlh, r.get());
  b_.done();
}

}  // namespace

void add_remove(Batch& batch, const std::string& table) {
  TablePtr t = table_object(table);
  // Creating first makes the delete valid whether or not the table exists.
  nlmsghdr* nlh = batch.start(NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE, "table inet " + table);
  nftnl_table_nlmsg_build_payload(nlh, t.get());
  batch.done();
  nlh = batch.start(NFT_MSG_DELTABLE, NFPROTO_INET, 0, "deleting the previous table inet " + table);
  nftnl_table_nlmsg_build_payload(nlh, t.get());
  batch.done();
}

void add_replace(Batch& batch, const Ruleset& r, const BuildContext& context) {
  add_remove(batch, r.table);
  Writer w(batch, r, context);
  w.table();
  for (std::size_t i = 0; i < r.sets.size(); ++i)
    w.set(r.sets[i], static_cast<std::uint32_t>(i + 1), false, "set " + r.sets[i].name);
  for (const Chain& c : r.chains) w.chain(c);
  for (const Chain& c : r.chains) {
    std::size_t index = 0;
    for (const Rule& rule : r.rules)
      if (rule.chain == c.name) w.rule(rule, ++index);
  }
}

}  // namespace portclass::nft::nl
