// SPDX-License-Identifier: GPL-2.0-or-later
// RecencyOrder: addresses ordered by when they were last seen, for evicting
// the least recently seen host when a HostDirectory is capped.
//
// Contract: touch() and remove() are O(1) on average; oldest() is the
// address touched longest ago. Copies are deep and consistent (the index's
// list iterators are rebuilt, never shared with the source).
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>

#include "portclass/address.hpp"

namespace portclass {

class RecencyOrder {
 public:
  RecencyOrder() = default;
  RecencyOrder(const RecencyOrder& other) : order_(other.order_) { reindex(); }
  RecencyOrder& operator=(const RecencyOrder& other) {
    if (this != &other) {
      order_ = other.order_;
      reindex();
    }
    return *this;
  }
  // std::list's move keeps its nodes, so the iterators stay valid.
  RecencyOrder(RecencyOrder&&) noexcept = default;
  RecencyOrder& operator=(RecencyOrder&&) noexcept = default;

  // Marks `address` as seen now (adding it if new).
  void touch(const IpAddress& address) {
    if (const auto it = index_.find(address); it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.push_front(address);
    index_.emplace(address, order_.begin());
  }
  void remove(const IpAddress& address) {
    if (const auto it = index_.find(address); it != index_.end()) {
      order_.erase(it->second);
      index_.erase(it);
    }
  }
  std::optional<IpAddress> oldest() const {
    if (order_.empty()) return std::nullopt;
    return order_.back();
  }
  std::size_t size() const noexcept { return order_.size(); }

 private:
  void reindex() {
    index_.clear();
    for (auto it = order_.begin(); it != order_.end(); ++it) index_.emplace(*it, it);
  }

  std::list<IpAddress> order_;  // front: most recently seen
  std::unordered_map<IpAddress, std::list<IpAddress>::iterator, IpAddressHash> index_;
};

}  // namespace portclass
