// SPDX-License-Identifier: GPL-2.0-or-later
#include "watch_signals.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "exit_code.hpp"

namespace portclass::cli {

WatchSignals::WatchSignals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (::sigprocmask(SIG_BLOCK, &mask, &previous_) != 0)
    throw SystemError(std::string("cannot block SIGINT/SIGTERM: ") + std::strerror(errno));
  fd_ = UniqueFd(::signalfd(-1, &mask, SFD_CLOEXEC));
  if (!fd_) {
    const int err = errno;
    ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
    throw SystemError(std::string("cannot open a signalfd: ") + std::strerror(err));
  }
}

WatchSignals::~WatchSignals() {
  fd_ = UniqueFd();
  ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
}

bool WatchSignals::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_.get(), POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;  // another signal (SIGWINCH...): keep waiting
    if (n < 0) throw SystemError(std::string("poll: ") + std::strerror(errno));
    if (n == 0) return false;
    signalfd_siginfo info{};
    if (::read(fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) return true;
  }
}

}  // namespace portclass::cli
