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
  // the exchange itself failed. An error on the batch's BEGIN message (no
  // CAP_NET_ADMIN, an unknown subsystem) refuses the whole batch: the kernel
  // sends nothing more, so it ends the wait too.
  Result<std::vector<BatchError>> transact(Batch& batch);

  // After transact() failed: whether the batch had been handed to the kernel.
  // The kernel runs a batch to its end inside sendmsg(), so once sent it was
  // either committed or aborted, and only the answer was lost.
  bool batch_sent() const noexcept { return sent_; }

  // Sends a dump request built by `build(buffer, seq)` and calls `on_message`
  // for every answer until NLMSG_DONE.
  Result<void> dump(const std::function<nlmsghdr*(char*, std::uint32_t)>& build,
                    const std::function<Result<void>(const nlmsghdr*)>& on_message);

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
  bool sent_ = false;
};

// " (... needs CAP_NET_ADMIN ...)" for EPERM, "" otherwise: nfnetlink
// refuses every request, dumps included, without that capability in the
// namespace's user namespace.
std::string permission_hint(int error);

// After a committing batch was sent but its answer lost: has the ruleset
// generation moved since `before`? Asked on a fresh socket (the old one may
// still hold the late answer).
enum class Changed : std::uint8_t { no, yes, unknown };
Changed changed_since(std::uint32_t before);

// The one-line error for a batch the kernel answered with errors: "kernel
// refused rule 3 of chain input: ...; nothing was changed" (the first error
// is the cause, later ones mostly its consequences). An error on the BEGIN
// message refuses the batch as a whole and is worded as system trouble.
Error refusal(const std::vector<BatchError>& errors, std::uint32_t begin_seq, bool commit);

// The one-line error for a committing batch whose answer was lost, saying
// what the generation tells about whether it went in; `armed` is appended
// when the batch may be in (the safe apply's revert stays armed).
Error lost_answer(const Error& cause, Changed changed, const std::string& table, const std::string& armed);

// "No such file or directory" for an errno.
std::string errno_text(int error);

}  // namespace portclass::nft::nl
