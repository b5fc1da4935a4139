// SPDX-License-Identifier: GPL-2.0-or-later
// A one-line progress bar for long captures, drawn on stderr only when
// stderr is a terminal (never into pipes, files or test logs), redrawn at most
// ten times a second, and erased when done or destroyed.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace portclass::cli {

class ProgressBar {
 public:
  // Enabled when `stream` is a terminal.
  explicit ProgressBar(std::FILE* stream = stderr);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();

  bool enabled() const noexcept { return enabled_; }
  void update(std::string_view label, std::uint64_t bytes_done, std::uint64_t bytes_total, std::uint64_t packets);
  void clear();

 private:
  std::FILE* stream_;
  bool enabled_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace portclass::cli
