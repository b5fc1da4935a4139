// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl/batch.hpp"

#include <libnftnl/common.h>

#include <new>

namespace portclass::nft::nl {
namespace {

// Pages of 256 KiB; a set-element message grows to at most 64 KiB plus one
// element before libnftnl starts the next one, so 128 KiB of overrun is ample.
constexpr std::uint32_t kPageSize = 256 * 1024;
constexpr std::uint32_t kOverrun = 128 * 1024;

}  // namespace

Batch::Batch(std::uint32_t first_seq, bool commit)
    : batch_(nftnl_batch_alloc(kPageSize, kOverrun)), first_seq_(first_seq), next_seq_(first_seq), commit_(commit) {
  if (!batch_) throw std::bad_alloc();
  nftnl_batch_begin(static_cast<char*>(nftnl_batch_buffer(batch_.get())), next_seq_++);
  nftnl_batch_update(batch_.get());
}

nlmsghdr* Batch::start(std::uint16_t type, std::uint16_t family, std::uint16_t flags, std::string description) {
  descriptions_.push_back(std::move(description));
  last_ = nftnl_nlmsg_build_hdr(static_cast<char*>(nftnl_batch_buffer(batch_.get())), type, family, flags, next_seq_++);
  return last_;
}

void Batch::done() {
  const std::uint32_t length = NLMSG_ALIGN(last_->nlmsg_len);
  if (nftnl_batch_update(batch_.get()) < 0) throw std::bad_alloc();
  // nftnl_batch_update copies a message that overflows the page to the start
  // of a new page; either way it now ends where the free space begins.
  last_ = reinterpret_cast<nlmsghdr*>(static_cast<char*>(nftnl_batch_buffer(batch_.get())) - length);
}

void Batch::finish() {
  if (last_) last_->nlmsg_flags |= NLM_F_ACK;
  if (commit_) {
    nftnl_batch_end(static_cast<char*>(nftnl_batch_buffer(batch_.get())), next_seq_++);
    nftnl_batch_update(batch_.get());
  }
}

std::string Batch::describe(std::uint32_t seq) const {
  if (seq <= first_seq_ || seq - first_seq_ - 1 >= descriptions_.size()) return "";
  return descriptions_[seq - first_seq_ - 1];
}

}  // namespace portclass::nft::nl
