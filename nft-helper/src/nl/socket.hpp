// SPDX-License-Identifier: GPL-2.0-or-later
// One NETLINK_NETFILTER socket (libmnl), opened in the network namespace of
// the calling thread, with the two exchanges the helper needs: sending a
// batch and collecting the kernel's verdict on it, and dumping objects.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nl/batch.hpp"
#include "nl/objects.hpp"
#include "portclass/result.hpp"

namespace portclass::nft::nl {

// One error the kernel reported for a message of a batch.
struct BatchError {
  std::uint32_t seq = 0;
  int error = 0;            // positive errno
  std::string description;  // what the message was (from the batch)
  std::string kernel_note;  // extended-ACK text, when the kernel gave one
};

class Socket {
 public:
  static Result<Socket> open();

  // Sends the batch and waits for the answer to its ACKed message. Returns
  // the errors (empty: the kernel accepted every message) or an Error when
  // the exchange itself failed.
  Result<std::vector<BatchError>> transact(Batch& batch);

  // Sends a dump request built by `build(buffer, seq)` and calls `on_message`
  // for every answer until NLMSG_DONE.
  Result<bool> dump(const std::function<nlmsghdr*(char*, std::uint32_t)>& build,
                    const std::function<Result<bool>(const nlmsghdr*)>& on_message);

  // The ruleset generation counter: equal before and after a set of dumps
  // means they saw one consistent ruleset.
  Result<std::uint32_t> generation();

  std::uint32_t next_seq() noexcept { return seq_; }
  void reserve_seqs(std::uint32_t n) noexcept { seq_ += n; }

 private:
  explicit Socket(SocketPtr s);
  SocketPtr socket_;
  std::uint32_t portid_ = 0;
  std::uint32_t seq_ = 0;
};

// "No such file or directory" for an errno.
std::string errno_text(int error);

}  // namespace portclass::nft::nl
