// SPDX-License-Identifier: GPL-2.0-or-later
#include "stop_signal.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "exit_code.hpp"

namespace portclass::cli {

StopSignals::StopSignals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (::sigprocmask(SIG_BLOCK, &mask, &previous_) != 0)
    throw SystemError(std::string("cannot block SIGINT/SIGTERM: ") + std::strerror(errno));
  fd_ = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd_ < 0) {
    const int err = errno;
    ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
    throw SystemError(std::string("cannot open a signalfd: ") + std::strerror(err));
  }
}

StopSignals::~StopSignals() {
  ::close(fd_);
  ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
}

bool StopSignals::requested() {
  if (received_) return true;
  signalfd_siginfo info{};
  if (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
    received_ = static_cast<int>(info.ssi_signo);
  return received_ != 0;
}

bool StopSignals::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!requested()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
      throw SystemError(std::string("poll: ") + std::strerror(errno));
  }
  return true;
}

}  // namespace portclass::cli
