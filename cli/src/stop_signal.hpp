// SPDX-License-Identifier: GPL-2.0-or-later
// StopSignals: while alive, SIGINT and SIGTERM are blocked and read from a
// signalfd, so a long-running command (`profile -i`, `host --watch`) learns
// of them in its own poll loop and still writes its final report, with no
// signal handler and no global flag. The previous signal mask is restored on
// destruction (a signal that arrived meanwhile is consumed, not re-delivered).
// Blocked signals stay blocked in children started meanwhile: neither command
// starts any.
#pragma once

#include <signal.h>

#include <chrono>

namespace portclass::cli {

class StopSignals {
 public:
  StopSignals();  // throws SystemError when the signals cannot be blocked
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  ~StopSignals();

  // For a poll() set: readable once a stop signal is pending.
  int fd() const noexcept { return fd_; }
  // True once SIGINT or SIGTERM came (reads a pending one, never blocks).
  bool requested();
  // Waits up to TIMEOUT; true when a stop signal came.
  bool wait(std::chrono::milliseconds timeout);
  // The signal received, 0 if none.
  int which() const noexcept { return received_; }

 private:
  sigset_t previous_{};
  int fd_ = -1;
  int received_ = 0;
};

}  // namespace portclass::cli
