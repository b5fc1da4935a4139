// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl/dump.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/common.h>

#include <cerrno>
#include <new>

namespace portclass::nft::nl {
namespace {

// The parts every object kind shares: its allocator, its parser and its
// name for the error message.
template <class Ptr, class Object>
Result<void> dump_kind(Socket& socket, std::uint16_t type, std::uint16_t family, Object* (*alloc)(),
                       int (*parse)(const nlmsghdr*, Object*), const char* kind,
                       const std::function<void(nlmsghdr*)>& fill, const OnObject<Object>& on_object) {
  return socket.dump(
      [&](char* buffer, std::uint32_t seq) {
        nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buffer, type, family, NLM_F_DUMP, seq);
        if (fill) fill(nlh);
        return nlh;
      },
      [&](const nlmsghdr* nlh) -> Result<void> {
        Ptr object(alloc());
        if (!object) throw std::bad_alloc();
        if (parse(nlh, object.get()) < 0)
          return make_error(ErrorKind::system,
                            std::string("the kernel sent a ") + kind + " message libnftnl cannot parse");
        return on_object(nlh, object.get());
      });
}

}  // namespace

Result<void> dump_tables(Socket& socket, std::uint16_t family, const OnObject<nftnl_table>& on_table) {
  return dump_kind<TablePtr>(socket, NFT_MSG_GETTABLE, family, nftnl_table_alloc, nftnl_table_nlmsg_parse, "table",
                             nullptr, on_table);
}

Result<void> dump_chains(Socket& socket, std::uint16_t family, const OnObject<nftnl_chain>& on_chain) {
  return dump_kind<ChainPtr>(socket, NFT_MSG_GETCHAIN, family, nftnl_chain_alloc, nftnl_chain_nlmsg_parse, "chain",
                             nullptr, on_chain);
}

Result<void> dump_sets(Socket& socket, std::uint16_t family, const OnObject<nftnl_set>& on_set) {
  return dump_kind<SetPtr>(socket, NFT_MSG_GETSET, family, nftnl_set_alloc, nftnl_set_nlmsg_parse, "set", nullptr,
                           on_set);
}

Result<void> dump_set_elements(Socket& socket, std::uint16_t family, const std::string& table, const std::string& set,
                               const OnObject<nftnl_set>& on_elements) {
  // The request names the set: a payload built from a set object that
  // carries only its table and name.
  auto fill = [&](nlmsghdr* nlh) {
    SetPtr which(nftnl_set_alloc());
    if (!which) throw std::bad_alloc();
    nftnl_set_set_str(which.get(), NFTNL_SET_TABLE, table.c_str());
    nftnl_set_set_str(which.get(), NFTNL_SET_NAME, set.c_str());
    nftnl_set_elems_nlmsg_build_payload(nlh, which.get());
  };
  return dump_kind<SetPtr>(socket, NFT_MSG_GETSETELEM, family, nftnl_set_alloc, nftnl_set_elems_nlmsg_parse,
                           "set element", fill, on_elements);
}

Result<void> dump_rules(Socket& socket, std::uint16_t family, const OnObject<nftnl_rule>& on_rule) {
  return dump_kind<RulePtr>(socket, NFT_MSG_GETRULE, family, nftnl_rule_alloc, nftnl_rule_nlmsg_parse, "rule", nullptr,
                            on_rule);
}

Result<void> read_consistently(Socket& socket, const std::function<Result<void>()>& read_all, std::string_view what) {
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto before = socket.generation();
    if (!before) return before.error();
    auto r = read_all();
    if (!r) {
      if (r.error().kind == ErrorKind::interrupted) continue;
      return r;
    }
    auto after = socket.generation();
    if (!after) return after.error();
    if (*before == *after) return {};
  }
  return make_error(ErrorKind::interrupted, "the ruleset kept changing while " + std::string(what) + "; try again",
                    EINTR);
}

}  // namespace portclass::nft::nl
