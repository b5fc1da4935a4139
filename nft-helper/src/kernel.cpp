// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/kernel.hpp"

#include <net/if.h>
#include <sys/uio.h>

#include <vector>

#include "nl/build.hpp"
#include "nl/socket.hpp"

namespace portclass::nft {
namespace {

Error refused(const std::vector<nl::BatchError>& errors, bool commit) {
  // The first error is the cause; later ones are usually its consequences.
  const nl::BatchError& e = errors.front();
  std::string message = std::string("kernel refused ") + (e.description.empty() ? "the batch" : e.description) +
                        ": " + nl::errno_text(e.error);
  if (!e.kernel_note.empty()) message += " (" + e.kernel_note + ")";
  if (errors.size() > 1) message += " [+" + std::to_string(errors.size() - 1) + " more]";
  message += commit ? "; nothing was changed" : "";
  return make_error(message);
}

Result<bool> run(const Ruleset* ruleset, const std::string& table, bool commit) {
  auto opened = nl::Socket::open();
  if (!opened) return opened.error();
  nl::Socket& socket = opened.value();
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
  if (!errors) return errors.error();
  if (!errors->empty()) return refused(*errors, commit);
  return true;
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

Result<bool> kernel_check(const Ruleset& ruleset) { return run(&ruleset, ruleset.table, false); }
Result<bool> kernel_apply(const Ruleset& ruleset) { return run(&ruleset, ruleset.table, true); }
Result<bool> kernel_remove_table(const std::string& table) { return run(nullptr, table, true); }

}  // namespace portclass::nft
