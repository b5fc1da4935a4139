// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/kernel.hpp"

#include <net/if.h>
#include <sys/uio.h>

#include <vector>

#include "nl/build.hpp"
#include "nl/socket.hpp"

namespace portclass::nft {
namespace {

Result<void> run(const Ruleset* ruleset, const std::string& table, bool commit) {
  auto opened = nl::Socket::open();
  if (!opened) return reworded(opened.error(), opened.error().message + "; nothing was changed");
  nl::Socket& socket = opened.value();
  // The generation before a commit tells, should the kernel's answer be lost,
  // whether the batch went in.
  std::uint32_t generation = 0;
  if (commit) {
    auto g = socket.generation();
    if (!g)
      return reworded(g.error(), "cannot read the ruleset generation: " + g.error().message + "; nothing was changed");
    generation = *g;
  }
  nl::Batch batch(socket.next_seq(), commit);
  if (ruleset) {
    nl::BuildContext context;
    if (unsigned index = if_nametoindex("lo")) context.loopback_ifindex = index;
    nl::add_replace(batch, *ruleset, context);
  } else {
    nl::add_remove(batch, table);
  }
  batch.finish();
  socket.reserve_seqs(static_cast<std::uint32_t>(batch.messages() + 2));
  auto errors = socket.transact(batch);
  if (!errors) {
    if (!socket.batch_sent()) return reworded(errors.error(), errors.error().message + "; nothing was changed");
    if (!commit) return reworded(errors.error(), errors.error().message + "; a check changes nothing");
    return nl::lost_answer(errors.error(), nl::changed_since(generation), table, "");
  }
  if (!errors->empty()) return nl::refusal(*errors, batch.first_seq(), commit);
  return {};
}

}  // namespace

std::size_t batch_bytes(const Ruleset& ruleset) {
  nl::Batch batch(1, true);
  nl::add_replace(batch, ruleset, nl::BuildContext{});
  batch.finish();
  const int pages = nftnl_batch_iovec_len(batch.raw());
  std::vector<iovec> iov(static_cast<std::size_t>(pages));
  nftnl_batch_iovec(batch.raw(), iov.data(), static_cast<std::uint32_t>(pages));
  std::size_t total = 0;
  for (const iovec& v : iov) total += v.iov_len;
  return total;
}

Result<void> kernel_check(const Ruleset& ruleset) { return run(&ruleset, ruleset.table, false); }
Result<void> kernel_apply(const Ruleset& ruleset) { return run(&ruleset, ruleset.table, true); }
Result<void> kernel_remove_table(const std::string& table) { return run(nullptr, table, true); }

}  // namespace portclass::nft
