// SPDX-License-Identifier: GPL-2.0-or-later
#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

namespace portclass::cli {

ProgressBar::ProgressBar(std::FILE* stream) : stream_(stream), enabled_(stream && isatty(fileno(stream))) {}

ProgressBar::~ProgressBar() { clear(); }

void ProgressBar::update(std::string_view label, std::uint64_t bytes_done, std::uint64_t bytes_total,
                         std::uint64_t packets) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool finished = bytes_total > 0 && bytes_done >= bytes_total;
  if (drawn_ && !finished && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  constexpr int kWidth = 30;
  const double share = bytes_total ? std::min(1.0, double(bytes_done) / double(bytes_total)) : 0.0;
  const int filled = static_cast<int>(share * kWidth);
  std::string name(label);
  if (name.size() > 32) name = "..." + name.substr(name.size() - 29);
  const std::string line = fmt::format("\r{} [{}{}] {:3.0f}% {} packets", name, std::string(filled, '#'),
                                       std::string(kWidth - filled, '.'), share * 100, packets);
  std::fputs(line.c_str(), stream_);
  std::fputs("\x1b[K", stream_);  // erase what a longer previous line left
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\x1b[K", stream_);
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace portclass::cli
