// SPDX-License-Identifier: GPL-2.0-or-later
// DistinctPorts: the exact set of distinct ports a host used, in bounded memory.
//
// Small sets are a sorted vector; past kSmallLimit ports the set switches to a
// 65536-bit bitmap (8 KiB), so memory never exceeds that however long the
// capture is. Union is exact, so sets from different captures merge in any
// order with the same result.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "portclass/port.hpp"

namespace portclass {

class DistinctPorts {
 public:
  static constexpr std::size_t kSmallLimit = 512;

  DistinctPorts() = default;
  DistinctPorts(const DistinctPorts& other);
  DistinctPorts& operator=(const DistinctPorts& other);
  DistinctPorts(DistinctPorts&&) noexcept = default;
  DistinctPorts& operator=(DistinctPorts&&) noexcept = default;

  void insert(Port p);
  void merge(const DistinctPorts& other);

  bool contains(Port p) const noexcept;
  std::uint32_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  std::uint32_t count_in(const PortSet& set) const;
  std::uint32_t count_even() const;
  Port min() const;  // precondition: !empty()
  Port max() const;  // precondition: !empty()

  PortSet to_set() const;
  template <class F>
  void for_each(F&& f) const {
    if (!bits_) {
      for (Port p : small_) f(p);
      return;
    }
    for (std::uint32_t w = 0; w < kWords; ++w)
      for (std::uint64_t word = (*bits_)[w]; word != 0; word &= word - 1)
        f(static_cast<Port>(w * 64 + static_cast<std::uint32_t>(__builtin_ctzll(word))));
  }

  friend bool operator==(const DistinctPorts& a, const DistinctPorts& b);

 private:
  static constexpr std::uint32_t kWords = kPortCount / 64;
  using Bitmap = std::array<std::uint64_t, kWords>;
  void promote();

  std::vector<Port> small_;  // sorted, used while bits_ is null
  std::unique_ptr<Bitmap> bits_;
  std::uint32_t count_ = 0;
};

}  // namespace portclass
