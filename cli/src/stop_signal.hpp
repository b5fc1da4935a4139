// SPDX-License-Identifier: GPL-2.0-or-later
// StopSignals: while alive, SIGINT and SIGTERM only set a flag (the one
// piece of global mutable state: a signal handler can do nothing else
// safely), so that a live capture ends its loop and still writes its final
// report. The previous dispositions are restored on destruction, and a
// second signal of the same kind after the first is not blocked: the loop
// checks the flag at least every 100 ms.
#pragma once

#include <csignal>

namespace portclass::cli {

class StopSignals {
 public:
  StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  ~StopSignals();

  bool requested() const noexcept;
  // The signal received, 0 if none.
  int which() const noexcept;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace portclass::cli
