// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/sequence_stats.hpp"

namespace portclass {

void SequenceStats::count_step(Port from, Port to) noexcept {
  const int delta = int{to} - int{from};
  if (delta == 1) ++unit_rises;
  if (delta == -1) ++unit_falls;
  if (delta >= 1 && delta <= kSmallStep) ++small_rises;
  if (delta <= -1 && delta >= -kSmallStep) ++small_falls;
}

void SequenceStats::record(Port port, Timestamp when) noexcept {
  if (events == 0) {
    events = 1;
    first_port = last_port = port;
    first_time = last_time = when;
    return;
  }
  last_time = when;
  if (port == last_port) return;  // the same flow again, not a new allocation
  count_step(last_port, port);
  last_port = port;
  ++events;
}

void SequenceStats::append(const SequenceStats& later) noexcept {
  // The junction: later's first event continues our last one.
  if (later.first_port == last_port) {
    events += later.events - 1;
  } else {
    count_step(last_port, later.first_port);
    events += later.events;
  }
  unit_rises += later.unit_rises;
  unit_falls += later.unit_falls;
  small_rises += later.small_rises;
  small_falls += later.small_falls;
  last_port = later.last_port;
  last_time = later.last_time;
}

void SequenceStats::merge(const SequenceStats& other) noexcept {
  if (other.events == 0) return;
  if (events == 0) {
    *this = other;
    return;
  }
  if (other.first_time >= last_time) {
    append(other);
  } else if (other.last_time <= first_time) {
    SequenceStats earlier = other;
    earlier.append(*this);
    *this = earlier;
  } else {
    // Overlapping in time: the order of events across the two is unknown.
    events += other.events;
    unit_rises += other.unit_rises;
    unit_falls += other.unit_falls;
    small_rises += other.small_rises;
    small_falls += other.small_falls;
    if (other.first_time < first_time) {
      first_time = other.first_time;
      first_port = other.first_port;
    }
    if (other.last_time > last_time) {
      last_time = other.last_time;
      last_port = other.last_port;
    }
  }
}

}  // namespace portclass
