// SPDX-License-Identifier: GPL-2.0-or-later
// SequenceStats: how a host's successive source ports move, in O(1) memory.
//
// Each new connection (or UDP flow) contributes its source port in time order.
// A repeat of the previous port (a retransmitted SYN, the same UDP socket) is
// not a new event. Steps between successive events are counted as unit rises
// (+1: a global counter, as Windows XP), unit falls (-1: NetBSD's count-down)
// and small rises/falls (within kSmallStep; Linux's per-destination offsets
// rise in small even steps, which is not a global counter).
//
// merge() is exact when the two parts do not overlap in time (two halves of a
// capture, in either order); for overlapping parts it adds the counts and
// drops the one junction step it cannot know.
#pragma once

#include <cstdint>

#include "portclass/port.hpp"

namespace portclass {

using Timestamp = std::int64_t;  // microseconds since the Unix epoch

struct SequenceStats {
  static constexpr int kSmallStep = 8;

  std::uint64_t events = 0;
  std::uint64_t unit_rises = 0;   // steps of exactly +1
  std::uint64_t unit_falls = 0;   // steps of exactly -1
  std::uint64_t small_rises = 0;  // steps of +1..+kSmallStep
  std::uint64_t small_falls = 0;  // steps of -1..-kSmallStep
  Timestamp first_time = 0;
  Timestamp last_time = 0;
  Port first_port = 0;
  Port last_port = 0;

  std::uint64_t steps() const noexcept { return events > 0 ? events - 1 : 0; }

  void record(Port port, Timestamp when) noexcept;
  void merge(const SequenceStats& other) noexcept;

  friend bool operator==(const SequenceStats&, const SequenceStats&) = default;

 private:
  void count_step(Port from, Port to) noexcept;
  void append(const SequenceStats& later) noexcept;
};

}  // namespace portclass
