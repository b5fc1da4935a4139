// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl/exprs.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <new>

namespace portclass::nft::nl {
namespace {

ExprPtr make(const char* name) {
  ExprPtr e(nftnl_expr_alloc(name));
  if (!e) throw std::bad_alloc();
  return e;
}

void append(nftnl_rule* r, ExprPtr e) { nftnl_rule_add_expr(r, e.release()); }

}  // namespace

void add_meta(nftnl_rule* r, std::uint32_t key, std::uint32_t dreg) {
  ExprPtr e = make("meta");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_META_KEY, key);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_META_DREG, dreg);
  append(r, std::move(e));
}

void add_ct(nftnl_rule* r, std::uint32_t key, std::uint32_t dreg) {
  ExprPtr e = make("ct");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_CT_KEY, key);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_CT_DREG, dreg);
  append(r, std::move(e));
}

void add_payload(nftnl_rule* r, std::uint32_t base, std::uint32_t offset, std::uint32_t len, std::uint32_t dreg) {
  ExprPtr e = make("payload");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_PAYLOAD_BASE, base);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_PAYLOAD_OFFSET, offset);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_PAYLOAD_LEN, len);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_PAYLOAD_DREG, dreg);
  append(r, std::move(e));
}

void add_cmp(nftnl_rule* r, std::uint32_t sreg, std::uint32_t op, const void* data, std::uint32_t len) {
  ExprPtr e = make("cmp");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_CMP_SREG, sreg);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_CMP_OP, op);
  nftnl_expr_set_data(e.get(), NFTNL_EXPR_CMP_DATA, data, len);
  append(r, std::move(e));
}

void add_bitwise(nftnl_rule* r, std::uint32_t reg, const void* mask, const void* xor_value, std::uint32_t len) {
  ExprPtr e = make("bitwise");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_BITWISE_SREG, reg);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_BITWISE_DREG, reg);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_BITWISE_LEN, len);
  nftnl_expr_set_data(e.get(), NFTNL_EXPR_BITWISE_MASK, mask, len);
  nftnl_expr_set_data(e.get(), NFTNL_EXPR_BITWISE_XOR, xor_value, len);
  append(r, std::move(e));
}

void add_range(nftnl_rule* r, std::uint32_t sreg, std::uint32_t op, const void* from, const void* to,
               std::uint32_t len) {
  ExprPtr e = make("range");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_RANGE_SREG, sreg);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_RANGE_OP, op);
  nftnl_expr_set_data(e.get(), NFTNL_EXPR_RANGE_FROM_DATA, from, len);
  nftnl_expr_set_data(e.get(), NFTNL_EXPR_RANGE_TO_DATA, to, len);
  append(r, std::move(e));
}

void add_lookup(nftnl_rule* r, std::uint32_t sreg, const std::string& set, std::uint32_t set_id) {
  ExprPtr e = make("lookup");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_LOOKUP_SREG, sreg);
  nftnl_expr_set_str(e.get(), NFTNL_EXPR_LOOKUP_SET, set.c_str());
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_LOOKUP_SET_ID, set_id);
  append(r, std::move(e));
}

void add_verdict(nftnl_rule* r, int verdict) {
  ExprPtr e = make("immediate");
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  nftnl_expr_set_u32(e.get(), NFTNL_EXPR_IMM_VERDICT, static_cast<std::uint32_t>(verdict));
  append(r, std::move(e));
}

}  // namespace portclass::nft::nl
