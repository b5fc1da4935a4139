// SPDX-License-Identifier: GPL-2.0-or-later
// Waiting for SIGINT or SIGTERM without a signal handler or a global flag:
// the two signals are blocked for the object's lifetime and read from a
// signalfd, so `host --watch` sleeps in poll() and wakes at once when told to
// stop. The previous signal mask is restored on destruction (a signal that
// arrived meanwhile is consumed, not re-delivered).
#pragma once

#include <signal.h>

#include <chrono>

#include "netns.hpp"

namespace portclass::cli {

class WatchSignals {
 public:
  WatchSignals();  // throws SystemError when the signals cannot be blocked
  WatchSignals(const WatchSignals&) = delete;
  WatchSignals& operator=(const WatchSignals&) = delete;
  ~WatchSignals();
  // True when SIGINT or SIGTERM came before `timeout` ran out.
  bool wait(std::chrono::milliseconds timeout);

 private:
  sigset_t previous_{};
  UniqueFd fd_;
};

}  // namespace portclass::cli
