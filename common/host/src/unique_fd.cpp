// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host/unique_fd.hpp"

#include <unistd.h>

namespace portclass::host {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace portclass::host
