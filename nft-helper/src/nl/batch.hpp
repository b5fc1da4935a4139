// SPDX-License-Identifier: GPL-2.0-or-later
// A netlink batch of nf_tables messages, as one atomic transaction.
//
// Every message gets its own sequence number and a description ("rule 4 of
// chain input (...)") so that an error the kernel reports against a sequence
// number can be named in the user's terms. Only the last message asks for an
// ACK: acking every message of a large batch overflows the socket's receive
// buffer, and errors are reported whether or not an ACK was asked for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <linux/netlink.h>

#include "nl/objects.hpp"

namespace portclass::nft::nl {

class Batch {
 public:
  // commit=false leaves out the END message: the kernel then validates every
  // message and aborts the transaction (what `nft -c` does).
  Batch(std::uint32_t first_seq, bool commit);

  // Starts a message; the caller fills the payload, then calls done().
  nlmsghdr* start(std::uint16_t type, std::uint16_t family, std::uint16_t flags, std::string description);
  void done();

  // Closes the batch (END unless check-only) and marks the last message for ACK.
  void finish();

  std::uint32_t first_seq() const noexcept { return first_seq_; }
  // The message that carries the ACK: when its answer arrives, the kernel has
  // finished with the whole batch.
  std::uint32_t acked_seq() const noexcept { return first_seq_ + static_cast<std::uint32_t>(descriptions_.size()); }
  // Description of the message with this sequence number ("" when unknown).
  std::string describe(std::uint32_t seq) const;
  bool commit() const noexcept { return commit_; }
  std::size_t messages() const noexcept { return descriptions_.size(); }

  nftnl_batch* raw() noexcept { return batch_.get(); }

 private:
  BatchPtr batch_;
  std::uint32_t first_seq_;
  std::uint32_t next_seq_;
  bool commit_;
  nlmsghdr* last_ = nullptr;
  std::vector<std::string> descriptions_;  // index: seq - first_seq - 1 (BEGIN has none)
};

}  // namespace portclass::nft::nl
