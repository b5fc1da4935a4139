// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/distinct_ports.hpp"

#include <algorithm>

namespace portclass {

DistinctPorts::DistinctPorts(const DistinctPorts& other)
    : small_(other.small_),
      bits_(other.bits_ ? std::make_unique<Bitmap>(*other.bits_) : nullptr),
      count_(other.count_) {}

DistinctPorts& DistinctPorts::operator=(const DistinctPorts& other) {
  if (this != &other) {
    DistinctPorts copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void DistinctPorts::promote() {
  bits_ = std::make_unique<Bitmap>();
  bits_->fill(0);
  for (Port p : small_) (*bits_)[p / 64] |= std::uint64_t{1} << (p % 64);
  small_.clear();
  small_.shrink_to_fit();
}

void DistinctPorts::insert(Port p) {
  if (bits_) {
    auto& word = (*bits_)[p / 64];
    const std::uint64_t bit = std::uint64_t{1} << (p % 64);
    if (!(word & bit)) {
      word |= bit;
      ++count_;
    }
    return;
  }
  const auto it = std::lower_bound(small_.begin(), small_.end(), p);
  if (it != small_.end() && *it == p) return;
  small_.insert(it, p);
  ++count_;
  if (small_.size() > kSmallLimit) promote();
}

void DistinctPorts::merge(const DistinctPorts& other) {
  if (other.bits_ && !bits_) promote();
  if (bits_ && other.bits_) {
    count_ = 0;
    for (std::uint32_t w = 0; w < kWords; ++w) {
      (*bits_)[w] |= (*other.bits_)[w];
      count_ += static_cast<std::uint32_t>(__builtin_popcountll((*bits_)[w]));
    }
    return;
  }
  other.for_each([this](Port p) { insert(p); });
}

bool DistinctPorts::contains(Port p) const noexcept {
  if (bits_) return ((*bits_)[p / 64] >> (p % 64)) & 1u;
  return std::binary_search(small_.begin(), small_.end(), p);
}

std::uint32_t DistinctPorts::count_in(const PortSet& set) const {
  std::uint32_t n = 0;
  for_each([&](Port p) { n += set.contains(p) ? 1 : 0; });
  return n;
}

std::uint32_t DistinctPorts::count_even() const {
  if (bits_) {
    std::uint32_t n = 0;
    for (const auto word : *bits_) n += static_cast<std::uint32_t>(__builtin_popcountll(word & 0x5555555555555555ull));
    return n;
  }
  return static_cast<std::uint32_t>(std::count_if(small_.begin(), small_.end(), [](Port p) { return p % 2 == 0; }));
}

Port DistinctPorts::min() const {
  if (!bits_) return small_.front();
  for (std::uint32_t w = 0; w < kWords; ++w)
    if ((*bits_)[w]) return static_cast<Port>(w * 64 + static_cast<std::uint32_t>(__builtin_ctzll((*bits_)[w])));
  return 0;
}

Port DistinctPorts::max() const {
  if (!bits_) return small_.back();
  for (std::uint32_t w = kWords; w-- > 0;)
    if ((*bits_)[w]) return static_cast<Port>(w * 64 + 63 - static_cast<std::uint32_t>(__builtin_clzll((*bits_)[w])));
  return 0;
}

PortSet DistinctPorts::to_set() const {
  // Build runs directly: PortSet::add on ascending input appends.
  PortSet set;
  bool open = false;
  PortRange run{};
  for_each([&](Port p) {
    if (open && std::uint32_t{run.last} + 1 == p) {
      run.last = p;
      return;
    }
    if (open) set.add(run);
    run = {p, p};
    open = true;
  });
  if (open) set.add(run);
  return set;
}

bool operator==(const DistinctPorts& a, const DistinctPorts& b) {
  if (a.count_ != b.count_) return false;
  if (!a.bits_ && !b.bits_) return a.small_ == b.small_;
  bool same = true;
  a.for_each([&](Port p) { same = same && b.contains(p); });
  return same;
}

}  // namespace portclass
