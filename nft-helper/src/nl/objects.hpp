// SPDX-License-Identifier: GPL-2.0-or-later
// Owning handles for libnftnl and libmnl objects: every C object the helper
// allocates is held by one of these from the line it is created on.
#pragma once

#include <memory>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

namespace portclass::nft::nl {

struct Free {
  void operator()(nftnl_table* p) const noexcept { nftnl_table_free(p); }
  void operator()(nftnl_chain* p) const noexcept { nftnl_chain_free(p); }
  void operator()(nftnl_set* p) const noexcept { nftnl_set_free(p); }
  void operator()(nftnl_set_elem* p) const noexcept { nftnl_set_elem_free(p); }
  void operator()(nftnl_rule* p) const noexcept { nftnl_rule_free(p); }
  void operator()(nftnl_expr* p) const noexcept { nftnl_expr_free(p); }
  void operator()(nftnl_batch* p) const noexcept { nftnl_batch_free(p); }
  void operator()(nftnl_udata_buf* p) const noexcept { nftnl_udata_buf_free(p); }
  void operator()(nftnl_expr_iter* p) const noexcept { nftnl_expr_iter_destroy(p); }
  void operator()(nftnl_set_elems_iter* p) const noexcept { nftnl_set_elems_iter_destroy(p); }
  void operator()(mnl_socket* p) const noexcept { mnl_socket_close(p); }
};

using TablePtr = std::unique_ptr<nftnl_table, Free>;
using ChainPtr = std::unique_ptr<nftnl_chain, Free>;
using SetPtr = std::unique_ptr<nftnl_set, Free>;
using ElemPtr = std::unique_ptr<nftnl_set_elem, Free>;
using RulePtr = std::unique_ptr<nftnl_rule, Free>;
using ExprPtr = std::unique_ptr<nftnl_expr, Free>;
using BatchPtr = std::unique_ptr<nftnl_batch, Free>;
using UdataPtr = std::unique_ptr<nftnl_udata_buf, Free>;
using ExprIterPtr = std::unique_ptr<nftnl_expr_iter, Free>;
using ElemIterPtr = std::unique_ptr<nftnl_set_elems_iter, Free>;
using SocketPtr = std::unique_ptr<mnl_socket, Free>;

}  // namespace portclass::nft::nl
